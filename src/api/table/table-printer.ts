// The contract every resource's Table printer fulfils. Kept apart from the registry in
// printer.ts so resource printers can name it without an import cycle.

import type { KubeObject, TableCell, TableColumnDefinition } from "../types.js";

/** A row condition (meta/v1 TableRowCondition); pods use type "Completed". */
export interface RowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/**
 * Turns objects of one resource into Table rows, as Kubernetes' server-side printers do.
 *
 * - `columns` is deeply frozen and the same array on every call, so a list and the events of
 *   a watch carry byte-identical definitions (kubectl reprints the header when they differ).
 * - `cells` always returns one cell per column, wide (priority 1) columns included — the API
 *   server prints with `Wide: true` and kubectl hides wide columns itself. It never mutates
 *   `obj` and tolerates missing fields; `now` is the clock for every AGE-like cell.
 * - `conditions`, when present, gives the row's conditions; it returns [] when there are none,
 *   and callers then leave `conditions` out of the row (Kubernetes omits it when empty).
 */
export interface TablePrinter {
  columns: TableColumnDefinition[];
  cells(obj: KubeObject, now: Date): TableCell[];
  conditions?(obj: KubeObject): RowCondition[];
}
