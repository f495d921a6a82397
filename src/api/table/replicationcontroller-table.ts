// `kubectl get replicationcontrollers`: Name, Desired, Current, Ready, Age, and wide
// Containers, Images, Selector.

import { deepFreeze } from "../json.js";
import type { KubeObject, ReplicationController, TableCell } from "../types.js";
import { ageColumn, column, CONTAINERS_DOC, IMAGES_DOC, nameColumn } from "./columns.js";
import { formatLabels } from "./format-labels.js";
import { containerCells } from "./format-list.js";
import { translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

const columns = deepFreeze([
  nameColumn(),
  column(
    "Desired",
    "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller",
    { type: "integer" },
  ),
  column(
    "Current",
    "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller",
    { type: "integer" },
  ),
  column("Ready", "The number of ready replicas for this replication controller.", { type: "integer" }),
  ageColumn(),
  column("Containers", CONTAINERS_DOC, { priority: 1 }),
  column("Images", IMAGES_DOC, { priority: 1 }),
  column(
    "Selector",
    "Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    { priority: 1 },
  ),
]);

/** The ReplicationController printer; DESIRED defaults to 1 like the API's defaulting. */
export const replicationControllerTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const rc = obj as ReplicationController;
    const { names, images } = containerCells(rc.spec?.template?.spec?.containers);
    return [
      rc.metadata?.name ?? "",
      rc.spec?.replicas ?? 1,
      rc.status?.replicas ?? 0,
      rc.status?.readyReplicas ?? 0,
      translateTimestampSince(rc.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabels(rc.spec?.selector),
    ];
  },
};
