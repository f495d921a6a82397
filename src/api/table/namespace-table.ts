// `kubectl get namespaces`: Name, Status, Age.

import { deepFreeze } from "../json.js";
import type { KubeObject, Namespace, TableCell } from "../types.js";
import { ageColumn, column, nameColumn } from "./columns.js";
import { translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

const columns = deepFreeze([nameColumn(), column("Status", "The status of the namespace"), ageColumn()]);

/** The namespace printer; STATUS is status.phase (`Active` or `Terminating`). */
export const namespaceTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const ns = obj as Namespace;
    return [ns.metadata?.name ?? "", ns.status?.phase ?? "", translateTimestampSince(ns.metadata?.creationTimestamp, now)];
  },
};
