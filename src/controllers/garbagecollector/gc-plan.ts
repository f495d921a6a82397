// The garbage collector's decisions over a snapshot of every object, with Kubernetes' three
// propagation policies:
// - Background: an object none of whose owners exists is deleted.
// - Foreground: an owner carrying the `foregroundDeletion` finalizer has its dependents
//   deleted first; the finalizer goes once no dependent with blockOwnerDeletion is left.
// - Orphan: an owner carrying the `orphan` finalizer is removed from its dependents'
//   ownerReferences, then the finalizer goes.
// Pure: the caller double-checks "owner absent" with a live read before deleting, because a
// snapshot assembled from several caches can miss an owner that was just created.

import type { ResourceInfo } from "../../api/resources.js";
import type { KubeObject } from "../../api/types.js";

export interface GcEntry {
  resource: ResourceInfo;
  object: KubeObject;
}

export type GcAction =
  | { type: "deleteIfOwnersGone"; target: GcEntry; policy: "Background" | "Foreground" }
  | { type: "deleteDependent"; target: GcEntry; owner: GcEntry }
  | { type: "removeOwnerReference"; target: GcEntry; ownerUid: string }
  | { type: "removeFinalizer"; target: GcEntry; finalizer: "orphan" | "foregroundDeletion" };

export function planGarbageCollection(all: readonly GcEntry[]): GcAction[] {
  const uids = new Set(all.map((e) => e.object.metadata.uid).filter((u): u is string => Boolean(u)));
  const dependents = new Map<string, GcEntry[]>();
  for (const e of all) {
    for (const ref of e.object.metadata.ownerReferences ?? []) {
      const list = dependents.get(ref.uid) ?? [];
      list.push(e);
      dependents.set(ref.uid, list);
    }
  }
  const actions: GcAction[] = [];
  for (const owner of all) {
    if (!owner.object.metadata.deletionTimestamp) continue;
    const uid = owner.object.metadata.uid ?? "";
    const fins = owner.object.metadata.finalizers ?? [];
    const deps = dependents.get(uid) ?? [];
    if (fins.includes("orphan")) {
      for (const d of deps) actions.push({ type: "removeOwnerReference", target: d, ownerUid: uid });
      actions.push({ type: "removeFinalizer", target: owner, finalizer: "orphan" });
    } else if (fins.includes("foregroundDeletion")) {
      for (const d of deps) if (!d.object.metadata.deletionTimestamp) actions.push({ type: "deleteDependent", target: d, owner });
      const blocking = deps.some((d) => (d.object.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion));
      if (!blocking) actions.push({ type: "removeFinalizer", target: owner, finalizer: "foregroundDeletion" });
    }
  }
  for (const e of all) {
    const refs = e.object.metadata.ownerReferences ?? [];
    if (!refs.length || e.object.metadata.deletionTimestamp) continue;
    if (refs.every((r) => !uids.has(r.uid))) actions.push({ type: "deleteIfOwnersGone", target: e, policy: "Background" });
  }
  return actions;
}
