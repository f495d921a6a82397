// The Table every resource without its own printer gets: apiserver's default table convertor,
// `Name` plus `Created At` (type date) holding the creation time in RFC 3339, UTC, seconds.

import { rfc3339 } from "../time.js";
import { deepFreeze } from "../json.js";
import type { KubeObject, TableCell } from "../types.js";
import { column, nameColumn, OBJECT_META_CREATION_TIMESTAMP_DOC } from "./columns.js";
import { parseTimestamp } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

/** Go's time.RFC3339 rendering of an instant in UTC (no fractional seconds). */
export function formatRfc3339Utc(ms: number): string {
  return rfc3339(ms);
}

/**
 * The `Created At` cell: creationTimestamp normalised to UTC seconds, or Go's zero time
 * "0001-01-01T00:00:00Z" when the object has none (what Kubernetes prints in that case).
 */
export function createdAtCell(obj: KubeObject): string {
  const t = parseTimestamp(obj.metadata?.creationTimestamp);
  return t === undefined ? "0001-01-01T00:00:00Z" : formatRfc3339Utc(t);
}

/** The printer for resources Kubernetes has no dedicated printer for. */
export const defaultTablePrinter: TablePrinter = {
  columns: deepFreeze([nameColumn(), column("Created At", OBJECT_META_CREATION_TIMESTAMP_DOC, { type: "date" })]),
  cells(obj: KubeObject): TableCell[] {
    return [obj.metadata?.name ?? "", createdAtCell(obj)];
  },
};
