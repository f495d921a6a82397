import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Condition, ContainerStatus, Pod, PodSpec } from "../../api/types.js";
import { podConditions } from "./pod-conditions.js";
import type { PodPhase } from "./pod-phase.js";
import { cs, makePod } from "./test-fixtures.js";

const NOW = new Date("2026-11-26T12:00:00.500Z");
const NOW_TEXT = "2026-11-26T12:00:00Z";
const EARLIER = "2026-11-26T11:00:00Z";

/** Condition type → [status, reason?, message?] for compact expectations. */
type Summary = Record<string, [string, string?, string?]>;

function summarize(conditions: Condition[]): Summary {
  const out: Summary = {};
  for (const c of conditions) {
    const row: [string, string?, string?] = [c.status];
    if (c.reason !== undefined || c.message !== undefined) row.push(c.reason);
    if (c.message !== undefined) row.push(c.message);
    out[c.type] = row;
  }
  return out;
}

function withStatus(pod: Pod, conditions: Condition[]): Pod {
  return { ...pod, status: { conditions } };
}

const initPod = (sidecar = false) =>
  makePod(["app"], (s: PodSpec) => {
    s.initContainers = [sidecar ? { name: "init", restartPolicy: "Always" } : { name: "init" }];
  });
const gated = (conditions: Condition[]) =>
  withStatus(
    makePod(["app"], (s) => {
      s.readinessGates = [{ conditionType: "example.com/lb" }, { conditionType: "example.com/dns" }];
    }),
    conditions,
  );

test("podConditions statuses, reasons and messages", async (t) => {
  const allTrue: Summary = {
    PodReadyToStartContainers: ["True"],
    Initialized: ["True"],
    Ready: ["True"],
    ContainersReady: ["True"],
    PodScheduled: ["True"],
  };
  const cases: {
    name: string;
    pod: Pod;
    statuses: ContainerStatus[];
    phase: PodPhase;
    sandboxReady?: boolean;
    want: Summary;
  }[] = [
    { name: "all running and ready", pod: makePod(["a", "b"]), statuses: [cs.running("a"), cs.running("b")], phase: "Running", want: allTrue },
    {
      name: "sandbox not ready, nothing known",
      pod: makePod(["a", "b"]),
      statuses: [],
      phase: "Pending",
      sandboxReady: false,
      want: {
        PodReadyToStartContainers: ["False"],
        Initialized: ["True"],
        Ready: ["False", "ContainersNotReady", "containers with unknown status: [a b]"],
        ContainersReady: ["False", "ContainersNotReady", "containers with unknown status: [a b]"],
        PodScheduled: ["True"],
      },
    },
    {
      name: "one unready, one unknown",
      pod: makePod(["a", "b", "c"]),
      statuses: [cs.running("a"), cs.waiting("b")],
      phase: "Pending",
      want: {
        PodReadyToStartContainers: ["True"],
        Initialized: ["True"],
        Ready: ["False", "ContainersNotReady", "containers with unknown status: [c], containers with unready status: [b]"],
        ContainersReady: ["False", "ContainersNotReady", "containers with unknown status: [c], containers with unready status: [b]"],
        PodScheduled: ["True"],
      },
    },
    {
      name: "init container running",
      pod: initPod(),
      statuses: [cs.running("init"), cs.waiting("app")],
      phase: "Pending",
      want: {
        PodReadyToStartContainers: ["True"],
        Initialized: ["False", "ContainersNotInitialized", "containers with incomplete status: [init]"],
        Ready: ["False", "ContainersNotReady", "containers with unready status: [app]"],
        ContainersReady: ["False", "ContainersNotReady", "containers with unready status: [app]"],
        PodScheduled: ["True"],
      },
    },
    {
      name: "init container not started",
      pod: initPod(),
      statuses: [],
      phase: "Pending",
      want: {
        PodReadyToStartContainers: ["True"],
        Initialized: ["False", "ContainersNotInitialized", "containers with unknown status: [init]"],
        Ready: ["False", "ContainersNotReady", "containers with unknown status: [app]"],
        ContainersReady: ["False", "ContainersNotReady", "containers with unknown status: [app]"],
        PodScheduled: ["True"],
      },
    },
    { name: "init done", pod: initPod(), statuses: [cs.terminated("init", 0), cs.running("app")], phase: "Running", want: allTrue },
    {
      name: "sidecar started and ready counts for ContainersReady",
      pod: initPod(true),
      statuses: [cs.running("init"), cs.running("app")],
      phase: "Running",
      want: allTrue,
    },
    {
      name: "sidecar unready makes the pod unready",
      pod: initPod(true),
      statuses: [cs.running("init", { ready: false }), cs.running("app")],
      phase: "Running",
      want: {
        ...allTrue,
        Ready: ["False", "ContainersNotReady", "containers with unready status: [init]"],
        ContainersReady: ["False", "ContainersNotReady", "containers with unready status: [init]"],
      },
    },
    {
      name: "succeeded pod",
      pod: makePod(["a"]),
      statuses: [cs.terminated("a", 0)],
      phase: "Succeeded",
      want: {
        PodReadyToStartContainers: ["True"],
        Initialized: ["True", "PodCompleted"],
        Ready: ["False", "PodCompleted"],
        ContainersReady: ["False", "PodCompleted"],
        PodScheduled: ["True"],
      },
    },
    {
      name: "failed pod",
      pod: makePod(["a"]),
      statuses: [cs.terminated("a", 1)],
      phase: "Failed",
      want: {
        ...allTrue,
        Ready: ["False", "ContainersNotReady", "containers with unready status: [a]"],
        ContainersReady: ["False", "ContainersNotReady", "containers with unready status: [a]"],
      },
    },
    {
      name: "readiness gates missing",
      pod: gated([]),
      statuses: [cs.running("app")],
      phase: "Running",
      want: {
        ...allTrue,
        Ready: [
          "False",
          "ReadinessGatesNotReady",
          'corresponding condition of pod readiness gate "example.com/lb" does not exist., corresponding condition of pod readiness gate "example.com/dns" does not exist.',
        ],
      },
    },
    {
      name: "readiness gate False, other True; gate conditions are kept",
      pod: gated([
        { type: "example.com/lb", status: "False" },
        { type: "example.com/dns", status: "True" },
      ]),
      statuses: [cs.running("app")],
      phase: "Running",
      want: {
        ...allTrue,
        Ready: ["False", "ReadinessGatesNotReady", 'the status of pod readiness gate "example.com/lb" is not "True", but False'],
        "example.com/lb": ["False"],
        "example.com/dns": ["True"],
      },
    },
    {
      name: "readiness gates all True",
      pod: gated([
        { type: "example.com/lb", status: "True" },
        { type: "example.com/dns", status: "True" },
      ]),
      statuses: [cs.running("app")],
      phase: "Running",
      want: { ...allTrue, "example.com/lb": ["True"], "example.com/dns": ["True"] },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = podConditions(deepFreeze(c.pod), deepFreeze(c.statuses), {
        phase: c.phase,
        sandboxReady: c.sandboxReady ?? true,
        now: NOW,
      });
      assert.deepEqual(summarize(got), c.want);
    });
  }
});

