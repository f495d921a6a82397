// JSON values as they travel over the wire and sit in storage. Every API object is a JsonObject
// first; the typed views in types.ts are for code that reads well-known fields.

export type JsonPrimitive = null | boolean | number | string;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * An object's own property, never an inherited one. Keys come from requests, and may be
 * `__proto__` or `constructor`: on an object that lacks them, plain indexing reads
 * Object.prototype or the Object function, and code that then merges into what it read
 * changes every object of the process (prototype pollution).
 */
export function ownValue(o: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** Sets an own property, whatever its name: assigning `__proto__` would replace the object's prototype instead. */
export function setOwn(o: JsonObject, key: string, value: JsonValue | undefined): void {
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A deep copy of a JSON value (objects from caches are shared and must never be mutated). */
export function deepCopy<T>(v: T): T {
  return structuredClone(v);
}

/** Structural equality of two JSON values; key order does not matter, undefined keys are absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Deeply freezes a value; used in tests to prove code never mutates shared cache objects. */
export function deepFreeze<T>(v: T): T {
  if (typeof v === "object" && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}
