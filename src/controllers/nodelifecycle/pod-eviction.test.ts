import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Condition, Node, Pod } from "../../api/types.js";
import { all, makeNode, makePod, tolerating } from "../scheduling/fixtures.js";
import { rfc3339 } from "../../api/time.js";
import type { Taint } from "../scheduling/taints.js";
import { defaultTolerations, disruptionTargetCondition, evictionPlan, podsToMarkNotReady } from "./pod-eviction.js";

const T0 = Date.parse("2024-06-01T12:00:00Z");

const on = (node: string) => (p: Pod) => {
  p.spec.nodeName = node;
  p.status = {
    phase: "Running",
    conditions: [
      { type: "Initialized", status: "True", lastTransitionTime: "2024-06-01T11:00:00Z" },
      { type: "Ready", status: "True", lastTransitionTime: "2024-06-01T11:00:05Z", lastProbeTime: null },
      { type: "ContainersReady", status: "True", lastTransitionTime: "2024-06-01T11:00:05Z" },
      { type: "PodScheduled", status: "True", lastTransitionTime: "2024-06-01T11:00:00Z" },
    ],
  };
};
const readyIs = (status: Condition["status"], extra: Partial<Condition> = {}) => (p: Pod) => {
  const c = p.status?.conditions?.find((x) => x.type === "Ready");
  if (c) Object.assign(c, { status, ...extra });
};
const nodeReady = (status: Condition["status"]) => (n: Node) => {
  n.status = { ...n.status, conditions: [{ type: "Ready", status }] };
};

test("podsToMarkNotReady", async (t) => {
  const cases: { name: string; node: Node; pods: Pod[]; want: string[] }[] = [
    {
      name: "Ready node: nothing",
      node: makeNode("n1"),
      pods: [makePod("default", "a", on("n1"))],
      want: [],
    },
    {
      name: "Unknown node: its Ready pods, not other nodes' pods",
      node: makeNode("n1", nodeReady("Unknown")),
      pods: [makePod("default", "a", on("n1")), makePod("default", "b", on("n2")), makePod("kube-system", "c", on("n1"))],
      want: ["default/a", "kube-system/c"],
    },
    {
      name: "pods already not ready and pods without a Ready condition are skipped",
      node: makeNode("n1", nodeReady("False")),
      pods: [
        makePod("default", "already", all(on("n1"), readyIs("False"))),
        makePod("default", "fresh", (p) => (p.spec.nodeName = "n1")),
        makePod("default", "ok", on("n1")),
      ],
      want: ["default/ok"],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = podsToMarkNotReady(deepFreeze(c.node), deepFreeze(c.pods), { now: T0 });
      assert.deepEqual(
        got.map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
        c.want,
      );
    });
  }

  await t.test("only the Ready condition changes: status False, transition now, reason kept", () => {
    const pod = deepFreeze(makePod("default", "a", all(on("n1"), readyIs("True", { reason: "SomeReason", message: "m" }))));
    const [got] = podsToMarkNotReady(deepFreeze(makeNode("n1", nodeReady("Unknown"))), [pod], { now: T0 + 1500 });
    const want = structuredClone(pod.status?.conditions) as Condition[];
    want[1] = { type: "Ready", status: "False", lastTransitionTime: rfc3339(T0 + 1500), lastProbeTime: null, reason: "SomeReason", message: "m" };
    assert.deepEqual(got.status?.conditions, want);
    assert.equal(got.status?.phase, "Running");
  });
});

