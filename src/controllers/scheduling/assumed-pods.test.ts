import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Pod } from "../../api/types.js";
import { AssumedPods, podsOnNodes } from "./assumed-pods.js";
import { makePod } from "./fixtures.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const pod = (name: string, node?: string): Pod => deepFreeze(makePod("default", name, (p) => node && (p.spec.nodeName = node)));
const names = (m: Map<string, Pod[]>): Record<string, string[]> => Object.fromEntries([...m].map(([n, ps]) => [n, ps.map((p) => p.metadata.name ?? "")]));

test("AssumedPods", async (t) => {
  const cases: { name: string; steps: (a: AssumedPods) => void; want: string[] }[] = [
    { name: "assume records the pod on its node", steps: (a) => a.assume(pod("x"), "n1", T0), want: ["x@n1"] },
    { name: "forget drops it", steps: (a) => (a.assume(pod("x"), "n1", T0), a.forget("default/x")), want: [] },
    { name: "observing it still unbound keeps it", steps: (a) => (a.assume(pod("x"), "n1", T0), a.observe("default/x", pod("x"))), want: ["x@n1"] },
    { name: "observing it bound drops it", steps: (a) => (a.assume(pod("x"), "n1", T0), a.observe("default/x", pod("x", "n1"))), want: [] },
    { name: "observing it deleted drops it", steps: (a) => (a.assume(pod("x"), "n1", T0), a.observe("default/x", undefined)), want: [] },
    { name: "expire drops only old ones", steps: (a) => (a.assume(pod("old"), "n1", T0), a.assume(pod("new"), "n2", T0 + 9000), a.expire(T0 + 10_000, 5000)), want: ["new@n2"] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const a = new AssumedPods();
      c.steps(a);
      assert.deepEqual(a.pods().map((p) => `${p.metadata.name}@${p.spec.nodeName}`), c.want);
      assert.equal(a.size, c.want.length);
    });
  }
});

test("assume does not touch the given pod and hands out frozen copies", () => {
  const a = new AssumedPods();
  const p = pod("x");
  const copy = a.assume(p, "n1", T0);
  assert.equal(p.spec.nodeName, undefined);
  assert.ok(Object.isFrozen(copy.spec));
  assert.ok(a.has("default/x"));
});

test("podsOnNodes", async (t) => {
  const bound: Record<string, Pod[]> = { n1: [pod("a", "n1")], n2: [] };
  const cases: { name: string; nodes: string[]; assumed: Pod[]; want: Record<string, string[]> }[] = [
    { name: "bound pods only", nodes: ["n1", "n2"], assumed: [], want: { n1: ["a"], n2: [] } },
    { name: "assumed pods join their node", nodes: ["n1", "n2"], assumed: [pod("b", "n2"), pod("c", "n1")], want: { n1: ["a", "c"], n2: ["b"] } },
    { name: "an assumed pod the informer already shows bound counts once", nodes: ["n1", "n2"], assumed: [pod("a", "n1")], want: { n1: ["a"], n2: [] } },
    { name: "assumed on a node that is gone is ignored", nodes: ["n1"], assumed: [pod("b", "n9")], want: { n1: ["a"] } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.deepEqual(names(podsOnNodes(c.nodes, (n) => bound[n] ?? [], c.assumed)), c.want);
    });
  }
});
