import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Condition, Lease, Node } from "../../api/types.js";
import { makeNode } from "../scheduling/fixtures.js";
import { rfc3339 } from "../../api/time.js";
import type { Taint } from "../scheduling/taints.js";
import { evaluateNodeHealth, type NodeHealthDecision, type NodeHealthOptions, type NodeHealthRecord } from "./node-health.js";

const T0 = Date.parse("2024-06-01T12:00:00Z");
const GRACE = 40_000;

function readyNode(heartbeat: number, edit?: (n: Node) => void): Node {
  return makeNode("n1", (n) => {
    n.status.conditions = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"].map(
      (type): Condition => ({
        type,
        status: type === "Ready" ? "True" : "False",
        lastHeartbeatTime: rfc3339(heartbeat),
        lastTransitionTime: "2024-06-01T10:00:00Z",
        reason: type === "Ready" ? "KubeletReady" : `KubeletHas${type === "PIDPressure" ? "SufficientPID" : "No" + type}`,
      }),
    );
    edit?.(n);
  });
}

function lease(renew: number | undefined): Lease {
  return { metadata: { name: "n1", namespace: "kube-node-lease" }, spec: { holderIdentity: "n1", leaseDurationSeconds: 40, renewTime: renew === undefined ? undefined : new Date(renew).toISOString() } };
}

/** Applies a decision the way the controller will: write conditions and taints back. */
function apply(node: Node, d: NodeHealthDecision): Node {
  const next = structuredClone(node) as Node;
  if (d.conditions) next.status = { ...next.status, conditions: d.conditions };
  if (d.taints.taints) next.spec = { ...next.spec, taints: d.taints.taints.map((t) => ({ ...t })) };
  return next;
}

function evaluate(node: Node, l: Lease | undefined, opts: NodeHealthOptions): NodeHealthDecision {
  return evaluateNodeHealth(deepFreeze(node), l && deepFreeze(l), deepFreeze({ gracePeriodMs: GRACE, ...opts }));
}

const taintNames = (ts: readonly Taint[]): string[] => ts.map((t) => `${t.key}:${t.effect}`);
const statuses = (cs: readonly Condition[] | undefined): string[] => (cs ?? []).map((c) => `${c.type}=${c.status}`);

test("a node going silent, then recovering", async (t) => {
  let node = readyNode(T0 - 10_000);
  const l = lease(T0 - 5_000);
  let observed: NodeHealthRecord | undefined;

  await t.test("first sight: healthy, grace counted from now", () => {
    const d = evaluate(node, l, { now: T0 });
    assert.equal(d.conditions, undefined);
    assert.equal(d.readyAfter, "True");
    assert.equal(d.deadline, T0 + GRACE);
    assert.deepEqual(d.taints, { add: [], remove: [] });
    observed = d.observed;
  });

  await t.test("exactly at the grace period: still healthy", () => {
    const d = evaluate(node, l, { now: T0 + GRACE, lastObserved: observed });
    assert.equal(d.conditions, undefined);
    assert.equal(d.markPodsNotReady, false);
    observed = d.observed;
  });

  await t.test("grace + 1 ms: Unknown, pods to mark, unreachable taints", () => {
    const now = T0 + GRACE + 1;
    const d = evaluate(node, l, { now, lastObserved: observed });
    assert.deepEqual(statuses(d.conditions), ["Ready=Unknown", "MemoryPressure=Unknown", "DiskPressure=Unknown", "PIDPressure=Unknown"]);
    const ready = d.conditions?.find((c) => c.type === "Ready");
    assert.deepEqual(ready, {
      type: "Ready",
      status: "Unknown",
      reason: "NodeStatusUnknown",
      message: "Kubelet stopped posting node status.",
      lastHeartbeatTime: rfc3339(T0 - 10_000),
      lastTransitionTime: "2024-06-01T12:00:40Z",
    });
    assert.equal(d.readyBefore, "True");
    assert.equal(d.readyAfter, "Unknown");
    assert.equal(d.markPodsNotReady, true);
    assert.deepEqual(d.taints.add, [
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded: "2024-06-01T12:00:40Z" },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: "2024-06-01T12:00:40Z" },
    ]);
    assert.deepEqual(d.taints.remove, []);
    node = apply(node, d);
    observed = d.observed;
  });

  await t.test("still silent: nothing more to write, pods not marked twice", () => {
    const d = evaluate(node, l, { now: T0 + 60_000, lastObserved: observed });
    assert.equal(d.conditions, undefined);
    assert.equal(d.markPodsNotReady, false);
    assert.equal(d.readyAfter, "Unknown");
    assert.deepEqual(d.taints, { add: [], remove: [] });
    observed = d.observed;
  });

  await t.test("lease renewed but status not yet posted: alive, taints stay (they follow conditions)", () => {
    const d = evaluate(node, lease(T0 + 61_000), { now: T0 + 62_000, lastObserved: observed });
    assert.equal(d.conditions, undefined);
    assert.equal(d.deadline, T0 + 62_000 + GRACE);
    assert.deepEqual(d.taints, { add: [], remove: [] });
    observed = d.observed;
  });

  await t.test("kubelet posts Ready=True again: taints removed", () => {
    const back = readyNode(T0 + 63_000, (n) => (n.spec = node.spec));
    const d = evaluate(back, lease(T0 + 63_000), { now: T0 + 64_000, lastObserved: observed });
    assert.equal(d.conditions, undefined);
    assert.equal(d.readyAfter, "True");
    assert.deepEqual(d.taints.add, []);
    assert.deepEqual(taintNames(d.taints.remove), ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"]);
    assert.deepEqual(d.taints.taints, []);
  });
});

