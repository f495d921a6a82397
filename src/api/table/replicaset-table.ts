// `kubectl get replicasets` (apps/v1): Name, Desired, Current, Ready, Age, and wide
// Containers, Images, Selector.

import { deepFreeze } from "../json.js";
import type { KubeObject, TableCell } from "../types.js";
import { ageColumn, column, CONTAINERS_DOC, IMAGES_DOC, nameColumn } from "./columns.js";
import { formatLabelSelector } from "./format-labels.js";
import { containerCells } from "./format-list.js";
import { translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";
import type { ReplicaSet } from "./workload-types.js";

// Kubernetes 1.32 describes these columns with the extensions/v1beta1 field docs.
const columns = deepFreeze([
  nameColumn(),
  column(
    "Desired",
    "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller",
    { type: "integer" },
  ),
  column(
    "Current",
    "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller",
    { type: "integer" },
  ),
  column("Ready", "readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition.", {
    type: "integer",
  }),
  ageColumn(),
  column("Containers", CONTAINERS_DOC, { priority: 1 }),
  column("Images", IMAGES_DOC, { priority: 1 }),
  column(
    "Selector",
    "Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    { priority: 1 },
  ),
]);

/** The ReplicaSet printer; SELECTOR is `<none>` when empty and `<error>` when invalid. */
export const replicaSetTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const rs = obj as ReplicaSet;
    const { names, images } = containerCells(rs.spec?.template?.spec?.containers);
    return [
      rs.metadata?.name ?? "",
      rs.spec?.replicas ?? 1,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      translateTimestampSince(rs.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(rs.spec?.selector),
    ];
  },
};
