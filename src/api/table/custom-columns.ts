// Tables for kinds served as custom resources, made the way kube-apiserver makes them from a
// CRD's additionalPrinterColumns: `Name`, then one column per declared column (no `Age` unless
// declared), each cell read with the column's simple JSONPath (`.spec.addresses`). A string
// column shows strings as they are and lists or objects as Go's JSON; boolean, integer and
// number columns show values of that type; a missing or mistyped value is a null cell.

import { deepFreeze } from "../json.js";
import type { KubeObject, TableCell, TableColumnDefinition } from "../types.js";
import { column, nameColumn } from "./columns.js";
import { goJson } from "./go-json.js";
import { translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

/** One additionalPrinterColumns entry of a CRD version. */
export interface PrinterColumn {
  name: string;
  type: TableColumnDefinition["type"];
  /** A dotted path from the object's root: `.spec.autoAssign`. */
  jsonPath: string;
  /** 0 (default) shows always; anything else only with `-o wide`. */
  priority?: number;
  format?: string;
  /** Defaults to the description kube-apiserver gives undocumented columns. */
  description?: string;
}

/** The value at a simple dotted JSONPath, or undefined when any step is missing. */
export function valueAt(obj: unknown, jsonPath: string): unknown {
  let cur: unknown = obj;
  for (const step of jsonPath.split(".").filter((s) => s !== "")) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[step];
  }
  return cur;
}

function stringCell(v: unknown): TableCell {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "object" && v !== null) return goJson(v);
  return null;
}

function cellFor(c: PrinterColumn, obj: KubeObject, now: Date): TableCell {
  const v = valueAt(obj, c.jsonPath);
  if (v === undefined || v === null) return null;
  switch (c.type) {
    case "string":
      return stringCell(v);
    case "boolean":
      return typeof v === "boolean" ? v : null;
    case "integer":
      return typeof v === "number" ? Math.trunc(v) : null;
    case "number":
      return typeof v === "number" ? v : null;
    case "date":
      return typeof v === "string" ? translateTimestampSince(v, now) : null;
  }
}

/** A printer for a custom resource with these printer columns. */
export function customColumnsPrinter(columns: readonly PrinterColumn[]): TablePrinter {
  const definitions = deepFreeze([
    nameColumn(),
    ...columns.map((c) =>
      column(c.name, c.description ?? `Custom resource definition column (in JSONPath format): ${c.jsonPath}`, {
        type: c.type,
        format: c.format ?? "",
        priority: c.priority ?? 0,
      }),
    ),
  ]);
  return {
    columns: definitions,
    cells(obj: KubeObject, now: Date): TableCell[] {
      return [obj.metadata?.name ?? "", ...columns.map((c) => cellFor(c, obj, now))];
    },
  };
}
