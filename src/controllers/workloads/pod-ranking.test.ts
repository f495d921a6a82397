import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Pod } from "../../api/types.js";
import { podDeletionCost, podsToDelete, rankPodsForDeletion } from "./pod-ranking.js";
import { at, dateAt, makePod, pending, readyAt } from "./workload-fixtures.js";

const restarts = (n: number) => (p: Pod) => (p.status!.containerStatuses = [{ name: "nginx", ready: true, restartCount: n }]);
const cost = (v: string) => (p: Pod) => (p.metadata.annotations = { "controller.kubernetes.io/pod-deletion-cost": v });
const created = (s: number) => (p: Pod) => (p.metadata.creationTimestamp = at(s));
const node = (n: string) => (p: Pod) => (p.spec.nodeName = n);
const phase = (ph: "Pending" | "Unknown" | "Running") => (p: Pod) => (p.status = { phase: ph, conditions: [] });

test("the deletion order of ActivePodsWithRanks (first = deleted first)", async (t) => {
  const cases: { name: string; first: Pod; second: Pod; related?: Pod[]; now?: Date }[] = [
    { name: "unassigned before assigned", first: makePod("a", node("")), second: makePod("b") },
    { name: "pending before unknown", first: makePod("a", phase("Pending")), second: makePod("b", phase("Unknown")) },
    { name: "unknown before running", first: makePod("a", phase("Unknown")), second: makePod("b", phase("Running")) },
    { name: "not ready before ready", first: makePod("a", (p) => (p.status!.conditions = [{ type: "Ready", status: "False" }])), second: makePod("b") },
    { name: "lower deletion cost first", first: makePod("a", cost("-5")), second: makePod("b", cost("10")) },
    { name: "deletion cost beats readiness time", first: makePod("a", (p) => (readyAt(0)(p), cost("1")(p))), second: makePod("b", (p) => (readyAt(100)(p), cost("2")(p))) },
    { name: "invalid cost counts as 0", first: makePod("a", cost("+5")), second: makePod("b", cost("1")) },
    {
      name: "doubled-up node first",
      first: makePod("a", node("n1")),
      second: makePod("b", node("n2")),
      related: [makePod("a", node("n1")), makePod("b", node("n2")), makePod("c", node("n1"))],
    },
    { name: "ready more recently first", first: makePod("a", readyAt(100)), second: makePod("b", readyAt(10)) },
    { name: "more restarts first", first: makePod("a", restarts(3)), second: makePod("b", restarts(1)) },
    { name: "newer first", first: makePod("a", created(50)), second: makePod("b", created(5)) },
    { name: "missing creation time first", first: makePod("a", (p) => (p.metadata.creationTimestamp = null)), second: makePod("b", created(5)) },
    // With `now`, ages in the same power-of-two bucket tie and the uid decides.
    { name: "log scale: same bucket, lower uid first", first: makePod("a", created(1000)), second: makePod("b", created(1001)), now: dateAt(3000) },
    { name: "log scale: different buckets, younger first", first: makePod("b", created(2900)), second: makePod("a", created(0)), now: dateAt(3000) },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const first = deepFreeze(c.first);
      const second = deepFreeze(c.second);
      const opts = { related: c.related ? deepFreeze(c.related) : undefined, now: c.now };
      assert.deepEqual(rankPodsForDeletion([second, first], opts).map((p) => p.metadata.name), [first.metadata.name, second.metadata.name]);
      assert.deepEqual(rankPodsForDeletion([first, second], opts).map((p) => p.metadata.name), [first.metadata.name, second.metadata.name]);
    });
  }
});

test("podsToDelete picks the n worst pods", async (t) => {
  const pods = deepFreeze([makePod("ready-old", readyAt(0)), makePod("pending", pending), makePod("unscheduled", (p) => (pending(p), (p.spec.nodeName = ""))), makePod("ready-new", readyAt(500))]);
  const cases: { name: string; n: number; want: string[] }[] = [
    { name: "none", n: 0, want: [] },
    { name: "one", n: 1, want: ["unscheduled"] },
    { name: "three", n: 3, want: ["unscheduled", "pending", "ready-new"] },
    { name: "all, input order", n: 4, want: ["ready-old", "pending", "unscheduled", "ready-new"] },
    { name: "more than all", n: 9, want: ["ready-old", "pending", "unscheduled", "ready-new"] },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(podsToDelete(pods, c.n).map((p) => p.metadata.name), c.want));
});

test("podDeletionCost parses like GetDeletionCostFromPodAnnotations", async (t) => {
  const cases: { name: string; v?: string; want: number }[] = [
    { name: "absent", want: 0 },
    { name: "positive", v: "100", want: 100 },
    { name: "negative", v: "-7", want: -7 },
    { name: "zero", v: "0", want: 0 },
    { name: "plus sign", v: "+1", want: 0 },
    { name: "leading zero", v: "01", want: 0 },
    { name: "beyond int32", v: "2147483648", want: 0 },
    { name: "int32 max", v: "2147483647", want: 2147483647 },
    { name: "not a number", v: "abc", want: 0 },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(podDeletionCost(makePod("p", c.v === undefined ? undefined : cost(c.v))), c.want));
});
