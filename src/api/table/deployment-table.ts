// `kubectl get deployments` (apps/v1): Name, Ready, Up-to-date, Available, Age, and wide
// Containers, Images, Selector.

import { deepFreeze } from "../json.js";
import type { KubeObject, TableCell } from "../types.js";
import { ageColumn, column, CONTAINERS_DOC, IMAGES_DOC, nameColumn } from "./columns.js";
import { labelSelectorString } from "./format-labels.js";
import { containerCells } from "./format-list.js";
import { translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";
import type { Deployment } from "./workload-types.js";

// Kubernetes 1.32 describes these columns with the extensions/v1beta1 field docs; Up-to-date
// and Available are declared "string" although their cells are integers, as upstream.
const columns = deepFreeze([
  nameColumn(),
  column("Ready", "Number of the pod with ready state"),
  column("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
  column("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
  ageColumn(),
  column("Containers", CONTAINERS_DOC, { priority: 1 }),
  column("Images", IMAGES_DOC, { priority: 1 }),
  column(
    "Selector",
    "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.",
    { priority: 1 },
  ),
]);

/** The Deployment printer; READY is `<ready>/<desired>`, SELECTOR "" when empty, `<invalid>` when invalid. */
export const deploymentTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const d = obj as Deployment;
    const { names, images } = containerCells(d.spec?.template?.spec?.containers);
    return [
      d.metadata?.name ?? "",
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      translateTimestampSince(d.metadata?.creationTimestamp, now),
      names,
      images,
      labelSelectorString(d.spec?.selector) ?? "<invalid>",
    ];
  },
};
