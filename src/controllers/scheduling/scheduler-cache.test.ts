import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Pod } from "../../api/types.js";
import { makeNode, makePod, withRequests } from "./fixtures.js";
import { SchedulerCache } from "./scheduler-cache.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const pod = (name: string, node?: string, phase: "Running" | "Succeeded" = "Running"): Pod =>
  deepFreeze(
    makePod("default", name, (p) => {
      if (node) p.spec.nodeName = node;
      p.status = { phase: node ? phase : "Pending" };
      p.spec.containers[0].resources = { requests: { cpu: "100m" } };
    }),
  );
const node = (name: string) => deepFreeze(makeNode(name));

/** Each known node with its pods (`name` or `name*` when assumed), and the CPU counted there. */
function view(c: SchedulerCache): Record<string, string> {
  return Object.fromEntries(
    c.nodeInfos().map((i) => [i.name, `${i.pods.map((p) => `${p.metadata.name}${c.isAssumed(`default/${p.metadata.name}`) ? "*" : ""}`).join(",")} ${i.requested.milliCPU}m`]),
  );
}

test("SchedulerCache", async (t) => {
  const cases: { name: string; steps: (c: SchedulerCache) => void; want: Record<string, string>; assumed?: number }[] = [
    { name: "nodes in name order", steps: (c) => (c.setNode(node("b")), c.setNode(node("a"))), want: { a: " 0m", b: " 0m" } },
    { name: "a bound pod counts on its node", steps: (c) => (c.setNode(node("a")), c.observePod("default/x", pod("x", "a"))), want: { a: "x 100m" } },
    { name: "an unbound pod does not count", steps: (c) => (c.setNode(node("a")), c.observePod("default/x", pod("x"))), want: { a: " 0m" } },
    {
      name: "a pod that finishes stops counting",
      steps: (c) => (c.setNode(node("a")), c.observePod("default/x", pod("x", "a")), c.observePod("default/x", pod("x", "a", "Succeeded"))),
      want: { a: " 0m" },
    },
    {
      name: "a deleted pod stops counting",
      steps: (c) => (c.setNode(node("a")), c.observePod("default/x", pod("x", "a")), c.observePod("default/x", undefined)),
      want: { a: " 0m" },
    },
    {
      name: "an updated pod is counted once, with its new requests",
      steps: (c) => {
        c.setNode(node("a"));
        c.observePod("default/x", pod("x", "a"));
        c.observePod("default/x", deepFreeze(makePod("default", "x", (p) => ((p.spec.nodeName = "a"), withRequests({ cpu: "1" })(p)))));
      },
      want: { a: "x 1000m" },
    },
    { name: "assume counts the pod on the chosen node", steps: (c) => (c.setNode(node("a")), c.assume(pod("x"), "a", T0)), want: { a: "x* 100m" }, assumed: 1 },
    {
      name: "a lagging watch (still unbound) keeps the assumption",
      steps: (c) => (c.setNode(node("a")), c.assume(pod("x"), "a", T0), c.observePod("default/x", pod("x"))),
      want: { a: "x* 100m" },
      assumed: 1,
    },
    {
      name: "the watch showing it bound confirms it: counted once, no longer assumed",
      steps: (c) => (c.setNode(node("a")), c.assume(pod("x"), "a", T0), c.observePod("default/x", pod("x", "a"))),
      want: { a: "x 100m" },
      assumed: 0,
    },
    {
      name: "bound elsewhere by someone else: it moves there",
      steps: (c) => (c.setNode(node("a")), c.setNode(node("b")), c.assume(pod("x"), "a", T0), c.observePod("default/x", pod("x", "b"))),
      want: { a: " 0m", b: "x 100m" },
      assumed: 0,
    },
    { name: "deleted while assumed: gone", steps: (c) => (c.setNode(node("a")), c.assume(pod("x"), "a", T0), c.observePod("default/x", undefined)), want: { a: " 0m" }, assumed: 0 },
    { name: "forget drops an assumption", steps: (c) => (c.setNode(node("a")), c.assume(pod("x"), "a", T0), c.forget("default/x")), want: { a: " 0m" }, assumed: 0 },
    {
      name: "forget leaves a confirmed pod alone",
      steps: (c) => (c.setNode(node("a")), c.observePod("default/x", pod("x", "a")), c.forget("default/x")),
      want: { a: "x 100m" },
    },
    {
      name: "expire drops only old assumptions",
      steps: (c) => (c.setNode(node("a")), c.assume(pod("old"), "a", T0), c.assume(pod("new"), "a", T0 + 9000), c.expire(T0 + 10_000, 5000)),
      want: { a: "new* 100m" },
      assumed: 1,
    },
    {
      name: "pods on a node not yet seen are kept for when it arrives",
      steps: (c) => (c.observePod("default/x", pod("x", "late")), c.setNode(node("a")), c.setNode(node("late"))),
      want: { a: " 0m", late: "x 100m" },
    },
    {
      name: "a deleted node is no longer offered; its pods count again if it comes back",
      steps: (c) => (c.setNode(node("a")), c.setNode(node("b")), c.observePod("default/x", pod("x", "b")), c.removeNode("b")),
      want: { a: " 0m" },
    },
    {
      name: "…and back",
      steps: (c) => (c.setNode(node("b")), c.observePod("default/x", pod("x", "b")), c.removeNode("b"), c.setNode(node("b"))),
      want: { b: "x 100m" },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const cache = new SchedulerCache();
      c.steps(cache);
      assert.deepEqual(view(cache), c.want);
      assert.equal(cache.assumedCount, c.assumed ?? 0);
    });
  }
});

test("assume leaves the given pod alone and counts a frozen copy bound to the node", () => {
  const cache = new SchedulerCache();
  cache.setNode(node("a"));
  const p = pod("x");
  const counted = cache.assume(p, "a", T0);
  assert.equal(p.spec.nodeName, undefined);
  assert.equal(counted.spec.nodeName, "a");
  assert.ok(Object.isFrozen(counted) && Object.isFrozen(counted.spec));
  assert.equal(cache.nodeInfo("a")?.pods[0], counted);
});

test("a node's list is rebuilt only when nodes come or go", () => {
  const cache = new SchedulerCache();
  cache.setNode(node("a"));
  const before = cache.nodeInfos();
  cache.setNode(node("a"));
  cache.observePod("default/x", pod("x", "a"));
  assert.equal(cache.nodeInfos(), before, "same array after a node update and a pod");
  cache.setNode(node("b"));
  assert.notEqual(cache.nodeInfos(), before);
});
