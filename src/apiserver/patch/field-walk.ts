// Walks objects as server-side apply sees them: which fields an applied configuration sets, and
// which fields an update added, modified or removed.

import type { JsonObject, JsonValue } from "../../api/json.js";
import { isJsonObject, jsonEqual, ownValue } from "../../api/json.js";
import type { FieldPath } from "./field-path.js";
import { fieldElement, formatFieldPath, keyElement, valueElement } from "./field-path.js";
import { FieldSet } from "./field-set.js";
import type { ListMeta, PatchMeta } from "./patch-meta.js";
import { childPath, elementPath, isAtomicMap, listMetaAt } from "./patch-meta.js";

/** The key fields of a list-map (`keys`, else the merge key). */
export function listKeys(lm: ListMeta): readonly string[] {
  return lm.keys ?? (lm.mergeKey ? [lm.mergeKey] : []);
}

/** The key values of one list-map element, defaults filled in; a string naming the first missing key otherwise. */
export function elementKey(el: JsonValue, lm: ListMeta): JsonObject | string {
  const keys = listKeys(lm);
  if (!isJsonObject(el) || keys.length === 0) return keys[0] ?? "";
  const out: JsonObject = {};
  for (const k of keys) {
    const v = el[k] ?? lm.keyDefaults?.[k];
    if (v === undefined || v === null || typeof v === "object") return k;
    out[k] = v;
  }
  return out;
}

/** The `k:` elements of a list-map's items, or undefined when one lacks a key or two collide. */
export function itemElements(list: readonly JsonValue[], lm: ListMeta): string[] | undefined {
  const out: string[] = [];
  for (const el of list) {
    const key = elementKey(el, lm);
    if (typeof key === "string") return undefined;
    const pe = keyElement(key);
    if (out.includes(pe)) return undefined;
    out.push(pe);
  }
  return out;
}

/** Raised for an applied configuration server-side apply cannot type (missing or duplicate keys). */
export class InvalidConfigError extends Error {}

/**
 * The fields an applied configuration sets: every leaf, every list-map element and set value,
 * atomic lists and maps as single fields, empty maps as fields. Null members set nothing.
 * Throws InvalidConfigError for a list-map element without a key or with a duplicate key.
 */
export function fieldSetOf(config: JsonObject, meta: PatchMeta): FieldSet {
  const out: FieldPath[] = [];
  const walk = (path: string[], mpath: string, v: JsonValue): void => {
    if (isJsonObject(v)) {
      const entries = Object.entries(v).filter(([, c]) => c !== undefined && c !== null);
      if (path.length > 0 && (isAtomicMap(meta, mpath) || Object.keys(v).length === 0)) {
        out.push(path);
        return;
      }
      for (const [k, c] of entries) walk([...path, fieldElement(k)], childPath(mpath, k), c as JsonValue);
      return;
    }
    if (!Array.isArray(v)) {
      out.push(path);
      return;
    }
    const lm = listMetaAt(meta, mpath);
    if (lm.listType === "set") {
      for (const x of v) out.push([...path, valueElement(x)]);
      return;
    }
    if (lm.listType !== "map") {
      out.push(path);
      return;
    }
    const seen = new Set<string>();
    v.forEach((el, i) => {
      const key = elementKey(el, lm);
      if (typeof key === "string") {
        throw new InvalidConfigError(
          `${formatFieldPath(path)}: element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(key)} (and doesn't have default value)`,
        );
      }
      const pe = keyElement(key);
      if (seen.has(pe)) throw new InvalidConfigError(`${formatFieldPath(path)}: duplicate entries for key ${formatFieldPath([pe])}`);
      seen.add(pe);
      const item = [...path, pe];
      out.push(item);
      for (const [k, c] of Object.entries(el as JsonObject)) {
        if (c !== undefined && c !== null) walk([...item, fieldElement(k)], childPath(elementPath(mpath), k), c);
      }
    });
  };
  walk([], "", config);
  return new FieldSet(out);
}

