// Turns objects and lists into meta.k8s.io Tables with Kubernetes' columns (src/api/table),
// honouring includeObject (None, Metadata — the default —, Object).

import { ApiError } from "../api/errors.js";
import type { JsonObject } from "../api/json.js";
import type { ResourceInfo } from "../api/resources.js";
import { printerFor } from "../api/table/printer.js";
import type { KubeObject, ListMeta, Table, TableRow } from "../api/types.js";

export type IncludeObject = "None" | "Metadata" | "Object";

export function parseIncludeObject(v: string | null): IncludeObject {
  if (v === null || v === "" || v === "Metadata") return "Metadata";
  if (v === "None" || v === "Object") return v;
  throw ApiError.badRequest(`includeObject must be one of "None", "Metadata" or "Object", got ${JSON.stringify(v)}`);
}

function rowObject(obj: KubeObject, include: IncludeObject): JsonObject | undefined {
  if (include === "None") return undefined;
  if (include === "Object") return obj as unknown as JsonObject;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata as unknown as JsonObject };
}

export function toTable(
  r: ResourceInfo,
  objects: readonly KubeObject[],
  meta: ListMeta,
  options: { include: IncludeObject; version: "v1" | "v1beta1"; now: Date },
): Table {
  const printer = printerFor(r.group, r.resource);
  const rows: TableRow[] = objects.map((obj) => {
    const row: TableRow = { cells: printer.cells(obj, options.now) };
    const conditions = printer.conditions?.(obj);
    if (conditions?.length) row.conditions = conditions;
    const o = rowObject(obj, options.include);
    if (o) row.object = o;
    return row;
  });
  const table: Table = { kind: "Table", apiVersion: "meta.k8s.io/v1", metadata: meta, columnDefinitions: printer.columns, rows };
  if (options.version === "v1beta1") (table as { apiVersion: string }).apiVersion = "meta.k8s.io/v1beta1";
  return table;
}
