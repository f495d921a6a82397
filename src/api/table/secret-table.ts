// `kubectl get secrets`: Name, Type, Data, Age (Kubernetes 1.32's printSecret).

import { deepFreeze } from "../json.js";
import type { KubeObject, Secret, TableCell } from "../types.js";
import { ageColumn, column, nameColumn } from "./columns.js";
import { translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

const columns = deepFreeze([
  nameColumn(),
  column("Type", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
  column("Data", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
  ageColumn(),
]);

/** The secret printer; DATA counts the keys of data (an integer cell). */
export const secretTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const s = obj as Secret;
    return [s.metadata?.name ?? "", s.type ?? "", Object.keys(s.data ?? {}).length, translateTimestampSince(s.metadata?.creationTimestamp, now)];
  },
};
