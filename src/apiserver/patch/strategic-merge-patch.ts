// Strategic merge patch, the patch format kubectl apply/edit/patch send: a JSON merge patch that
// knows which lists merge element by element (by a merge key, or as sets of primitives) and
// understands the directives `$patch` (replace | delete | merge), `$retainKeys`,
// `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`. Directives act on the result
// and never end up in it.

import { ApiError } from "../../api/errors.js";
import type { JsonObject, JsonValue } from "../../api/json.js";
import { deepCopy, isJsonObject, jsonEqual, ownValue, setOwn } from "../../api/json.js";
import type { Identity } from "./list-order.js";
import { orderMerged } from "./list-order.js";
import { goValue, patchRejected, unclassifiedError } from "./patch-errors.js";
import type { PatchMeta } from "./patch-meta.js";
import { childPath, elementPath, listMetaAt } from "./patch-meta.js";

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const SET_ORDER = "$setElementOrder/";
const DELETE_PRIMITIVES = "$deleteFromPrimitiveList/";

const badRetainKeys = (): ApiError => ApiError.badRequest("invalid patch format of retainKeys");
const badSetOrder = (): ApiError => ApiError.badRequest("invalid patch format of setElementOrder list");
const badPrimitiveList = (): ApiError => ApiError.badRequest("invalid patch format of primitive list");
const noMergeKey = (el: JsonValue, key: string): ApiError => unclassifiedError(`map: ${goValue(el)} does not contain declared merge key: ${key}`);
const badPatchType = (d: JsonValue, m: JsonValue): ApiError => unclassifiedError(`unknown patch type: ${goValue(d)} in map: ${goValue(m)}`);

function goType(v: JsonValue): string {
  if (Array.isArray(v)) return "[]interface {}";
  if (isJsonObject(v)) return "map[string]interface {}";
  if (typeof v === "number") return "float64";
  return typeof v;
}

function isDirectiveKey(k: string): boolean {
  return k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVES);
}

/**
 * Applies `patch` to a copy of `doc` using the list strategies in `meta` and returns the result;
 * the inputs are not modified. Semantics follow k8s.io/apimachinery's strategicpatch on the
 * server side: maps merge recursively and `null` deletes; lists with a merge key merge by it
 * (matched elements merge, new ones are added); lists of primitives with the merge strategy are
 * unioned; other lists are replaced whole. Errors: malformed directives → 400 BadRequest; lists
 * of lists → 422; an element without its merge key or an unknown `$patch` → 500 with the
 * upstream message.
 */
export function applyStrategicMergePatch(doc: JsonObject, patch: JsonObject, meta: PatchMeta): JsonObject {
  return mergeMap(deepCopy(doc), patch, "", meta);
}

/** Merges `patch` into `original`, which the caller owns and which may be modified. */
function mergeMap(original: JsonObject, patch: JsonObject, path: string, meta: PatchMeta): JsonObject {
  const directive = patch[DIRECTIVE];
  if (directive !== undefined) {
    if (directive === "delete") return {};
    if (directive === "replace") {
      const rest: JsonObject = { ...patch };
      delete rest[DIRECTIVE];
      return mergeMap({}, rest, path, meta);
    }
    if (directive !== "merge") throw badPatchType(directive, patch);
  }
  const out = original;
  applyRetainKeys(out, patch);
  const handled = applySetElementOrder(out, patch, path, meta);
  applyPrimitiveDeletions(out, patch);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || isDirectiveKey(k) || handled.has(k)) continue;
    if (v === null) {
      delete out[k];
      continue;
    }
    const fp = childPath(path, k);
    // Own properties only: a key `__proto__` must not reach Object.prototype.
    const cur = ownValue(out, k);
    if (isJsonObject(cur) && isJsonObject(v)) setOwn(out, k, mergeMap(cur, v, fp, meta));
    else if (Array.isArray(cur) && Array.isArray(v)) setOwn(out, k, mergeList(cur, v, fp, meta));
    else setOwn(out, k, materialize(v, fp, meta));
  }
  return out;
}

/** `$retainKeys`: keys of the original not listed are cleared; every key the patch sets must be listed. */
function applyRetainKeys(out: JsonObject, patch: JsonObject): void {
  const keep = patch[RETAIN_KEYS];
  if (keep === undefined) return;
  if (!Array.isArray(keep)) throw badRetainKeys();
  const listed = new Set<unknown>(keep);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined || isDirectiveKey(k)) continue;
    if (!listed.has(k)) throw badRetainKeys();
  }
  for (const k of Object.keys(out)) if (!listed.has(k)) delete out[k];
}

/** `$setElementOrder/<list>`: merges that list now and orders the result; returns the lists handled. */
function applySetElementOrder(out: JsonObject, patch: JsonObject, path: string, meta: PatchMeta): Set<string> {
  const handled = new Set<string>();
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith(SET_ORDER)) continue;
    const field = k.slice(SET_ORDER.length);
    if (!field || !Array.isArray(order)) throw badSetOrder();
    const cur = ownValue(out, field);
    const pv = ownValue(patch, field);
    if (pv === null) continue; // the list is deleted by the main loop
    if (cur !== undefined && cur !== null && !Array.isArray(cur)) throw unclassifiedError(`expected a []interface {}, but received a ${goType(cur)}`);
    if (pv !== undefined && !Array.isArray(pv)) throw unclassifiedError(`expected a []interface {}, but received a ${goType(pv)}`);
    const fp = childPath(path, field);
    const lm = listMetaAt(meta, fp);
    const curList = Array.isArray(cur) ? cur : undefined;
    if (pv) checkOrderMatchesPatch(pv, order, lm.mergeKey);
    if (!curList && !pv) continue;
    const merged = pv ? mergeList(curList ?? [], pv, fp, meta) : curList ?? [];
    const objects = merged.some(isJsonObject) || order.some(isJsonObject);
    setOwn(out, field, objects && !lm.mergeKey ? merged : orderMerged(merged, order, curList ?? [], identity(lm.mergeKey)));
    handled.add(field);
  }
  return handled;
}

