// Server-side apply and field ownership (metadata.managedFields), for `kubectl apply
// --server-side` and for controllers.
//
// Model: every manager owns a set of field paths. An apply makes the applier own exactly the
// fields of its configuration; fields it owned before and left out are removed unless another
// manager owns them; changing a field another manager owns is a conflict unless forced, which
// moves the ownership. An ordinary write (create, update, patch) gives its manager the fields it
// added or changed and takes them from everyone else.
//
// Limits, knowingly: no schema beyond the list/map table in patch-meta (every object member is
// treated like a struct field, so a map entry whose value is itself a non-empty map is owned
// through its leaves); an apply never removes a whole struct that nobody owns any more, only
// the fields and the containers left empty; Update managers are not capped at ten; no
// conversion between API versions.

import { ApiError } from "../../api/errors.js";
import type { JsonObject, JsonValue } from "../../api/json.js";
import { deepCopy, isJsonObject, jsonEqual } from "../../api/json.js";
import { mergeApplied, removeFields } from "./apply-merge.js";
import type { FieldPath } from "./field-path.js";
import { dottedPath, fieldElement, formatFieldPath } from "./field-path.js";
import { FieldSet } from "./field-set.js";
import { compareObjects, fieldSetOf, InvalidConfigError } from "./field-walk.js";
import type { ManagerEntry } from "./managed-fields.js";
import { decodeManagedFields, describeManager, encodeManagedFields, entryId } from "./managed-fields.js";
import { unclassifiedError } from "./patch-errors.js";
import type { PatchMeta } from "./patch-meta.js";
import { patchMetaFor } from "./patch-meta.js";

/** Fields nobody owns: identity and bookkeeping the server maintains. */
const UNTRACKED: readonly FieldPath[] = [
  ["f:apiVersion"],
  ["f:kind"],
  ...["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink"].map((f) => [
    "f:metadata",
    fieldElement(f),
  ]),
];

/** Who conflicts, and on which field. */
export interface ApplyConflict {
  /** The field as Kubernetes prints it: `.spec.replicas`. */
  field: string;
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time?: string;
  subresource?: string;
}

export interface ServerSideApplyOptions {
  /** The field manager applying (`?fieldManager=`). */
  manager: string;
  /** `?force=true`: take conflicting fields instead of failing. */
  force: boolean;
  meta: PatchMeta;
  /** RFC 3339 time recorded in the applier's entry. */
  now: string;
  /** The API version of the endpoint; the configuration must carry the same. */
  apiVersion: string;
  subresource?: string;
  /** Dotted fields this endpoint does not own (e.g. `["status"]` on a main resource). */
  resetFields?: readonly string[];
}

export interface ServerSideApplyResult {
  /** The applied object with managedFields recorded; the live object unchanged when there are conflicts. */
  object: JsonObject;
  /** Non-empty only when not forced; nothing was applied then. */
  conflicts: ApplyConflict[];
}

function managedFieldsOf(o: JsonObject | undefined): JsonValue | undefined {
  const md = o?.metadata;
  return isJsonObject(md) ? md.managedFields : undefined;
}

function withoutManagedFields(o: JsonObject): JsonObject {
  const copy = { ...o };
  if (isJsonObject(copy.metadata)) {
    const md = { ...copy.metadata };
    delete md.managedFields;
    copy.metadata = md;
  }
  return copy;
}

function setManagedFields(o: JsonObject, entries: readonly ManagerEntry[]): void {
  const encoded = encodeManagedFields(entries);
  const md: JsonObject = isJsonObject(o.metadata) ? o.metadata : (o.metadata = {});
  if (encoded.length) md.managedFields = encoded;
  else delete md.managedFields;
}

function ignoredPaths(resetFields: readonly string[] | undefined): FieldPath[] {
  return [...UNTRACKED, ...(resetFields ?? []).map(dottedPath)];
}

