import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Node, Pod } from "../../api/types.js";
import { all, makeNode, makePod, ownedBy, tainted, tolerating, withRequests } from "./fixtures.js";
import { nodeInfosOf } from "./node-info.js";
import { podScheduledCondition, schedulePod, type ScheduleResult, feasibleNodesToFind } from "./schedule.js";

const cordoned = (n: Node): void => {
  n.spec = { ...n.spec, unschedulable: true };
};
const labelled = (labels: Record<string, string>) => (n: Node) => {
  n.metadata.labels = { ...n.metadata.labels, ...labels };
};
const selecting = (sel: Record<string, string>) => (p: Pod) => {
  p.spec.nodeSelector = sel;
};
const running = (node: string) => (p: Pod) => {
  p.spec.nodeName = node;
  p.status = { phase: "Running" };
};
const unreachable = tainted({ key: "node.kubernetes.io/unreachable", effect: "NoSchedule" });
const notReady = tainted({ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" });

interface Case {
  name: string;
  pod: Pod;
  nodes: Node[];
  pods?: Pod[];
  node?: string;
  message?: string;
  reasons?: Record<string, number>;
}

function run(c: Pick<Case, "pod" | "nodes" | "pods">): ScheduleResult {
  return schedulePod(deepFreeze(c.pod), nodeInfosOf(deepFreeze(c.nodes), deepFreeze([...(c.pods ?? [])])));
}

test("schedulePod", async (t) => {
  const cases: Case[] = [
    {
      name: "no nodes at all",
      pod: makePod("default", "p"),
      nodes: [],
      message: "no nodes available to schedule pods",
      reasons: {},
    },
    {
      name: "3 nodes, one cordoned, one tainted: the third is chosen",
      pod: makePod("default", "p"),
      nodes: [makeNode("a", cordoned), makeNode("b", tainted({ key: "dedicated", value: "db", effect: "NoSchedule" })), makeNode("c")],
      node: "c",
    },
    {
      name: "3 nodes, one cordoned, one tainted, one not matching the selector",
      pod: makePod("default", "p", selecting({ disk: "ssd" })),
      nodes: [
        makeNode("a", all(cordoned, labelled({ disk: "ssd" }))),
        makeNode("b", all(labelled({ disk: "ssd" }), tainted({ key: "dedicated", value: "db", effect: "NoExecute" }))),
        makeNode("c"),
      ],
      message:
        "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: db}, " +
        "1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
      reasons: {
        "node(s) were unschedulable": 1,
        "node(s) had untolerated taint {dedicated: db}": 1,
        "node(s) didn't match Pod's node affinity/selector": 1,
      },
    },
    {
      name: "the example from the brief: one unreachable node, two without the label",
      pod: makePod("default", "p", selecting({ zone: "z1" })),
      nodes: [makeNode("a", all(unreachable, labelled({ zone: "z1" }))), makeNode("b"), makeNode("c")],
      message:
        "0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 2 node(s) didn't match Pod's node affinity/selector. " +
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    },
    {
      name: "a cordoned node that is also tainted reports only the first failing filter",
      pod: makePod("default", "p"),
      nodes: [makeNode("a", all(cordoned, tainted({ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" })))],
      message: "0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    },
    {
      name: "tolerating the unschedulable taint lets a pod onto a cordoned node",
      pod: makePod("default", "p", tolerating({ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" })),
      nodes: [makeNode("a", cordoned)],
      node: "a",
    },
    {
      name: "a NotReady node is kept away by its not-ready taint",
      pod: makePod("default", "p"),
      nodes: [makeNode("a", notReady)],
      message:
        "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    },
    {
      name: "the Ready condition itself is not a filter (as in Kubernetes): no taint, still feasible",
      pod: makePod("default", "p"),
      nodes: [makeNode("a", (n) => (n.status.conditions = [{ type: "Ready", status: "False" }]))],
      node: "a",
    },
    {
      name: "DefaultTolerationSeconds tolerations (NoExecute) do not tolerate NoSchedule taints",
      pod: makePod(
        "default",
        "p",
        tolerating({ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }),
      ),
      nodes: [makeNode("a", unreachable)],
      message:
        "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    },
    {
      name: "Equal toleration with the right value",
      pod: makePod("default", "p", tolerating({ key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" })),
      nodes: [makeNode("a", tainted({ key: "dedicated", value: "db", effect: "NoSchedule" }))],
      node: "a",
    },
    {
      name: "Equal toleration with another value does not tolerate",
      pod: makePod("default", "p", tolerating({ key: "dedicated", value: "web" })),
      nodes: [makeNode("a", tainted({ key: "dedicated", value: "db", effect: "NoSchedule" }))],
      reasons: { "node(s) had untolerated taint {dedicated: db}": 1 },
    },
    {
      name: "empty key with Exists tolerates every taint",
      pod: makePod("default", "p", tolerating({ operator: "Exists" })),
      nodes: [makeNode("a", all(unreachable, tainted({ key: "x", value: "y", effect: "NoExecute" })))],
      node: "a",
    },
    {
      name: "a toleration for another effect does not tolerate",
      pod: makePod("default", "p", tolerating({ key: "dedicated", operator: "Exists", effect: "NoExecute" })),
      nodes: [makeNode("a", tainted({ key: "dedicated", value: "db", effect: "NoSchedule" }))],
      reasons: { "node(s) had untolerated taint {dedicated: db}": 1 },
    },
    {
      name: "PreferNoSchedule taints never filter",
      pod: makePod("default", "p"),
      nodes: [makeNode("a", tainted({ key: "soft", effect: "PreferNoSchedule" }))],
      node: "a",
    },
    {
      name: "spec.nodeName keeps only that node",
      pod: makePod("default", "p", (p) => (p.spec.nodeName = "b")),
      nodes: [makeNode("a"), makeNode("b"), makeNode("c")],
      node: "b",
    },
    {
      name: "spec.nodeName naming a missing node",
      pod: makePod("default", "p", (p) => (p.spec.nodeName = "zz")),
      nodes: [makeNode("a"), makeNode("b")],
      message:
        "0/2 nodes are available: 2 node(s) didn't match the requested node name. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    },
    {
      name: "required node affinity (In) picks the matching node",
      pod: makePod("default", "p", (p) => {
        p.spec.affinity = {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["z2", "z3"] }] }],
            },
          },
        };
      }),
      nodes: [makeNode("a", labelled({ zone: "z1" })), makeNode("b", labelled({ zone: "z3" }))],
      node: "b",
    },
    {
      name: "matchFields on metadata.name",
      pod: makePod("default", "p", (p) => {
        p.spec.affinity = {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["c"] }] }],
            },
          },
        };
      }),
      nodes: [makeNode("a"), makeNode("c")],
      node: "c",
    },
    {
      name: "CPU: no node has room, and no lower-priority pods to preempt",
      pod: makePod("default", "p", withRequests({ cpu: "3" })),
      nodes: [makeNode("a"), makeNode("b"), makeNode("c")],
      pods: ["a", "b", "c"].map((n) => makePod("default", `busy-${n}`, all(running(n), withRequests({ cpu: "1500m" })))),
      message:
        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
      reasons: { "Insufficient cpu": 3 },
    },
    {
      name: "one tainted node, two short of CPU: the real-world mixed message",
      pod: makePod("default", "p", withRequests({ cpu: "3" })),
      nodes: [makeNode("a", tainted({ key: "machine-check-exception", value: "memory", effect: "NoSchedule" })), makeNode("b"), makeNode("c")],
      pods: ["b", "c"].map((n) => makePod("default", `busy-${n}`, all(running(n), withRequests({ cpu: "2" })))),
      message:
        "0/3 nodes are available: 1 node(s) had untolerated taint {machine-check-exception: memory}, 2 Insufficient cpu. " +
        "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
    },
    {
      name: "pod count and memory fail together on one node",
      pod: makePod("default", "p", withRequests({ memory: "1Gi" })),
      nodes: [makeNode("a", (n) => (n.status.allocatable = { cpu: "4", memory: "512Mi", pods: "1" }))],
      pods: [makePod("default", "other", running("a"))],
      reasons: { "Too many pods": 1, "Insufficient memory": 1 },
    },
    {
      name: "succeeded and failed pods do not count against the node",
      pod: makePod("default", "p", withRequests({ cpu: "2" })),
      nodes: [makeNode("a", (n) => (n.status.allocatable = { cpu: "2", memory: "1Gi", pods: "1" }))],
      pods: [
        makePod("default", "done", all(running("a"), withRequests({ cpu: "2" }), (p) => (p.status = { phase: "Succeeded" }))),
        makePod("default", "crashed", all(running("a"), withRequests({ cpu: "2" }), (p) => (p.status = { phase: "Failed" }))),
      ],
      node: "a",
    },
    {
      name: "exactly full still fits (request equal to what is left)",
      pod: makePod("default", "p", withRequests({ cpu: "500m", memory: "1Gi" })),
      nodes: [makeNode("a", (n) => (n.status.allocatable = { cpu: "1", memory: "2Gi", pods: "2" }))],
      pods: [makePod("default", "other", all(running("a"), withRequests({ cpu: "0.5", memory: "1024Mi" })))],
      node: "a",
    },
    {
      name: "extended resources are checked too",
      pod: makePod("default", "p", withRequests({ "example.com/gpu": "1" })),
      nodes: [makeNode("a")],
      reasons: { "Insufficient example.com/gpu": 1 },
    },
    {
      name: "lower-priority pods that would make room: preemption adds no text",
      pod: makePod("default", "p", all(withRequests({ cpu: "3" }), (p) => (p.spec.priority = 1000))),
      nodes: [makeNode("a")],
      pods: [makePod("default", "low", all(running("a"), withRequests({ cpu: "2" })))],
      message: "0/1 nodes are available: 1 Insufficient cpu.",
    },
    {
      name: "lower-priority pods that would not make room: the filter reason again",
      pod: makePod("default", "p", all(withRequests({ cpu: "3" }), (p) => (p.spec.priority = 1000))),
      nodes: [makeNode("a")],
      pods: [
        makePod("default", "low", all(running("a"), withRequests({ cpu: "1" }))),
        makePod("default", "high", all(running("a"), withRequests({ cpu: "2" }), (p) => (p.spec.priority = 2000))),
      ],
      message: "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.",
    },
    {
      name: "preemptionPolicy Never",
      pod: makePod("default", "p", all(withRequests({ cpu: "8" }), (p) => (p.spec.preemptionPolicy = "Never"))),
      nodes: [makeNode("a")],
      message: "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.",
    },
    {
      name: "host port already taken",
      pod: makePod("default", "p", (p) => (p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 8080, protocol: "TCP" }])),
      nodes: [makeNode("a"), makeNode("b")],
      pods: [makePod("default", "web", all(running("a"), (p) => (p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 8080 }])))],
      node: "b",
    },
    {
      name: "same host port on another protocol is free",
      pod: makePod("default", "p", (p) => (p.spec.containers[0].ports = [{ containerPort: 53, hostPort: 53, protocol: "UDP" }])),
      nodes: [makeNode("a")],
      pods: [makePod("default", "dns", all(running("a"), (p) => (p.spec.containers[0].ports = [{ containerPort: 53, hostPort: 53, protocol: "TCP" }])))],
      node: "a",
    },
    {
      name: "identical nodes: the tie is broken by node name",
      pod: makePod("default", "p"),
      nodes: [makeNode("c"), makeNode("a"), makeNode("b")],
      node: "a",
    },
    {
      name: "least allocated: the emptier node wins",
      pod: makePod("default", "p", withRequests({ cpu: "100m", memory: "100Mi" })),
      nodes: [makeNode("a"), makeNode("b")],
      pods: [makePod("default", "big", all(running("a"), withRequests({ cpu: "2", memory: "4Gi" })))],
      node: "b",
    },
    {
      name: "pods without requests still count (100m / 200Mi) when scoring",
      pod: makePod("default", "p"),
      nodes: [makeNode("a"), makeNode("b")],
      pods: [makePod("default", "x", running("a")), makePod("default", "y", running("a"))],
      node: "b",
    },
    {
      name: "an untolerated PreferNoSchedule taint is avoided when possible",
      pod: makePod("default", "p"),
      nodes: [makeNode("a", tainted({ key: "soft", effect: "PreferNoSchedule" })), makeNode("b")],
      pods: [makePod("default", "big", all(running("b"), withRequests({ cpu: "3" })))],
      node: "b",
    },
    {
      name: "a tolerated PreferNoSchedule taint is not avoided",
      pod: makePod("default", "p", tolerating({ key: "soft", operator: "Exists", effect: "PreferNoSchedule" })),
      nodes: [makeNode("a", tainted({ key: "soft", effect: "PreferNoSchedule" })), makeNode("b")],
      pods: [makePod("default", "big", all(running("b"), withRequests({ cpu: "3" })))],
      node: "a",
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const result = run(c);
      if (c.node !== undefined) {
        assert.ok(!("unschedulable" in result), `expected a node, got ${JSON.stringify(result)}`);
        assert.equal(result.node, c.node);
        return;
      }
      assert.ok("unschedulable" in result, `expected unschedulable, got ${JSON.stringify(result)}`);
      if (c.message !== undefined) assert.equal(result.message, c.message);
      if (c.reasons !== undefined) assert.deepEqual(result.reasons, c.reasons);
    });
  }
});