test("defaultTolerations", async (t) => {
  const nr = { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 };
  const ur = { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 };
  const cases: { name: string; pod: Pod; want: unknown[] }[] = [
    { name: "no tolerations: both added, not-ready first", pod: makePod("default", "p"), want: [nr, ur] },
    {
      name: "existing tolerations kept in front",
      pod: makePod("default", "p", tolerating({ key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" })),
      want: [{ key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" }, nr, ur],
    },
    {
      name: "own not-ready toleration (any seconds) suppresses that default only",
      pod: makePod("default", "p", tolerating({ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 10 })),
      want: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 10 }, ur],
    },
    {
      name: "a toleration without effect counts",
      pod: makePod("default", "p", tolerating({ key: "node.kubernetes.io/unreachable", operator: "Exists" })),
      want: [{ key: "node.kubernetes.io/unreachable", operator: "Exists" }, nr],
    },
    {
      name: "a NoSchedule toleration for the key does not count",
      pod: makePod("default", "p", tolerating({ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule" })),
      want: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoSchedule" }, nr, ur],
    },
    {
      name: "tolerate-everything (empty key, Exists) needs nothing",
      pod: makePod("default", "p", tolerating({ operator: "Exists" })),
      want: [{ operator: "Exists" }],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.deepEqual(defaultTolerations(deepFreeze(c.pod)), c.want);
    });
  }
});

test("evictionPlan", async (t) => {
  const unreachable: Taint = { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: rfc3339(T0) };
  const notReady: Taint = { key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: rfc3339(T0 + 20_000) };
  const noSchedule: Taint = { key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded: rfc3339(T0) };
  const defaults = (p: Pod) => (p.spec.tolerations = defaultTolerations(p));
  const web = makePod("default", "web", all(on("n1"), defaults));
  const cases: {
    name: string;
    taints: Taint[];
    pods: Pod[];
    now: number;
    started?: Map<string, number>;
    now_?: string[];
    later?: [string, number][];
    nextAt?: number;
  }[] = [
    { name: "no NoExecute taints: nothing", taints: [noSchedule], pods: [web], now: T0 + 1_000_000, now_: [], later: [] },
    { name: "default tolerations: due 300 s after the taint", taints: [unreachable], pods: [web], now: T0 + 299_999, now_: [], later: [["default/web", T0 + 300_000]], nextAt: T0 + 300_000 },
    { name: "default tolerations: evicted at 300 s", taints: [unreachable], pods: [web], now: T0 + 300_000, now_: ["default/web"], later: [] },
    { name: "no toleration: evicted at once", taints: [unreachable], pods: [makePod("default", "bare", on("n1"))], now: T0 + 1, now_: ["default/bare"] },
    {
      name: "tolerating forever: never",
      taints: [unreachable],
      pods: [makePod("kube-system", "ds", all(on("n1"), tolerating({ operator: "Exists" })))],
      now: T0 + 10_000_000,
      now_: [],
      later: [],
    },
    {
      name: "the shortest tolerationSeconds among the used tolerations wins",
      taints: [unreachable, { key: "maintenance", effect: "NoExecute", timeAdded: rfc3339(T0) }],
      pods: [makePod("default", "p", all(on("n1"), defaults, tolerating({ key: "maintenance", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 })))],
      now: T0 + 10_000,
      later: [["default/p", T0 + 60_000]],
    },
    {
      name: "tolerationSeconds 0 or negative means now",
      taints: [unreachable],
      pods: [makePod("default", "p", all(on("n1"), tolerating({ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: -5 })))],
      now: T0,
      now_: ["default/p"],
    },
    {
      name: "one tolerated and one untolerated NoExecute taint: now",
      taints: [unreachable, { key: "other", effect: "NoExecute" }],
      pods: [web],
      now: T0,
      now_: ["default/web"],
    },
    {
      name: "clock starts at the earliest taint",
      taints: [notReady, unreachable],
      pods: [web],
      now: T0 + 30_000,
      later: [["default/web", T0 + 300_000]],
    },
    {
      name: "a carried-over start wins over the taint's time (not-ready swapped for unreachable)",
      taints: [{ ...unreachable, timeAdded: rfc3339(T0 + 200_000) }],
      pods: [web],
      started: new Map([["default/web", T0]]),
      now: T0 + 300_000,
      now_: ["default/web"],
    },
    {
      name: "a taint without timeAdded starts the clock now",
      taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }],
      pods: [web],
      now: T0,
      later: [["default/web", T0 + 300_000]],
    },
    {
      name: "pods already being deleted are skipped",
      taints: [unreachable],
      pods: [makePod("default", "bye", all(on("n1"), (p) => (p.metadata.deletionTimestamp = rfc3339(T0))))],
      now: T0 + 400_000,
      now_: [],
      later: [],
    },
    {
      name: "several pods: next evaluation at the earliest due",
      taints: [unreachable],
      pods: [web, makePod("default", "quick", all(on("n1"), tolerating({ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 })))],
      now: T0 + 1_000,
      later: [
        ["default/web", T0 + 300_000],
        ["default/quick", T0 + 30_000],
      ],
      nextAt: T0 + 30_000,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const plan = evictionPlan(deepFreeze(c.taints), deepFreeze(c.pods), { now: c.now, started: c.started });
      if (c.now_) assert.deepEqual(plan.evictNow.map((e) => e.key), c.now_);
      if (c.later) assert.deepEqual(plan.later.map((e) => [e.key, e.due]), c.later);
      if (c.nextAt !== undefined) assert.equal(plan.nextAt, c.nextAt);
    });
  }
});

test("disruptionTargetCondition", () => {
  assert.deepEqual(disruptionTargetCondition({ now: T0 }), {
    type: "DisruptionTarget",
    status: "True",
    lastProbeTime: null,
    lastTransitionTime: "2024-06-01T12:00:00Z",
    reason: "DeletionByTaintManager",
    message: "Taint manager: deleting due to NoExecute taint",
  });
});