function filtered(c: { added: FieldSet; modified: FieldSet; removed: FieldSet }, ignore: readonly FieldPath[]) {
  return { added: c.added.withoutPrefixes(ignore), modified: c.modified.withoutPrefixes(ignore), removed: c.removed.withoutPrefixes(ignore) };
}

function objectName(o: JsonObject): string {
  const md = isJsonObject(o.metadata) ? o.metadata : {};
  const ns = typeof md.namespace === "string" ? md.namespace : "";
  const name = typeof md.name === "string" ? md.name : "";
  return ns ? `${ns}/${name}` : name;
}

function gvkText(apiVersion: string, kind: unknown): string {
  const gv = apiVersion.includes("/") ? apiVersion : `/${apiVersion}`;
  return `${gv}, Kind=${typeof kind === "string" ? kind : ""}`;
}

/**
 * Applies `applied` (a configuration: the fields its manager cares about) to `live` (undefined
 * to create). Rejects with 400 a configuration that carries managedFields or another apiVersion,
 * and with 500 one whose list-map elements lack keys or repeat them (the upstream wording).
 * Returns the conflicts instead of applying when another manager owns a field the apply would
 * change and `force` is false. Live objects without any managedFields are treated as owned by
 * "before-first-apply", as Kubernetes does.
 */
