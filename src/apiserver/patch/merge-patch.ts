// JSON merge patch (RFC 7386): objects merge key by key, `null` deletes, anything else replaces.

import type { JsonObject, JsonValue } from "../../api/json.js";
import { deepCopy, isJsonObject, jsonEqual, ownValue, setOwn } from "../../api/json.js";

/**
 * Applies a merge patch to `doc` and returns a new document sharing nothing with either input.
 * A patch that is not an object replaces the document; `null` members delete keys; members
 * of a patch object that are themselves objects merge recursively (nulls inside a subtree that
 * did not exist are dropped, as the RFC's algorithm does).
 */
export function applyMergePatch(doc: JsonValue | undefined, patch: JsonValue): JsonValue {
  return mergeInto(doc === undefined ? undefined : deepCopy(doc), patch);
}

function mergeInto(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return deepCopy(patch);
  const out: JsonObject = isJsonObject(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    // Own properties only: a key `__proto__` must not reach Object.prototype.
    if (v === null) delete out[k];
    else setOwn(out, k, mergeInto(ownValue(out, k), v));
  }
  return out;
}

/**
 * The merge patch that turns `original` into `modified` (for objects: only changed keys, `null`
 * for removed ones). `applyMergePatch(original, createMergePatch(original, modified))` equals
 * `modified` whenever `modified` holds no nulls. Equal inputs give `{}`.
 */
export function createMergePatch(original: JsonValue | undefined, modified: JsonValue): JsonValue {
  if (!isJsonObject(original) || !isJsonObject(modified)) {
    return jsonEqual(original, modified) ? {} : deepCopy(modified);
  }
  const patch: JsonObject = {};
  for (const [k, v] of Object.entries(original)) {
    if (v !== undefined && ownValue(modified, k) === undefined) setOwn(patch, k, null);
  }
  for (const [k, v] of Object.entries(modified)) {
    if (v === undefined) continue;
    const before = ownValue(original, k);
    if (before === undefined) setOwn(patch, k, deepCopy(v));
    else if (isJsonObject(before) && isJsonObject(v)) {
      const sub = createMergePatch(before, v);
      if (isJsonObject(sub) && Object.keys(sub).length > 0) setOwn(patch, k, sub);
    } else if (!jsonEqual(before, v)) setOwn(patch, k, deepCopy(v));
  }
  return patch;
}
