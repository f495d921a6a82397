// Cache keys ("namespace/name", or "name" for cluster-scoped objects) and the tombstone a
// delete handler receives when an object vanished while the watch was down.

import type { KubeObject } from "../api/types.js";

/** "namespace/name" for namespaced objects, "name" for cluster-scoped ones (client-go's MetaNamespaceKeyFunc). */
export function objectKey(obj: Pick<KubeObject, "metadata">): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name ?? ""}` : (name ?? "");
}

/** The inverse of objectKey: "a/b" → {namespace "a", name "b"}; "b" → {name "b"}. */
export function splitObjectKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf("/");
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/**
 * Handed to onDelete instead of the object when the informer learned of a deletion by
 * relisting (the watch was down when it happened): `obj` is the last state the cache held,
 * which may be stale. Delete handlers must accept both forms; `objectOf` unwraps.
 */
export class DeletedFinalStateUnknown<T extends KubeObject = KubeObject> {
  readonly key: string;
  readonly obj: T;
  constructor(key: string, obj: T) {
    this.key = key;
    this.obj = obj;
    Object.freeze(this);
  }
}

/** The object itself, or the last known state inside a tombstone. */
export function objectOf<T extends KubeObject>(v: T | DeletedFinalStateUnknown<T>): T {
  return v instanceof DeletedFinalStateUnknown ? v.obj : v;
}

/** The cache key of an object or tombstone: what a delete handler should enqueue. */
export function keyOf<T extends KubeObject>(v: T | DeletedFinalStateUnknown<T>): string {
  return v instanceof DeletedFinalStateUnknown ? v.key : objectKey(v);
}