export function applyServerSide(live: JsonObject | undefined, applied: JsonObject, opts: ServerSideApplyOptions): ServerSideApplyResult {
  const md = applied.metadata;
  if (isJsonObject(md) && md.managedFields !== undefined && md.managedFields !== null) {
    throw ApiError.badRequest("metadata.managedFields must be nil");
  }
  const version = typeof applied.apiVersion === "string" ? applied.apiVersion : "";
  if (version !== opts.apiVersion) {
    throw ApiError.badRequest(`Incorrect version specified in apply patch. Specified patch version: ${version}, expected: ${opts.apiVersion}`);
  }
  const { meta } = opts;
  const ignore = ignoredPaths(opts.resetFields);
  let configSet: FieldSet;
  try {
    configSet = fieldSetOf(applied, meta).withoutPrefixes(ignore);
  } catch (e) {
    if (!(e instanceof InvalidConfigError)) throw e;
    throw unclassifiedError(`failed to create typed patch object (${objectName(applied)}; ${gvkText(version, applied.kind)}): ${e.message}`);
  }

  const base = live ? withoutManagedFields(live) : {};
  let entries = decodeManagedFields(managedFieldsOf(live));
  if (live && !Array.isArray(managedFieldsOf(live))) {
    const c = filtered(compareObjects({}, base, meta), ignore);
    entries = [{ manager: "before-first-apply", operation: "Update", apiVersion: opts.apiVersion, fields: c.added.union(c.modified) }];
  }
  const mine = { manager: opts.manager, operation: "Apply" as const, apiVersion: opts.apiVersion, subresource: opts.subresource };
  const previous = entries.find((e) => entryId(e) === entryId(mine));
  const others = entries.filter((e) => e !== previous);

  const merged = mergeApplied(base, applied, meta);
  const owned = others.reduce((s, e) => s.union(e.fields), configSet);
  const given = (previous?.fields ?? FieldSet.empty).withoutPrefixes(ignore).difference(owned);
  removeFields(merged, given.paths(), (p) => owned.has(p), meta);

  const cmp = filtered(compareObjects(base, merged, meta), ignore);
  const changed = cmp.added.union(cmp.modified);
  const conflicts: ApplyConflict[] = [];
  for (const e of others) {
    for (const p of e.fields.intersection(changed).paths()) {
      const c: ApplyConflict = { field: formatFieldPath(p), manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
      if (e.time) c.time = e.time;
      if (e.subresource) c.subresource = e.subresource;
      conflicts.push(c);
    }
  }
  if (conflicts.length && !opts.force) return { object: live ? deepCopy(live) : merged, conflicts };

  const next = others.map((e) => ({ ...e, fields: e.fields.difference(changed).difference(cmp.removed) }));
  const touched = !jsonEqual(base, merged) || !previous || !previous.fields.equals(configSet);
  const entry: ManagerEntry = { ...mine, fields: configSet };
  if (!opts.subresource) delete entry.subresource;
  const time = touched ? opts.now : (previous?.time ?? opts.now);
  if (time) entry.time = time;
  setManagedFields(merged, [...next, entry]);
  return { object: merged, conflicts: [] };
}

export interface UpdateManagedFieldsOptions {
  /** The field manager of the write (`?fieldManager=`, else derived from the user agent). */
  manager: string;
  /** Recorded as the entry's operation; the fields are tracked with update semantics either way. Default "Update". */
  operation?: "Update" | "Apply";
  /** The API version of the endpoint written through. */
  apiVersion: string;
  /** RFC 3339 time recorded when the manager's fields change. */
  now: string;
  subresource?: string;
  /** Defaults to the table for the object's apiVersion and kind. */
  meta?: PatchMeta;
  /** Dotted fields this endpoint does not own (e.g. `["status"]` on a main resource). */
  resetFields?: readonly string[];
}

/**
 * Records an ordinary write (create: `old` undefined; update; any non-apply patch) in
 * `updated`'s managedFields and returns a copy with them set: the manager gains the fields the
 * write added or changed, every other manager loses them, and everyone loses removed fields.
 * managedFields sent in `updated` that differ from the old ones replace them first; sending
 * `[{}]` strips them entirely, as in Kubernetes.
 */
export function updateManagedFields(old: JsonObject | undefined, updated: JsonObject, opts: UpdateManagedFieldsOptions): JsonObject {
  const result = deepCopy(updated);
  const sent = managedFieldsOf(updated);
  const before = managedFieldsOf(old);
  if (Array.isArray(sent) && sent.length > 0 && sent.every((e) => isJsonObject(e) && Object.keys(e).length === 0)) {
    setManagedFields(result, []);
    return result;
  }
  const useSent = Array.isArray(sent) && sent.length > 0 && !jsonEqual(sent, before);
  const entries = decodeManagedFields(useSent ? sent : before);
  const meta = opts.meta ?? patchMetaFor({ apiVersion: String(updated.apiVersion ?? ""), kind: String(updated.kind ?? "") });
  const ignore = ignoredPaths(opts.resetFields);
  const cmp = filtered(compareObjects(old ? withoutManagedFields(old) : {}, withoutManagedFields(updated), meta), ignore);
  const changed = cmp.added.union(cmp.modified);

  const mine = { manager: opts.manager, operation: opts.operation ?? "Update", apiVersion: opts.apiVersion, subresource: opts.subresource };
  const previous = entries.find((e) => entryId(e) === entryId(mine));
  const next = entries.filter((e) => e !== previous).map((e) => ({ ...e, fields: e.fields.difference(changed).difference(cmp.removed) }));
  const entry: ManagerEntry = { ...mine, fields: (previous?.fields ?? FieldSet.empty).difference(cmp.removed).union(changed) };
  if (!opts.subresource) delete entry.subresource;
  const time = changed.isEmpty() ? previous?.time : opts.now;
  if (time) entry.time = time;
  setManagedFields(result, [...next, entry]);
  return result;
}

/** The 409 Kubernetes returns for apply conflicts, message and causes worded as upstream. */
export function applyConflictError(conflicts: readonly ApplyConflict[]): ApiError {
  const causes = conflicts.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with ${describeManager(c)}`, field: c.field }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(conflicts[0])}: ${conflicts[0].field}`;
  } else {
    const groups = new Map<string, ApplyConflict[]>();
    for (const c of conflicts) {
      const id = entryId(c);
      groups.set(id, [...(groups.get(id) ?? []), c]);
    }
    const lines: string[] = [];
    for (const id of [...groups.keys()].sort()) {
      const group = groups.get(id) as ApplyConflict[];
      lines.push(`conflicts with ${describeManager(group[0])}:`, ...group.map((c) => `- ${c.field}`));
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
  }
  return new ApiError(409, "Conflict", message, { causes });
}
