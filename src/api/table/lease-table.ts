// `kubectl get leases` (coordination.k8s.io/v1): Name, Holder, Age.

import { deepFreeze } from "../json.js";
import type { KubeObject, TableCell } from "../types.js";
import { ageColumn, column, nameColumn } from "./columns.js";
import { translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

/** The fields of a coordination.k8s.io/v1 Lease this printer reads. */
export interface Lease extends KubeObject {
  spec?: { holderIdentity?: string | null; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string };
}

const columns = deepFreeze([
  nameColumn(),
  column(
    "Holder",
    "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.",
  ),
  ageColumn(),
]);

/** The lease printer; HOLDER is spec.holderIdentity or "". */
export const leaseTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const lease = obj as Lease;
    return [
      lease.metadata?.name ?? "",
      lease.spec?.holderIdentity ?? "",
      translateTimestampSince(lease.metadata?.creationTimestamp, now),
    ];
  },
};
