// The object side of server-side apply: merging an applied configuration into the live object,
// and removing fields an applier gave up.

import type { JsonObject, JsonValue } from "../../api/json.js";
import { deepCopy, isJsonObject, jsonEqual, ownValue, setOwn } from "../../api/json.js";
import type { FieldPath } from "./field-path.js";
import { elementValue, keyElement, metaPathOf, valueElement } from "./field-path.js";
import { elementKey, itemElements, listKeys } from "./field-walk.js";
import type { PatchMeta } from "./patch-meta.js";
import { childPath, elementPath, isAtomicMap, listMetaAt } from "./patch-meta.js";

/** A copy of `v` with null object members dropped. */
function clean(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(clean);
  if (isJsonObject(v)) {
    const o: JsonObject = {};
    for (const [k, c] of Object.entries(v)) if (c !== undefined && c !== null) setOwn(o, k, clean(c));
    return o;
  }
  return v;
}

/**
 * `live` with `config` merged in, as server-side apply merges: maps key by key (`null` removes),
 * list-maps element by element on their keys, sets by value, atomic lists and maps replaced.
 * Live-only list elements keep their place next to the element they followed; the applied
 * elements take the configuration's order. Neither input is modified.
 */
export function mergeApplied(live: JsonObject, config: JsonObject, meta: PatchMeta): JsonObject {
  return mergeValue(deepCopy(live), config, "", meta) as JsonObject;
}

function mergeValue(live: JsonValue | undefined, cfg: JsonValue, mpath: string, meta: PatchMeta): JsonValue {
  if (isJsonObject(cfg)) {
    if (!isJsonObject(live) || (mpath !== "" && isAtomicMap(meta, mpath))) return clean(cfg);
    for (const [k, v] of Object.entries(cfg)) {
      if (v === undefined) continue;
      // Own properties only: a key `__proto__` must not reach Object.prototype.
      if (v === null) delete live[k];
      else setOwn(live, k, mergeValue(ownValue(live, k), v, childPath(mpath, k), meta));
    }
    return live;
  }
  if (Array.isArray(cfg) && Array.isArray(live)) {
    const lm = listMetaAt(meta, mpath);
    if (lm.listType === "set") {
      return interleave(live, cfg, live.map(valueElement), cfg.map(valueElement), (_l, c) => clean(c));
    }
    if (lm.listType === "map") {
      const lk = itemElements(live, lm);
      const ck = itemElements(cfg, lm);
      if (lk && ck) return interleave(live, cfg, lk, ck, (l, c) => mergeValue(l, c, elementPath(mpath), meta));
    }
  }
  return clean(cfg);
}

/**
 * Live-only items stay where they were relative to the shared item before them; configuration
 * items come in configuration order, each merged with its live counterpart.
 */
function interleave(
  live: JsonValue[],
  cfg: JsonValue[],
  liveIds: string[],
  cfgIds: string[],
  merge: (l: JsonValue | undefined, c: JsonValue) => JsonValue,
): JsonValue[] {
  const inCfg = new Set(cfgIds);
  const head: JsonValue[] = [];
  const after = new Map<string, JsonValue[]>();
  let anchor: string | undefined;
  live.forEach((el, i) => {
    const id = liveIds[i];
    if (inCfg.has(id)) {
      anchor = id;
      return;
    }
    if (anchor === undefined) head.push(el);
    else after.set(anchor, [...(after.get(anchor) ?? []), el]);
  });
  const out = [...head];
  cfg.forEach((c, i) => {
    const li = liveIds.indexOf(cfgIds[i]);
    out.push(merge(li >= 0 ? live[li] : undefined, c));
    out.push(...(after.get(cfgIds[i]) ?? []));
  });
  return out;
}

type Step = { parent: JsonObject; key: string } | { parent: JsonValue[]; index: number };

/** Finds where each element of `path` sits in `obj`; undefined when the field is not there. */
function resolve(obj: JsonObject, path: FieldPath, meta: PatchMeta): Step[] | undefined {
  const steps: Step[] = [];
  let cur: JsonValue | undefined = obj;
  for (let i = 0; i < path.length; i++) {
    const el = path[i];
    if (el.startsWith("f:")) {
      if (!isJsonObject(cur)) return undefined;
      const key = el.slice(2);
      steps.push({ parent: cur, key });
      cur = ownValue(cur, key);
    } else {
      if (!Array.isArray(cur)) return undefined;
      const list: JsonValue[] = cur;
      let index = -1;
      if (el.startsWith("i:")) index = Number(el.slice(2));
      else if (el.startsWith("v:")) {
        const want = elementValue(el);
        index = list.findIndex((x) => jsonEqual(x, want));
      } else {
        const lm = listMetaAt(meta, metaPathOf(path.slice(0, i)));
        index = list.findIndex((x) => {
          const k = elementKey(x, lm);
          return typeof k !== "string" && keyElement(k) === el;
        });
      }
      if (index < 0 || index >= list.length) return undefined;
      steps.push({ parent: list, index });
      cur = list[index];
    }
    if (cur === undefined) return undefined;
  }
  return steps;
}

function valueAt(s: Step): JsonValue | undefined {
  return "key" in s ? ownValue(s.parent, s.key) : s.parent[s.index];
}

function detach(s: Step): void {
  if ("key" in s) delete s.parent[s.key];
  else s.parent.splice(s.index, 1);
}

const isEmptyContainer = (v: JsonValue | undefined): boolean =>
  (Array.isArray(v) && v.length === 0) || (isJsonObject(v) && Object.keys(v).length === 0);

/** True for a key field of a list-map element (`…[k:{…}].port`): it names the element and stays with it. */
function isKeyField(path: FieldPath, meta: PatchMeta): boolean {
  const parent = path[path.length - 2];
  if (!parent?.startsWith("k:")) return false;
  const lm = listMetaAt(meta, metaPathOf(path.slice(0, -2)));
  return listKeys(lm).includes(path[path.length - 1].slice(2));
}

/**
 * Removes the fields at `paths` from `obj` (in place), shallowest first, so a removed list
 * element takes its fields along; the key fields of an element that stays are kept. A map or
 * list left empty by a removal is removed too unless `owned` says someone owns it; the object's
 * top-level fields are never removed this way.
 */
export function removeFields(obj: JsonObject, paths: readonly FieldPath[], owned: (p: FieldPath) => boolean, meta: PatchMeta): void {
  const ordered = [...paths].sort((a, b) => a.length - b.length);
  for (const p of ordered) {
    if (isKeyField(p, meta)) continue;
    const steps = resolve(obj, p, meta);
    if (!steps) continue;
    detach(steps[steps.length - 1]);
    for (let d = steps.length - 2; d >= 1; d--) {
      if (!isEmptyContainer(valueAt(steps[d])) || owned(p.slice(0, d + 1))) break;
      detach(steps[d]);
    }
  }
}