test("evaluateNodeHealth single steps", async (t) => {
  const seen = (at: number, heartbeat: number, renew?: number): NodeHealthRecord => ({
    probeTimestamp: at,
    readyTransitionTimestamp: at,
    readyCondition: readyNode(heartbeat).status?.conditions?.[0],
    lease: renew === undefined ? undefined : { renewTime: new Date(renew).toISOString() },
  });
  const cases: {
    name: string;
    node: Node;
    lease?: Lease;
    opts: NodeHealthOptions;
    conditions?: string[];
    add?: string[];
    remove?: string[];
    markPods?: boolean;
    deadline?: number;
  }[] = [
    {
      name: "clock skew: a heartbeat an hour old on first sight still gets a full grace period",
      node: readyNode(T0 - 3_600_000),
      opts: { now: T0 },
      conditions: undefined,
      deadline: T0 + GRACE,
    },
    {
      name: "no lease and an unchanged heartbeat past the grace period: Unknown",
      node: readyNode(T0 - 100_000),
      opts: { now: T0 + GRACE + 1, lastObserved: seen(T0, T0 - 100_000) },
      conditions: ["Ready=Unknown", "MemoryPressure=Unknown", "DiskPressure=Unknown", "PIDPressure=Unknown"],
      add: ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"],
      markPods: true,
    },
    {
      name: "a new heartbeat (even an old-looking one) counts as life",
      node: readyNode(T0 - 90_000),
      opts: { now: T0 + GRACE + 1, lastObserved: seen(T0, T0 - 100_000) },
      conditions: undefined,
      deadline: T0 + GRACE + 1 + GRACE,
    },
    {
      name: "a lease whose renewTime does not move is no sign of life",
      node: readyNode(T0 - 100_000),
      lease: lease(T0 - 1_000),
      opts: { now: T0 + GRACE + 1, lastObserved: seen(T0, T0 - 100_000, T0 - 1_000) },
      conditions: ["Ready=Unknown", "MemoryPressure=Unknown", "DiskPressure=Unknown", "PIDPressure=Unknown"],
      markPods: true,
    },
    {
      name: "a renewed lease keeps a node with a stale status alive",
      node: readyNode(T0 - 100_000),
      lease: lease(T0 + 30_000),
      opts: { now: T0 + GRACE + 1, lastObserved: seen(T0, T0 - 100_000, T0 - 1_000) },
      conditions: undefined,
    },
    {
      name: "the default grace period is 50 s (Kubernetes 1.32)",
      node: readyNode(T0 - 100_000),
      opts: { now: T0 + 45_000, gracePeriodMs: undefined, lastObserved: seen(T0, T0 - 100_000) },
      conditions: undefined,
      deadline: T0 + 50_000,
    },
    {
      name: "kubelet reports Ready=False: not-ready taints, no condition write, pods left to the kubelet",
      node: readyNode(T0, (n) => (n.status!.conditions![0] = { type: "Ready", status: "False", lastHeartbeatTime: rfc3339(T0), reason: "KubeletNotReady" })),
      opts: { now: T0 },
      conditions: undefined,
      add: ["node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute"],
      markPods: false,
    },
    {
      name: "NotReady then silent: not-ready taints swapped for unreachable",
      node: readyNode(T0 - 100_000, (n) => {
        n.status!.conditions![0] = { type: "Ready", status: "False", lastHeartbeatTime: rfc3339(T0 - 100_000), reason: "KubeletNotReady" };
        n.spec = { taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }, { key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: rfc3339(T0 - 100_000) }] };
      }),
      opts: { now: T0 + GRACE + 1, lastObserved: { probeTimestamp: T0, readyTransitionTimestamp: T0, readyCondition: { type: "Ready", status: "False", lastHeartbeatTime: rfc3339(T0 - 100_000) } } },
      conditions: ["Ready=Unknown", "MemoryPressure=Unknown", "DiskPressure=Unknown", "PIDPressure=Unknown"],
      add: ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"],
      remove: ["node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute"],
      markPods: false,
    },
    {
      name: "a new node that never posted status: nothing within the 60 s startup grace",
      node: makeNode("n1", (n) => {
        n.metadata.creationTimestamp = rfc3339(T0);
        n.status.conditions = [];
      }),
      opts: { now: T0 + 60_000 },
      conditions: undefined,
      deadline: T0 + 60_000,
    },
    {
      name: "a new node that never posted status: NodeStatusNeverUpdated after the startup grace",
      node: makeNode("n1", (n) => {
        n.metadata.creationTimestamp = rfc3339(T0);
        n.status.conditions = [];
      }),
      opts: { now: T0 + 60_001 },
      conditions: ["Ready=Unknown", "MemoryPressure=Unknown", "DiskPressure=Unknown", "PIDPressure=Unknown"],
      add: ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"],
      markPods: false,
    },
    {
      name: "memory pressure and cordon: NoSchedule taints only; foreign taints untouched",
      node: readyNode(T0, (n) => {
        n.status!.conditions![1] = { type: "MemoryPressure", status: "True", lastHeartbeatTime: rfc3339(T0) };
        n.spec = { unschedulable: true, taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] };
      }),
      opts: { now: T0 },
      add: ["node.kubernetes.io/memory-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule"],
      remove: [],
    },
    {
      name: "uncordon removes the unschedulable taint",
      node: readyNode(T0, (n) => (n.spec = { taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule", timeAdded: rfc3339(T0) }] })),
      opts: { now: T0 },
      add: [],
      remove: ["node.kubernetes.io/unschedulable:NoSchedule"],
    },
    {
      name: "all zones fully disrupted: silent node gets no NoExecute taint",
      node: readyNode(T0 - 100_000),
      opts: { now: T0 + GRACE + 1, lastObserved: seen(T0, T0 - 100_000), noExecute: "remove" },
      add: ["node.kubernetes.io/unreachable:NoSchedule"],
      markPods: true,
    },
    {
      name: "partial disruption (hold): no new NoExecute taint",
      node: readyNode(T0 - 100_000),
      opts: { now: T0 + GRACE + 1, lastObserved: seen(T0, T0 - 100_000), noExecute: "hold" },
      add: ["node.kubernetes.io/unreachable:NoSchedule"],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const d = evaluate(c.node, c.lease, c.opts);
      if ("conditions" in c) assert.deepEqual(d.conditions === undefined ? undefined : statuses(d.conditions), c.conditions);
      if (c.add) assert.deepEqual(taintNames(d.taints.add), c.add);
      if (c.remove) assert.deepEqual(taintNames(d.taints.remove), c.remove);
      if (c.markPods !== undefined) assert.equal(d.markPodsNotReady, c.markPods);
      if (c.deadline !== undefined) assert.equal(d.deadline, c.deadline);
    });
  }
});

test("never-posted conditions carry the creation time as heartbeat", () => {
  const node = makeNode("n1", (n) => {
    n.metadata.creationTimestamp = rfc3339(T0);
    n.status.conditions = [];
  });
  const d = evaluate(node, undefined, { now: T0 + 61_000 });
  assert.deepEqual(d.conditions?.[0], {
    type: "Ready",
    status: "Unknown",
    lastHeartbeatTime: rfc3339(T0),
    lastTransitionTime: rfc3339(T0 + 61_000),
    reason: "NodeStatusNeverUpdated",
    message: "Kubelet never posted node status.",
  });
});
