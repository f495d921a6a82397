import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { ContainerStatus, Pod } from "../types.js";
import { podTablePrinter } from "./pod-table.js";
import { ago, makePod, NOW, renderLikeKubectl, rowsOf } from "./table-fixtures.js";

function running(name: string, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, ready: true, restartCount: 0, started: true, state: { running: { startedAt: ago({ m: 4 }) } }, ...extra };
}

function waiting(name: string, reason: string, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, ready: false, restartCount: 0, state: { waiting: { reason } }, ...extra };
}

function terminated(name: string, t: { exitCode: number; reason?: string; signal?: number }, extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, ready: false, restartCount: 0, state: { terminated: { ...t, finishedAt: ago({ m: 1 }) } }, ...extra };
}

/** A pod with two app containers, a and b. */
function twoContainers(mutate: (p: Pod) => void): Pod {
  return makePod("default", "p", (p) => {
    p.spec.containers = [{ name: "a", image: "nginx" }, { name: "b", image: "busybox" }];
    mutate(p);
  });
}

/** A pod with init containers i1, i2 (both plain) and one app container. */
function withInit(mutate: (p: Pod) => void): Pod {
  return makePod("default", "p", (p) => {
    p.spec.initContainers = [{ name: "i1", image: "busybox" }, { name: "i2", image: "busybox" }];
    p.status!.phase = "Pending";
    p.status!.conditions = [{ type: "Initialized", status: "False" }, { type: "Ready", status: "False" }];
    p.status!.containerStatuses = [waiting("nginx", "PodInitializing")];
    mutate(p);
  });
}

describe("pod printer columns", () => {
  it("match Kubernetes'", () => {
    assert.deepEqual(podTablePrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]), [
      ["Name", "string", "name", 0],
      ["Ready", "string", "", 0],
      ["Status", "string", "", 0],
      ["Restarts", "string", "", 0],
      ["Age", "string", "", 0],
      ["IP", "string", "", 1],
      ["Node", "string", "", 1],
      ["Nominated Node", "string", "", 1],
      ["Readiness Gates", "string", "", 1],
    ]);
  });
});

describe("the seed's pod", () => {
  const pod = makePod("default", "nginx-controller-6bovu");
  it("prints every cell, wide ones included", () => {
    assert.deepEqual(podTablePrinter.cells(pod, NOW), ["nginx-controller-6bovu", "1/1", "Running", "0", "4m", "10.1.13.3", "core-v2-01", "<none>", "<none>"]);
    assert.deepEqual(podTablePrinter.conditions?.(pod), []);
  });
  it("renders like kubectl get pods", () => {
    const pods = ["nginx-controller-6bovu", "nginx-controller-iowux", "nginx-controller-o7m6u"].map((n) => makePod("default", n));
    assert.deepEqual(renderLikeKubectl(podTablePrinter.columns, rowsOf(podTablePrinter, pods)), [
      "NAME                     READY   STATUS    RESTARTS   AGE",
      "nginx-controller-6bovu   1/1     Running   0          4m",
      "nginx-controller-iowux   1/1     Running   0          4m",
      "nginx-controller-o7m6u   1/1     Running   0          4m",
    ]);
  });
});

