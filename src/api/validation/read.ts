// Tolerant readers for objects that arrive as JSON. Validation must never throw on a field
// of the wrong shape (that would become a 500); these return an empty value instead and let
// the checks report what is missing.

import { isJsonObject, setOwn } from "../json.js";

/** The value as a plain object, or {} when it is not one. */
export function rec(v: unknown): Record<string, unknown> {
  return isJsonObject(v) ? (v as Record<string, unknown>) : {};
}

/** The value as an array, or [] when it is not one. */
export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The value as a string, or "" when it is not one. */
export function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** The value as a number, or 0 when it is not one (Go's zero value). */
export function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

/** The value as a number, or undefined when absent or not a number (Go's nil pointer). */
export function optNum(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** The value as a string, or undefined when absent (Go's nil *string). */
export function optStr(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/**
 * The value as a map of strings (labels, selectors); non-string entries are dropped. Every key
 * is kept as an own property, `__proto__` too (assigning it would set the prototype instead,
 * and the key would escape validation).
 */
export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(rec(v))) if (typeof x === "string") setOwn(out, k, x);
  return out;
}

/** True when the map is absent or empty. */
export function isEmptyMap(v: unknown): boolean {
  return Object.keys(rec(v)).length === 0;
}
