import { test } from "node:test";
import assert from "node:assert/strict";
import type { Node } from "../../api/types.js";
import { ProxyHealthState, goZeroTime, isNodeEligible, toBeDeletedTaint } from "./proxy-health.js";

const start = new Date("2025-01-01T00:00:00Z");
const at = (seconds: number): Date => new Date(start.getTime() + seconds * 1000);

type Step = { t: number; op: "queued" | "updated"; family?: "IPv4" | "IPv6" };

test("the proxy is unhealthy once a queued change waits healthTimeout (60 s by default)", async (t) => {
  const cases: { name: string; steps: Step[]; check: number; want: boolean; lastUpdated: number }[] = [
    { name: "nothing queued, ever", steps: [], check: 3600, want: true, lastUpdated: 0 },
    { name: "first sync queued, not yet late", steps: [{ t: 1, op: "queued" }], check: 60, want: true, lastUpdated: 0 },
    { name: "first sync queued and never done", steps: [{ t: 1, op: "queued" }], check: 61, want: false, lastUpdated: 0 },
    { name: "queued then applied", steps: [{ t: 1, op: "queued" }, { t: 2, op: "updated" }], check: 500, want: true, lastUpdated: 2 },
    {
      name: "only the oldest queued change counts",
      steps: [{ t: 10, op: "queued" }, { t: 50, op: "queued" }],
      check: 70,
      want: false,
      lastUpdated: 0,
    },
    {
      name: "a new change after an update restarts the clock",
      steps: [{ t: 10, op: "queued" }, { t: 20, op: "updated" }, { t: 30, op: "queued" }],
      check: 89,
      want: true,
      lastUpdated: 20,
    },
    { name: "exactly at the timeout is late", steps: [{ t: 0, op: "queued" }], check: 60, want: false, lastUpdated: 0 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const s = new ProxyHealthState({ start });
      for (const step of c.steps) (step.op === "queued" ? s.queuedUpdate : s.updated).call(s, at(step.t));
      const h = s.health(at(c.check));
      assert.equal(h.healthy, c.want);
      assert.deepEqual(h.lastUpdated, at(c.lastUpdated));
      assert.deepEqual(h.currentTime, at(c.check));
      assert.deepEqual([...h.status.keys()], ["IPv4"]);
      assert.equal(h.status.get("IPv4")?.healthy, c.want);
    });
  }
});

test("the timeout is 2 × syncPeriod unless given", () => {
  assert.equal(new ProxyHealthState({ start }).healthTimeoutMs, 60_000);
  assert.equal(new ProxyHealthState({ start, syncPeriodMs: 10_000 }).healthTimeoutMs, 20_000);
  assert.equal(new ProxyHealthState({ start, syncPeriodMs: 10_000, healthTimeoutMs: 5_000 }).healthTimeoutMs, 5_000);
  const s = new ProxyHealthState({ start, syncPeriodMs: 1_000 });
  s.queuedUpdate(at(0));
  assert.equal(s.health(at(1.999)).healthy, true);
  assert.equal(s.health(at(2)).healthy, false);
});

test("each family is judged alone and the proxy needs all of them", () => {
  const s = new ProxyHealthState({ start, families: ["IPv6", "IPv4"] });
  s.queuedUpdate(at(1), "IPv4");
  s.queuedUpdate(at(1), "IPv6");
  s.updated(at(5), "IPv4");
  const h = s.health(at(100));
  assert.equal(h.healthy, false);
  assert.deepEqual([...h.status.entries()], [
    ["IPv4", { lastUpdated: at(5), healthy: true }],
    ["IPv6", { lastUpdated: at(0), healthy: false }],
  ]);
  assert.deepEqual(h.lastUpdated, at(5));
  s.updated(at(101), "IPv6");
  assert.equal(s.health(at(102)).healthy, true);
});

test("a family that was never updated is not judged (as upstream)", () => {
  const s = new ProxyHealthState({ start, families: [] });
  s.queuedUpdate(at(0));
  const h = s.health(at(1000));
  assert.equal(h.healthy, true);
  assert.deepEqual(h.lastUpdated, goZeroTime);
  assert.equal(goZeroTime.toISOString(), "0001-01-01T00:00:00.000Z");
});

test("node eligibility defaults to true and is stored as told", () => {
  const s = new ProxyHealthState({ start });
  assert.equal(s.nodeEligible, true);
  s.setNodeEligible(false);
  assert.equal(s.nodeEligible, false);
  assert.equal(s.health(at(1)).healthy, true, "health() ignores the node; /healthz combines them");
});

test("a node being deleted or marked by the autoscaler is not eligible", async (t) => {
  const node = (edit: (n: Node) => void = () => {}): Node => {
    const n: Node = { apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, spec: {} };
    edit(n);
    return Object.freeze(n);
  };
  const cases: { name: string; node: Node; want: boolean }[] = [
    { name: "plain node", node: node(), want: true },
    { name: "other taints", node: node((n) => (n.spec = { taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }] })), want: true },
    { name: "being deleted", node: node((n) => (n.metadata.deletionTimestamp = "2025-01-01T00:00:00Z")), want: false },
    { name: "autoscaler taint", node: node((n) => (n.spec = { taints: [{ key: toBeDeletedTaint, value: "1700000000", effect: "NoSchedule" }] })), want: false },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(isNodeEligible(c.node), c.want));
});