describe("pod READY, STATUS, RESTARTS", () => {
  const cases: { name: string; pod: Pod; want: [string, string, string] }[] = [
    {
      name: "pending, unscheduled",
      pod: makePod("default", "p", (p) => {
        p.status = { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable" }] };
      }),
      want: ["0/1", "Pending", "0"],
    },
    {
      name: "scheduling gated",
      pod: makePod("default", "p", (p) => {
        p.status = { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "SchedulingGated" }] };
      }),
      want: ["0/1", "SchedulingGated", "0"],
    },
    {
      name: "container creating",
      pod: makePod("default", "p", (p) => {
        p.status!.phase = "Pending";
        p.status!.containerStatuses = [waiting("nginx", "ContainerCreating")];
      }),
      want: ["0/1", "ContainerCreating", "0"],
    },
    {
      name: "crash loop with a known last termination",
      pod: makePod("default", "p", (p) => {
        p.status!.containerStatuses = [
          waiting("nginx", "CrashLoopBackOff", { restartCount: 5, lastState: { terminated: { exitCode: 1, reason: "Error", finishedAt: ago({ m: 5 }) } } }),
        ];
      }),
      want: ["0/1", "CrashLoopBackOff", "5 (5m ago)"],
    },
    {
      name: "restarts without a termination time",
      pod: makePod("default", "p", (p) => {
        p.status!.containerStatuses = [running("nginx", { restartCount: 3 })];
      }),
      want: ["1/1", "Running", "3"],
    },
    {
      name: "restarts take the newest termination across containers",
      pod: twoContainers((p) => {
        p.status!.containerStatuses = [
          running("a", { restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago({ h: 2 }) } } }),
          running("b", { restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago({ s: 50 }) } } }),
        ];
      }),
      want: ["2/2", "Running", "3 (50s ago)"],
    },
    {
      name: "running but not ready",
      pod: makePod("default", "p", (p) => {
        p.status!.containerStatuses = [running("nginx", { ready: false })];
      }),
      want: ["0/1", "Running", "0"],
    },
    {
      name: "succeeded",
      pod: makePod("default", "p", (p) => {
        p.status!.phase = "Succeeded";
        p.status!.containerStatuses = [terminated("nginx", { exitCode: 0, reason: "Completed" })];
      }),
      want: ["0/1", "Completed", "0"],
    },
    {
      name: "failed with a reason",
      pod: makePod("default", "p", (p) => {
        p.status!.phase = "Failed";
        p.status!.containerStatuses = [terminated("nginx", { exitCode: 1, reason: "Error" })];
      }),
      want: ["0/1", "Error", "0"],
    },
    {
      name: "terminated without reason: exit code",
      pod: makePod("default", "p", (p) => {
        p.status!.containerStatuses = [terminated("nginx", { exitCode: 137 })];
      }),
      want: ["0/1", "ExitCode:137", "0"],
    },
    {
      name: "terminated without reason: signal",
      pod: makePod("default", "p", (p) => {
        p.status!.containerStatuses = [terminated("nginx", { exitCode: 137, signal: 9 })];
      }),
      want: ["0/1", "Signal:9", "0"],
    },
    {
      name: "evicted pods show the pod reason",
      pod: makePod("default", "p", (p) => {
        p.status = { phase: "Failed", reason: "Evicted", message: "The node was low on resource: memory." };
      }),
      want: ["0/1", "Evicted", "0"],
    },
    {
      name: "the lowest-index container with a reason wins",
      pod: twoContainers((p) => {
        p.status!.containerStatuses = [waiting("a", "ImagePullBackOff"), waiting("b", "ErrImagePull")];
      }),
      want: ["0/2", "ImagePullBackOff", "0"],
    },
    {
      name: "Completed with a running ready container and Ready condition is Running",
      pod: twoContainers((p) => {
        p.status!.containerStatuses = [terminated("a", { exitCode: 0, reason: "Completed" }), running("b")];
      }),
      want: ["1/2", "Running", "0"],
    },
    {
      name: "Completed with a running container but no Ready condition is NotReady",
      pod: twoContainers((p) => {
        p.status!.conditions = [{ type: "Ready", status: "False" }];
        p.status!.containerStatuses = [terminated("a", { exitCode: 0, reason: "Completed" }), running("b")];
      }),
      want: ["1/2", "NotReady", "0"],
    },
    {
      name: "init: first container not started yet",
      pod: withInit((p) => {
        p.status!.initContainerStatuses = [waiting("i1", "PodInitializing"), waiting("i2", "PodInitializing")];
      }),
      want: ["0/1", "Init:0/2", "0"],
    },
    {
      name: "init: second running",
      pod: withInit((p) => {
        p.status!.initContainerStatuses = [terminated("i1", { exitCode: 0, reason: "Completed" }), running("i2", { ready: false })];
      }),
      want: ["0/1", "Init:1/2", "0"],
    },
    {
      name: "init: image pull failure",
      pod: withInit((p) => {
        p.status!.initContainerStatuses = [waiting("i1", "ErrImagePull"), waiting("i2", "PodInitializing")];
      }),
      want: ["0/1", "Init:ErrImagePull", "0"],
    },
    {
      name: "init: failed with a reason, restarts counted from init containers",
      pod: withInit((p) => {
        p.status!.initContainerStatuses = [
          terminated("i1", { exitCode: 1, reason: "Error" }, { restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago({ s: 30 }) } } }),
          waiting("i2", "PodInitializing"),
        ];
      }),
      want: ["0/1", "Init:Error", "2 (30s ago)"],
    },
    {
      name: "init: failed without a reason",
      pod: withInit((p) => {
        p.status!.initContainerStatuses = [terminated("i1", { exitCode: 2 }), waiting("i2", "PodInitializing")];
      }),
      want: ["0/1", "Init:ExitCode:2", "0"],
    },
    {
      name: "init: killed by a signal",
      pod: withInit((p) => {
        p.status!.initContainerStatuses = [terminated("i1", { exitCode: 137, signal: 9 }), waiting("i2", "PodInitializing")];
      }),
      want: ["0/1", "Init:Signal:9", "0"],
    },
    {
      name: "sidecar: restartable init container counts in READY and RESTARTS",
      pod: makePod("default", "p", (p) => {
        p.spec.initContainers = [{ name: "proxy", image: "envoy", restartPolicy: "Always" }];
        p.status!.initContainerStatuses = [
          running("proxy", { restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago({ m: 3 }) } } }),
        ];
      }),
      want: ["2/2", "Running", "2 (3m ago)"],
    },
    {
      name: "sidecar not started yet blocks initialization",
      pod: makePod("default", "p", (p) => {
        p.spec.initContainers = [{ name: "proxy", image: "envoy", restartPolicy: "Always" }];
        p.status!.phase = "Pending";
        p.status!.conditions = [{ type: "Initialized", status: "False" }];
        p.status!.initContainerStatuses = [running("proxy", { started: false, ready: false })];
        p.status!.containerStatuses = [waiting("nginx", "PodInitializing")];
      }),
      want: ["0/2", "Init:0/1", "0"],
    },
    {
      name: "terminating",
      pod: makePod("default", "p", (p) => {
        p.metadata.deletionTimestamp = ago({ s: 5 });
      }),
      want: ["1/1", "Terminating", "0"],
    },
    {
      name: "a finished pod being deleted keeps its status",
      pod: makePod("default", "p", (p) => {
        p.metadata.deletionTimestamp = ago({ s: 5 });
        p.status!.phase = "Succeeded";
        p.status!.containerStatuses = [terminated("nginx", { exitCode: 0, reason: "Completed" })];
      }),
      want: ["0/1", "Completed", "0"],
    },
    {
      name: "deleted on a lost node is Unknown",
      pod: makePod("default", "p", (p) => {
        p.metadata.deletionTimestamp = ago({ s: 5 });
        p.status!.reason = "NodeLost";
      }),
      want: ["1/1", "Unknown", "0"],
    },
    {
      name: "no status at all",
      pod: makePod("default", "p", (p) => {
        delete p.status;
      }),
      want: ["0/1", "", "0"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const cells = podTablePrinter.cells(c.pod, NOW);
      assert.equal(cells.length, podTablePrinter.columns.length);
      assert.deepEqual(cells.slice(1, 4), c.want);
    });
  }
});