/** What an update did, field by field. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

type Shape = "absent" | "map" | "set" | "listmap" | "leaf";

/**
 * Compares two versions of an object. Leaves (scalars, atomic lists and maps, empty maps) are
 * added, modified or removed; maps, list-map elements and set values that appear or disappear
 * are added or removed themselves too — except the object's top-level fields (metadata, spec,
 * status), which Kubernetes' typed objects always have.
 */
export function compareObjects(before: JsonObject, after: JsonObject, meta: PatchMeta): Comparison {
  const added: FieldPath[] = [];
  const modified: FieldPath[] = [];
  const removed: FieldPath[] = [];

  const shape = (v: JsonValue | undefined, mpath: string, other: JsonValue | undefined): Shape => {
    if (v === undefined) return "absent";
    if (isJsonObject(v)) return isAtomicMap(meta, mpath) ? "leaf" : "map";
    if (!Array.isArray(v)) return "leaf";
    const lm = listMetaAt(meta, mpath);
    if (lm.listType === "set") return "set";
    if (lm.listType !== "map") return "leaf";
    const ok = (x: JsonValue | undefined) => !Array.isArray(x) || itemElements(x, lm) !== undefined;
    return ok(v) && ok(other) ? "listmap" : "leaf";
  };

  const leaf = (path: FieldPath, a: JsonValue | undefined, b: JsonValue | undefined): void => {
    if (a === undefined) added.push(path);
    else if (b === undefined) removed.push(path);
    else if (!jsonEqual(a, b)) modified.push(path);
  };

  const container = (path: FieldPath, a: JsonValue | undefined, b: JsonValue | undefined): void => {
    if (path.length < 2) return;
    if (a === undefined) added.push(path);
    else if (b === undefined) removed.push(path);
  };

  const fields = (path: FieldPath, mpath: string, a: JsonObject | undefined, b: JsonObject | undefined): void => {
    const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
    for (const k of keys) cmp([...path, fieldElement(k)], childPath(mpath, k), a && ownValue(a, k), b && ownValue(b, k));
  };

  const cmp = (path: FieldPath, mpath: string, a: JsonValue | undefined, b: JsonValue | undefined): void => {
    const sa = shape(a, mpath, b);
    const sb = shape(b, mpath, a);
    if (sa === "absent" && sb === "absent") return;
    const kind = sa === "absent" ? sb : sa;
    if (kind === "leaf" || (sb !== "absent" && sb !== kind)) return leaf(path, a, b);
    if (kind === "map") {
      const empty = (x: JsonValue | undefined) => x === undefined || Object.keys(x as JsonObject).length === 0;
      if (empty(a) && empty(b)) return leaf(path, a, b);
      container(path, a, b);
      return fields(path, mpath, a as JsonObject | undefined, b as JsonObject | undefined);
    }
    container(path, a, b);
    const la = (a ?? []) as JsonValue[];
    const lb = (b ?? []) as JsonValue[];
    if (kind === "set") {
      const va = new Set(la.map(valueElement));
      const vb = new Set(lb.map(valueElement));
      for (const x of vb) if (!va.has(x)) added.push([...path, x]);
      for (const x of va) if (!vb.has(x)) removed.push([...path, x]);
      return;
    }
    const lm = listMetaAt(meta, mpath);
    const ea = itemElements(la, lm) ?? [];
    const eb = itemElements(lb, lm) ?? [];
    const items = new Set([...ea, ...eb]);
    for (const pe of items) {
      const ia = ea.indexOf(pe);
      const ib = eb.indexOf(pe);
      const x = ia >= 0 ? (la[ia] as JsonObject) : undefined;
      const y = ib >= 0 ? (lb[ib] as JsonObject) : undefined;
      const item = [...path, pe];
      if (!x) added.push(item);
      if (!y) removed.push(item);
      fields(item, elementPath(mpath), x, y);
    }
  };

  fields([], "", before, after);
  return { added: new FieldSet(added), modified: new FieldSet(modified), removed: new FieldSet(removed) };
}
