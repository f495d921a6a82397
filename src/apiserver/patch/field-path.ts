// Field paths as server-side apply names fields. Each path element is written exactly as a key
// of a `fieldsV1` object: `f:<field>` for a map key, `k:{"port":80,"protocol":"TCP"}` for a
// list-map element, `v:"value"` for a set element, `i:3` for a list index.

import type { JsonObject, JsonValue } from "../../api/json.js";
import { isJsonObject } from "../../api/json.js";
import { childPath, elementPath } from "./patch-meta.js";

/** A path from the object root; elements are fieldsV1 keys. */
export type FieldPath = readonly string[];

/** JSON with object keys sorted, the form key and value elements use. */
export function canonicalJson(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (isJsonObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k] as JsonValue)}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/** `f:<name>`. */
export function fieldElement(name: string): string {
  return `f:${name}`;
}

/** `k:{…}` for a list-map element with these key values. */
export function keyElement(keys: JsonObject): string {
  return `k:${canonicalJson(keys)}`;
}

/** `v:<json>` for a set element. */
export function valueElement(v: JsonValue): string {
  return `v:${canonicalJson(v)}`;
}

/** The decoded value of a `k:` or `v:` element; undefined for other elements or bad JSON. */
export function elementValue(el: string): JsonValue | undefined {
  if (!el.startsWith("k:") && !el.startsWith("v:")) return undefined;
  try {
    return JSON.parse(el.slice(2)) as JsonValue;
  } catch {
    return undefined;
  }
}

/** True for a well-formed element. */
export function isPathElement(el: string): boolean {
  if (el.startsWith("f:")) return true;
  if (el.startsWith("i:")) return /^i:(0|[1-9][0-9]*)$/.test(el);
  if (el.startsWith("k:")) return isJsonObject(elementValue(el));
  return el.startsWith("v:") && elementValue(el) !== undefined;
}

const rank = (el: string): number => ["f", "k", "v", "i"].indexOf(el[0]);

/** The order fieldsV1 and messages list elements in: fields, then keys, values, indices. */
export function comparePathElements(a: string, b: string): number {
  const r = rank(a) - rank(b);
  if (r !== 0) return r;
  if (a[0] === "i") return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares whole paths element by element; a prefix sorts first. */
export function compareFieldPaths(a: FieldPath, b: FieldPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = comparePathElements(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** The path as Kubernetes prints it in conflicts: `.spec.ports[port=8000,protocol="TCP"].targetPort`. */
export function formatFieldPath(path: FieldPath): string {
  return path
    .map((el) => {
      if (el.startsWith("f:")) return `.${el.slice(2)}`;
      if (el.startsWith("i:")) return `[${el.slice(2)}]`;
      const v = elementValue(el);
      if (el.startsWith("v:")) return `[=${canonicalJson(v ?? null)}]`;
      const keys = isJsonObject(v) ? v : {};
      const parts = Object.keys(keys)
        .sort()
        .map((k) => `${k}=${canonicalJson(keys[k] ?? null)}`);
      return `[${parts.join(",")}]`;
    })
    .join("");
}

/** The patch-meta path of a field path: `spec.ports[].targetPort`. */
export function metaPathOf(path: FieldPath): string {
  let p = "";
  for (const el of path) p = el.startsWith("f:") ? childPath(p, el.slice(2)) : elementPath(p);
  return p;
}

/** Parses a dotted field name list (`"status"`, `"spec.replicas"`) into a path of `f:` elements. */
export function dottedPath(dotted: string): FieldPath {
  return dotted.split(".").map(fieldElement);
}
