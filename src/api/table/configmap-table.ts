// `kubectl get configmaps`: Name, Data, Age (Kubernetes 1.32's printConfigMap).

import { deepFreeze } from "../json.js";
import type { ConfigMap, KubeObject, TableCell } from "../types.js";
import { ageColumn, column, nameColumn } from "./columns.js";
import { translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

const DATA_DOC =
  "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.";

const columns = deepFreeze([nameColumn(), column("Data", DATA_DOC), ageColumn()]);

/** The config map printer; DATA counts the keys of data and binaryData together (an integer cell). */
export const configMapTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const cm = obj as ConfigMap;
    const keys = Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
    return [cm.metadata?.name ?? "", keys, translateTimestampSince(cm.metadata?.creationTimestamp, now)];
  },
};
