// Sends a reconciler's EndpointSlice changes to the API server: creates, then updates, then
// deletes (as upstream, so a Service never loses all its endpoints in between), recording each
// write in a SliceWriteTracker.

import type { EndpointSlice } from "../../api/types.js";
import type { KubeClient } from "../../client/index.js";
import { isConflict, isNotFound } from "../../client/index.js";
import { isNamespaceTerminating } from "./namespace-terminating.js";
import type { SliceWriteTracker } from "./slice-write-tracker.js";
import type { SliceChanges } from "./slices.js";

/** Options of applySliceChanges. */
export interface ApplySliceChangesOptions {
  /** "namespace/name" of the Service (or Endpoints) the slices belong to. */
  serviceKey: string;
  tracker: SliceWriteTracker;
  signal?: AbortSignal;
}

/** The object to send: no managedFields (the server keeps its own), nothing else changed. */
function body(slice: EndpointSlice): EndpointSlice {
  if (!slice.metadata.managedFields) return slice;
  const { managedFields: _drop, ...metadata } = slice.metadata;
  return { ...slice, metadata };
}

/**
 * Writes `changes` in order. Updates are conditional on the resourceVersion the reconciler
 * saw. A delete of a slice already gone, or replaced by another with the same name (uid
 * precondition), counts as done. A create refused because the namespace is terminating ends
 * the writes quietly (as upstream: the namespace is going away). The first other failure is thrown (the caller's sync is
 * retried and reconciles afresh); writes before it stay done and tracked.
 */
export async function applySliceChanges(client: KubeClient<EndpointSlice>, changes: SliceChanges, o: ApplySliceChangesOptions): Promise<void> {
  for (const s of changes.toCreate) {
    try {
      o.tracker.wrote(o.serviceKey, await client.create(body(s), { signal: o.signal }));
    } catch (e) {
      // The namespace is going away with everything in it: nothing more to write.
      if (isNamespaceTerminating(e)) return;
      throw e;
    }
  }
  for (const s of changes.toUpdate) {
    o.tracker.wrote(o.serviceKey, await client.update(body(s), { signal: o.signal }));
  }
  for (const s of changes.toDelete) {
    const name = s.metadata.name ?? "";
    try {
      await client.delete(s.metadata.namespace, name, { preconditions: s.metadata.uid ? { uid: s.metadata.uid } : undefined, signal: o.signal });
    } catch (e) {
      // Conflict: the name now belongs to another slice, which is not ours to wait for.
      if (isConflict(e)) continue;
      if (!isNotFound(e)) throw e;
    }
    o.tracker.deleted(o.serviceKey, name);
  }
}