/** The patch list must name its (non-deleted) elements in the order the $setElementOrder list gives. */
function checkOrderMatchesPatch(patchList: JsonValue[], order: JsonValue[], mergeKey: string | undefined): void {
  if (order.length === 0 || patchList.length === 0) return;
  const kept = mergeKey ? patchList.filter((el) => !(isJsonObject(el) && el[DIRECTIVE] === "delete")) : patchList;
  let pi = 0;
  let oi = 0;
  while (pi < kept.length && oi < order.length) {
    const el = kept[pi];
    if (isJsonObject(el) && el[DIRECTIVE] !== undefined) {
      pi++;
      continue;
    }
    if (mergeKeyEqual(el, order[oi], mergeKey)) pi++;
    oi++;
  }
  if (pi < kept.length) {
    throw unclassifiedError(`The order in patch list:\n${goValue(patchList)}\n doesn't match $setElementOrder list:\n${goValue(order)}\n`);
  }
}

function mergeKeyEqual(a: JsonValue, b: JsonValue, key: string | undefined): boolean {
  if (!key) return jsonEqual(a, b);
  if (!isJsonObject(a) || a[key] === undefined) throw noMergeKey(a, key);
  if (!isJsonObject(b) || b[key] === undefined) throw noMergeKey(b, key);
  return jsonEqual(a[key], b[key]);
}

/** `$deleteFromPrimitiveList/<list>`: removes those values from the list, if it exists. */
function applyPrimitiveDeletions(out: JsonObject, patch: JsonObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(DELETE_PRIMITIVES)) continue;
    const field = k.slice(DELETE_PRIMITIVES.length);
    if (!field || !Array.isArray(v)) throw badPrimitiveList();
    const cur = ownValue(out, field);
    if (Array.isArray(cur)) setOwn(out, field, cur.filter((x) => !v.some((d) => jsonEqual(d, x))));
  }
}

function identity(mergeKey: string | undefined): Identity {
  if (!mergeKey) return (el) => el;
  return (el) => (isJsonObject(el) && el[mergeKey] !== undefined ? el[mergeKey] : el);
}

function elementKind(items: readonly JsonValue[]): "object" | "primitive" {
  let kind: "object" | "primitive" | undefined;
  for (const el of items) {
    if (Array.isArray(el)) throw patchRejected("lists of lists are not supported");
    const k = isJsonObject(el) ? "object" : "primitive";
    if (kind && kind !== k) throw unclassifiedError(`list element types are not identical: ${goValue(items)}`);
    kind = k;
  }
  return kind ?? "primitive";
}

/** Merges a patch list into `cur` (owned by the caller) following the list's strategy. */
function mergeList(cur: JsonValue[], patchList: JsonValue[], path: string, meta: PatchMeta): JsonValue[] {
  const lm = listMetaAt(meta, path);
  if (lm.strategy !== "merge") return materializeList(patchList, path, meta);
  if (cur.length === 0 && patchList.length === 0) return [];
  if (elementKind([...cur, ...patchList]) === "primitive") {
    const merged: JsonValue[] = [];
    for (const x of [...cur, ...patchList]) if (!merged.some((m) => jsonEqual(m, x))) merged.push(x);
    return orderMerged(merged, patchList, cur, identity(undefined));
  }
  const key = lm.mergeKey;
  if (!key) throw unclassifiedError("cannot merge lists without merge key for type map");
  let working = [...cur];
  const plain: JsonObject[] = [];
  let replace = false;
  for (const el of patchList as JsonObject[]) {
    const d = el[DIRECTIVE];
    if (d === undefined) plain.push(el);
    else if (d === "delete") {
      if (el[key] === undefined) throw noMergeKey(el, key);
      working = working.filter((w) => !(isJsonObject(w) && w[key] !== undefined && jsonEqual(w[key], el[key])));
    } else if (d === "replace") replace = true;
    else if (d === "merge") throw unclassifiedError("merging lists cannot yet be specified in the patch");
    else throw badPatchType(d, el);
  }
  const ep = elementPath(path);
  if (replace) return plain.map((el) => mergeMap({}, el, ep, meta));
  const serverOrder = [...working];
  for (const el of plain) {
    if (el[key] === undefined) throw noMergeKey(el, key);
    const i = working.findIndex((w) => isJsonObject(w) && w[key] !== undefined && jsonEqual(w[key], el[key]));
    if (i >= 0) working[i] = mergeMap(working[i] as JsonObject, el, ep, meta);
    else working.push(mergeMap({}, el, ep, meta));
  }
  return orderMerged(working, plain, serverOrder, identity(key));
}

/** A patch value taken whole (nothing to merge with): directives are resolved, nulls dropped. */
function materialize(v: JsonValue, path: string, meta: PatchMeta): JsonValue {
  if (isJsonObject(v)) return mergeMap({}, v, path, meta);
  if (Array.isArray(v)) return mergeList([], v, path, meta);
  return v;
}

function materializeList(list: JsonValue[], path: string, meta: PatchMeta): JsonValue[] {
  const ep = elementPath(path);
  return list
    .filter((el) => !(isJsonObject(el) && el[DIRECTIVE] !== undefined))
    .map((el) => (isJsonObject(el) ? mergeMap({}, el, ep, meta) : deepCopy(el)));
}
