// `kubectl get pods`: Name, Ready, Status, Restarts, Age, and wide IP, Node, Nominated Node,
// Readiness Gates. Pods that have finished carry a `Completed` row condition.

import { deepFreeze } from "../json.js";
import type { KubeObject, Pod, TableCell } from "../types.js";
import { ageColumn, column, nameColumn } from "./columns.js";
import { translateTimestampSince } from "./human-duration.js";
import { podSummary } from "./pod-status.js";
import type { RowCondition, TablePrinter } from "./table-printer.js";

const columns = deepFreeze([
  nameColumn(),
  column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
  column("Status", "The aggregate status of the containers in this pod."),
  column(
    "Restarts",
    "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
  ),
  ageColumn(),
  column("IP", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", {
    priority: 1,
  }),
  column(
    "Node",
    "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename",
    { priority: 1 },
  ),
  column(
    "Nominated Node",
    "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.",
    { priority: 1 },
  ),
  column(
    "Readiness Gates",
    'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
    { priority: 1 },
  ),
]);

/** READINESS GATES: `<true>/<total>` over spec.readinessGates, `<none>` without gates. */
export function readinessGatesCell(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return "<none>";
  const conditions = pod.status?.conditions ?? [];
  const met = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === "True").length;
  return `${met}/${gates.length}`;
}

/** IP: the first of status.podIPs (status.podIP for objects that only have that), else `<none>`. */
export function podIPCell(pod: Pod): string {
  return pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || "<none>";
}

/** The pod printer. */
export const podTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const pod = obj as Pod;
    const summary = podSummary(pod, now);
    return [
      pod.metadata?.name ?? "",
      summary.ready,
      summary.status,
      summary.restarts,
      translateTimestampSince(pod.metadata?.creationTimestamp, now),
      podIPCell(pod),
      pod.spec?.nodeName || "<none>",
      pod.status?.nominatedNodeName || "<none>",
      readinessGatesCell(pod),
    ];
  },
  conditions(obj: KubeObject): RowCondition[] {
    switch ((obj as Pod).status?.phase) {
      case "Succeeded":
        return [{ type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." }];
      case "Failed":
        return [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }];
      default:
        return [];
    }
  },
};
