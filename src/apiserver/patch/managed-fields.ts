// `metadata.managedFields`: decoding the entries into field sets, encoding them back in
// Kubernetes' order, and naming a manager the way conflict messages do.

import { rfc3339 } from "../../api/time.js";
import type { JsonObject, JsonValue } from "../../api/json.js";
import { isJsonObject } from "../../api/json.js";
import { FieldSet } from "./field-set.js";

/** One manager's ownership, decoded. */
export interface ManagerEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time?: string;
  subresource?: string;
  fields: FieldSet;
}

/** What identifies an entry: manager, operation, subresource, and for updaters the apiVersion. */
export function entryId(e: Pick<ManagerEntry, "manager" | "operation" | "apiVersion" | "subresource">): string {
  return JSON.stringify([e.manager, e.operation, e.operation === "Update" ? e.apiVersion : "", e.subresource ?? ""]);
}

/** The entries of a managedFields value; malformed entries are skipped, duplicates merged. */
export function decodeManagedFields(v: JsonValue | undefined): ManagerEntry[] {
  if (!Array.isArray(v)) return [];
  const byId = new Map<string, ManagerEntry>();
  for (const raw of v) {
    if (!isJsonObject(raw)) continue;
    const { manager, operation, apiVersion, time, subresource, fieldsV1 } = raw;
    if (typeof manager !== "string" || (operation !== "Apply" && operation !== "Update")) continue;
    const e: ManagerEntry = {
      manager,
      operation,
      apiVersion: typeof apiVersion === "string" ? apiVersion : "",
      fields: FieldSet.fromFieldsV1(fieldsV1),
    };
    if (typeof time === "string") e.time = time;
    if (typeof subresource === "string" && subresource) e.subresource = subresource;
    const id = entryId(e);
    const prev = byId.get(id);
    if (prev) prev.fields = prev.fields.union(e.fields);
    else byId.set(id, e);
  }
  return [...byId.values()];
}

const seconds = (t: string | undefined): number => {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
};

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The managedFields value for these entries: entries without fields dropped, the rest sorted as
 * Kubernetes sorts them (operation, time, manager, apiVersion, subresource).
 */
export function encodeManagedFields(entries: readonly ManagerEntry[]): JsonObject[] {
  return entries
    .filter((e) => !e.fields.isEmpty())
    .sort(
      (p, q) =>
        cmpStr(p.operation, q.operation) ||
        seconds(p.time) - seconds(q.time) ||
        cmpStr(p.manager, q.manager) ||
        cmpStr(p.apiVersion, q.apiVersion) ||
        cmpStr(p.subresource ?? "", q.subresource ?? ""),
    )
    .map((e) => {
      const o: JsonObject = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
      if (e.time) o.time = e.time;
      o.fieldsType = "FieldsV1";
      o.fieldsV1 = e.fields.toFieldsV1();
      if (e.subresource) o.subresource = e.subresource;
      return o;
    });
}

/** RFC 3339 in UTC without fractions, as Go prints metav1.Time. */
function normalizeTime(t: string): string {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : rfc3339(ms);
}

/** A manager as conflict messages name it: `"kubectl-edit" using v1 at 2024-01-01T00:00:00Z`, or `"kubectl"` for appliers. */
export function describeManager(e: Pick<ManagerEntry, "manager" | "operation" | "apiVersion" | "time" | "subresource">): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation !== "Update") return s;
  return e.time ? `${s} using ${e.apiVersion} at ${normalizeTime(e.time)}` : `${s} using ${e.apiVersion}`;
}