test("spreading replicas of one controller", async (t) => {
  const small = { cpu: "100m", memory: "64Mi" };
  const cases: { name: string; nodes: Node[]; replicas: number; requests?: Record<string, string>; want: string[] }[] = [
    { name: "3 replicas over 3 nodes land on 3 different nodes", nodes: [makeNode("n1"), makeNode("n2"), makeNode("n3")], replicas: 3, want: ["n1", "n2", "n3"] },
    {
      name: "a 4th replica doubles up on the least allocated node",
      nodes: [makeNode("n1"), makeNode("n2", (n) => (n.status.allocatable = { cpu: "8", memory: "16Gi", pods: "110" })), makeNode("n3")],
      replicas: 4,
      requests: { cpu: "500m", memory: "512Mi" },
      want: ["n2", "n1", "n3", "n2"],
    },
    {
      name: "spreading beats resources: an emptier node does not get two replicas early",
      nodes: [makeNode("n1", (n) => (n.status.allocatable = { cpu: "64", memory: "256Gi", pods: "110" })), makeNode("n2")],
      replicas: 2,
      want: ["n1", "n2"],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const placed: Pod[] = [];
      const got: string[] = [];
      for (let i = 0; i < c.replicas; i++) {
        const pod = makePod("default", `web-${i}`, all(ownedBy("rc-web"), withRequests(c.requests ?? small)));
        const result = run({ pod, nodes: c.nodes, pods: placed });
        assert.ok(!("unschedulable" in result));
        got.push(result.node);
        placed.push(makePod("default", `web-${i}`, all(ownedBy("rc-web"), withRequests(c.requests ?? small), running(result.node))));
      }
      assert.deepEqual(got, c.want);
    });
  }
});

