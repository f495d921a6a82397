// Which watch events can change the garbage collector's plan. The plan (gc-plan.ts) reads only
// each object's uid, ownerReferences, deletionTimestamp and finalizers, and whether it exists; an
// event that changes none of them leaves the plan as it was, so it need not wake the collector.
// Without this filter every write in the cluster (a pod's status, an Endpoints object) started a
// pass over every object of every resource.

import type { KubeObject } from "../../api/types.js";

/** The fields of an object the plan reads, as one comparable string. */
function gcFields(o: KubeObject): string {
  const m = o.metadata;
  return JSON.stringify([m.uid ?? "", m.ownerReferences ?? [], m.deletionTimestamp ?? "", m.finalizers ?? []]);
}

/** An object's arrival matters when it has owners (they may be gone) or is already being deleted. */
export function addAffectsGarbageCollection(o: KubeObject): boolean {
  return (o.metadata.ownerReferences?.length ?? 0) > 0 || o.metadata.deletionTimestamp !== undefined;
}

/** An update matters when it changes what the plan reads. */
export function updateAffectsGarbageCollection(old: KubeObject, now: KubeObject): boolean {
  return gcFields(old) !== gcFields(now);
}

/** A deletion always matters: the object may own others, which are then orphans. */
export function deleteAffectsGarbageCollection(): boolean {
  return true;
}