describe("pod wide cells", () => {
  const cases: { name: string; pod: Pod; want: [string, string, string, string] }[] = [
    { name: "scheduled with an IP", pod: makePod("default", "p"), want: ["10.1.13.3", "core-v2-01", "<none>", "<none>"] },
    {
      name: "unscheduled, nominated",
      pod: makePod("default", "p", (p) => {
        delete p.spec.nodeName;
        p.status = { phase: "Pending", nominatedNodeName: "core-v2-02" };
      }),
      want: ["<none>", "<none>", "core-v2-02", "<none>"],
    },
    {
      name: "podIP without podIPs",
      pod: makePod("default", "p", (p) => {
        delete p.status!.podIPs;
      }),
      want: ["10.1.13.3", "core-v2-01", "<none>", "<none>"],
    },
    {
      name: "dual stack shows the first IP",
      pod: makePod("default", "p", (p) => {
        p.status!.podIPs = [{ ip: "fd00:10:1::3" }, { ip: "10.1.13.3" }];
      }),
      want: ["fd00:10:1::3", "core-v2-01", "<none>", "<none>"],
    },
    {
      name: "readiness gates",
      pod: makePod("default", "p", (p) => {
        p.spec.readinessGates = [{ conditionType: "example.com/lb-ready" }, { conditionType: "example.com/warm" }];
        p.status!.conditions!.push({ type: "example.com/lb-ready", status: "True" }, { type: "example.com/warm", status: "False" });
      }),
      want: ["10.1.13.3", "core-v2-01", "<none>", "1/2"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(podTablePrinter.cells(c.pod, NOW).slice(5), c.want));
  }
});

describe("pod row conditions", () => {
  const cases: { name: string; phase: NonNullable<Pod["status"]>["phase"]; want: unknown[] }[] = [
    { name: "running", phase: "Running", want: [] },
    { name: "succeeded", phase: "Succeeded", want: [{ type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." }] },
    { name: "failed", phase: "Failed", want: [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const pod = makePod("default", "p", (p) => {
        p.status!.phase = c.phase;
      });
      assert.deepEqual(podTablePrinter.conditions?.(pod), c.want);
    });
  }
});