test("pods of another controller do not affect spreading", () => {
  const nodes = [makeNode("n1"), makeNode("n2")];
  const pods = [makePod("default", "other", all(ownedBy("rc-other"), running("n1")))];
  const first = run({ pod: makePod("default", "web-0", ownedBy("rc-web")), nodes, pods });
  // n1 holds an unrelated pod (which only costs resources), so n2 wins on allocation.
  assert.ok(!("unschedulable" in first));
  assert.equal(first.node, "n2");
  assert.equal(first.score.sameOwnerPods, 0);
  assert.deepEqual(
    first.ranking.map((s) => [s.node, s.sameOwnerPods]),
    [
      ["n2", 0],
      ["n1", 0],
    ],
  );
});

test("podScheduledCondition", async (t) => {
  const now = Date.parse("2024-05-01T10:00:00.750Z");
  const unschedulable: ScheduleResult = { unschedulable: true, message: "0/1 nodes are available: 1 Insufficient cpu.", reasons: { "Insufficient cpu": 1 } };
  const cases: { name: string; result: ScheduleResult; current?: Pod["status"]; want: unknown }[] = [
    {
      name: "first failure: transition now",
      result: unschedulable,
      want: {
        type: "PodScheduled",
        status: "False",
        lastProbeTime: null,
        lastTransitionTime: "2024-05-01T10:00:00Z",
        reason: "Unschedulable",
        message: "0/1 nodes are available: 1 Insufficient cpu.",
      },
    },
    {
      name: "still failing: the transition time is kept",
      result: unschedulable,
      current: { conditions: [{ type: "PodScheduled", status: "False", lastTransitionTime: "2024-05-01T09:00:00Z", reason: "Unschedulable" }] },
      want: {
        type: "PodScheduled",
        status: "False",
        lastProbeTime: null,
        lastTransitionTime: "2024-05-01T09:00:00Z",
        reason: "Unschedulable",
        message: "0/1 nodes are available: 1 Insufficient cpu.",
      },
    },
    {
      name: "scheduled: nothing (binding sets PodScheduled=True)",
      result: { node: "a", score: { node: "a", untoleratedPreferNoSchedule: 0, sameOwnerPods: 0, leastAllocated: 100, balancedAllocation: 100 }, ranking: [], examined: 1 },
      want: undefined,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.deepEqual(podScheduledCondition(deepFreeze(c.result), { now, current: c.current?.conditions }), c.want);
    });
  }
});

test("feasibleNodesToFind follows kube-scheduler's adaptive percentage", () => {
  const cases: [number, number][] = [[0, 0], [5, 5], [99, 99], [100, 100], [200, 100], [1000, 420], [5000, 500], [10_000, 500], [20_000, 1000]];
  for (const [nodes, want] of cases) assert.equal(feasibleNodesToFind(nodes), want, `${nodes} nodes`);
});

test("in a large cluster the search stops at enough feasible nodes and the next one starts where it stopped", () => {
  const nodes = Array.from({ length: 150 }, (_, i) => makeNode(`n${String(i).padStart(3, "0")}`));
  const first = schedulePod(makePod("default", "p"), nodeInfosOf(nodes, []));
  assert.ok(!("unschedulable" in first));
  assert.equal(first.examined, 100);
  assert.equal(first.ranking.length, 100);
  const next = schedulePod(makePod("default", "q"), nodeInfosOf(nodes, []), { startIndex: first.examined });
  assert.ok(!("unschedulable" in next));
  assert.ok(next.ranking.some((s) => s.node === "n149") && next.ranking.some((s) => s.node === "n000"), "wraps around to the start");
});
