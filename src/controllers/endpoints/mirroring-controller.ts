// The EndpointSlice mirroring controller ("endpointslicemirroring" in --controllers): for a
// Service without a selector, whose Endpoints a user writes, keeps EndpointSlices (managed-by
// endpointslicemirroring-controller.k8s.io, owned by the Endpoints) saying the same thing,
// using desiredMirroredSlices for the decisions.
//
//  - Handlers enqueue "namespace/name" (a Service and its Endpoints share it): an Endpoints
//    that is or was mirrorable changed; a Service changed (a selector added or removed decides
//    whether to mirror); one of our slices changed or went.
//  - sync(key): desiredMirroredSlices over the cached Service, Endpoints and slices (it
//    deletes our slices when there is nothing to mirror: no Service, a selector, no Endpoints,
//    skip-mirror); wait first if the cache lacks our last writes; then write.
// Warnings as upstream: InvalidIPAddress and TooManyAddressesToMirror on the Endpoints (when a
// write happens, so one per change), FailedToUpdateEndpointSlices on write failures.

import type { EndpointSlice, Endpoints, Service } from "../../api/types.js";
import { WorkQueue, isConflict, isNotFound, keyOf, objectOf, runController, splitObjectKey } from "../../client/index.js";
import type { EventRecorder } from "../../client/index.js";
import type { Controller, ControllerContext } from "../controller-context.js";
import { resource } from "../controller-context.js";
import { applySliceChanges } from "./apply-slice-changes.js";
import type { MirrorResult } from "./mirroring.js";
import { desiredMirroredSlices, shouldMirror } from "./mirroring.js";
import { ensureSliceIndex, serviceKeyOfSlice, slicesOfService } from "./slice-index.js";
import { SliceWriteTracker } from "./slice-write-tracker.js";
import { LABEL_MANAGED_BY, MAX_ENDPOINTS_ADDRESSES, MIRRORING_CONTROLLER } from "./well-known.js";

/** The reporting component of this controller's events. */
export const MIRRORING_CONTROLLER_COMPONENT = "endpointslicemirroring-controller";

const isOurs = (s: EndpointSlice): boolean => s.metadata.labels?.[LABEL_MANAGED_BY] === MIRRORING_CONTROLLER;

function warnSkipped(recorder: EventRecorder, endpoints: Endpoints, r: MirrorResult): void {
  if (r.skippedInvalid > 0) {
    void recorder.event(endpoints, "Warning", "InvalidIPAddress", `Skipped ${r.skippedInvalid} invalid IP addresses when mirroring to EndpointSlices`);
  }
  if (r.skippedOverCapacity > 0) {
    const skipped = r.skippedInvalid + r.skippedOverCapacity;
    void recorder.event(
      endpoints,
      "Warning",
      "TooManyAddressesToMirror",
      `A max of ${MAX_ENDPOINTS_ADDRESSES} addresses can be mirrored to EndpointSlices per Endpoints subset. ${skipped} addresses were skipped`,
    );
  }
}

async function run(ctx: ControllerContext): Promise<void> {
  const services = ctx.factory.informerFor<Service>(resource("", "v1", "services"));
  const endpoints = ctx.factory.informerFor<Endpoints>(resource("", "v1", "endpoints"));
  const slices = ctx.factory.informerFor<EndpointSlice>(resource("discovery.k8s.io", "v1", "endpointslices"));
  ensureSliceIndex(slices);
  const client = ctx.client<EndpointSlice>(resource("discovery.k8s.io", "v1", "endpointslices"));
  const recorder = ctx.recorder(MIRRORING_CONTROLLER_COMPONENT);
  const writes = new SliceWriteTracker({ clock: ctx.clock });
  const queue = new WorkQueue<string>({ clock: ctx.clock });

  const enqueueSlice = (s: EndpointSlice): void => {
    const key = serviceKeyOfSlice(s);
    if (key !== undefined && isOurs(s)) queue.add(key);
  };
  endpoints.addEventHandler({
    onAdd: (e) => {
      if (shouldMirror(e)) queue.add(keyOf(e));
    },
    onUpdate: (old, e) => {
      if (shouldMirror(old) || shouldMirror(e)) queue.add(keyOf(e));
    },
    onDelete: (e) => queue.add(keyOf(e)),
  });
  services.addEventHandler({
    onAdd: (s) => queue.add(keyOf(s)),
    onUpdate: (_old, s) => queue.add(keyOf(s)),
    onDelete: (s) => queue.add(keyOf(s)),
  });
  slices.addEventHandler({
    onAdd: enqueueSlice,
    onUpdate: (old, s) => {
      enqueueSlice(old);
      enqueueSlice(s);
    },
    onDelete: (s) => enqueueSlice(objectOf(s)),
  });

  async function sync(key: string): Promise<void> {
    const { namespace = "default", name } = splitObjectKey(key);
    if (writes.isStale(key, (n) => slices.lister.get(namespace, n))) {
      queue.addAfter(key, writes.msUntilExpiry(key));
      return;
    }
    const service = services.lister.get(namespace, name);
    const ep = endpoints.lister.get(namespace, name);
    const existing = slicesOfService(slices.lister, namespace, name).filter(isOurs);
    const result = desiredMirroredSlices(service, ep, existing);
    const writing = result.toCreate.length + result.toUpdate.length + result.toDelete.length > 0;
    if (!writing) return;
    if (ep) warnSkipped(recorder, ep, result);
    try {
      await applySliceChanges(client, result, { serviceKey: key, tracker: writes, signal: ctx.signal });
    } catch (e) {
      if (service && !isConflict(e) && !isNotFound(e) && !ctx.signal.aborted) {
        const text = e instanceof Error ? e.message : String(e);
        void recorder.event(service, "Warning", "FailedToUpdateEndpointSlices", `Error updating Endpoint Slices for Service ${namespace}/${name}: ${text}`);
      }
      throw e;
    }
  }

  await runController({ name: "endpointslicemirroring", queue, sync, workers: 5, signal: ctx.signal, caches: [services, endpoints, slices] });
}

/**
 * The EndpointSlice mirroring controller. Needs list/watch on services, endpoints and
 * endpointslices, and create/update/delete on endpointslices and events.
 */
export const endpointSliceMirroringController: Controller = { name: "endpointslicemirroring", run };