test("podConditions keeps lastTransitionTime of unchanged conditions", () => {
  const pod = withStatus(makePod(["a"]), [
    { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: EARLIER },
    { type: "PodReadyToStartContainers", status: "True", lastProbeTime: null, lastTransitionTime: EARLIER },
    { type: "Initialized", status: "True", lastProbeTime: null, lastTransitionTime: EARLIER },
    { type: "Ready", status: "False", reason: "ContainersNotReady", lastProbeTime: null, lastTransitionTime: EARLIER },
    { type: "ContainersReady", status: "False", reason: "ContainersNotReady", lastProbeTime: null, lastTransitionTime: EARLIER },
  ]);
  const got = podConditions(deepFreeze(pod), deepFreeze([cs.running("a")]), { phase: "Running", sandboxReady: true, now: NOW });
  assert.deepEqual(got, [
    { type: "PodReadyToStartContainers", status: "True", lastProbeTime: null, lastTransitionTime: EARLIER },
    { type: "Initialized", status: "True", lastProbeTime: null, lastTransitionTime: EARLIER },
    { type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: NOW_TEXT },
    { type: "ContainersReady", status: "True", lastProbeTime: null, lastTransitionTime: NOW_TEXT },
    { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: EARLIER },
  ]);
});

test("podConditions adds PodScheduled when missing", () => {
  const got = podConditions(deepFreeze(makePod(["a"])), [], { phase: "Pending", sandboxReady: false, now: NOW });
  assert.deepEqual(got.at(-1), { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: NOW_TEXT });
});
