// What changed between an informer's cache and a fresh list: the differences a relist must
// deliver. Pure.

import type { KubeObject } from "../api/types.js";
import { objectKey } from "./object-key.js";

export interface SnapshotDiff<T extends KubeObject> {
  added: T[];
  /** [cached, fresh] pairs whose resourceVersion differs. */
  updated: [T, T][];
  /** [key, last cached state] of objects missing from the fresh list. */
  deleted: [string, T][];
}

/**
 * Compares `fresh` with `cached` (key → object). An object counts as updated only when its
 * resourceVersion changed, so objects untouched while disconnected are not redelivered.
 * Output is in key order within each group.
 */
export function diffSnapshot<T extends KubeObject>(cached: ReadonlyMap<string, T>, fresh: readonly T[]): SnapshotDiff<T> {
  const out: SnapshotDiff<T> = { added: [], updated: [], deleted: [] };
  const seen = new Set<string>();
  const sorted = [...fresh].sort((a, b) => (objectKey(a) < objectKey(b) ? -1 : objectKey(a) > objectKey(b) ? 1 : 0));
  for (const obj of sorted) {
    const key = objectKey(obj);
    seen.add(key);
    const old = cached.get(key);
    if (!old) out.added.push(obj);
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) out.updated.push([old, obj]);
  }
  for (const key of [...cached.keys()].sort()) {
    if (!seen.has(key)) out.deleted.push([key, cached.get(key) as T]);
  }
  return out;
}
