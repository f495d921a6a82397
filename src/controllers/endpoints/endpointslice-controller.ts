// The EndpointSlice controller ("endpointslice" in --controllers): keeps the EndpointSlices
// (managed-by endpointslice-controller.k8s.io) of every selector Service equal to its pods,
// using reconcileSlices for the decisions.
//
//  - Handlers enqueue Service keys: a Service changed; a pod's endpoint-relevant state or
//    labels changed; a node appeared, went, or changed zone (its pods' Services: zones, and
//    pods on nodes not yet known, are left out until then); one of our slices changed or was
//    deleted by anyone (including our own writes, so a sync waiting for the cache resumes).
//  - sync(key): no Service → delete the slices we manage for that name (as the garbage
//    collector would, through their owner reference). No selector / ExternalName → nothing.
//    If the cache does not yet show our last writes for the Service, wait (SliceWriteTracker)
//    rather than act on it and create duplicates. Otherwise reconcile and write: creates,
//    updates (conditional), deletes.
// Failures other than races raise a Warning FailedToUpdateEndpointSlices on the Service.

import { queueServicesOnChanges } from "./service-pod-handlers.js";
import type { EndpointSlice, Node, Pod, Service } from "../../api/types.js";
import { WorkQueue, isConflict, isNotFound, objectOf, runController, splitObjectKey } from "../../client/index.js";
import type { Controller, ControllerContext } from "../controller-context.js";
import { resource } from "../controller-context.js";
import { applySliceChanges } from "./apply-slice-changes.js";
import { ensureSliceIndex, serviceKeyOfSlice, slicesOfService } from "./slice-index.js";
import { SliceWriteTracker } from "./slice-write-tracker.js";
import { reconcileSlices } from "./slices.js";
import { TriggerTimeTracker } from "./trigger-time.js";
import { yieldTurn } from "./yield-turn.js";
import { ENDPOINTSLICE_CONTROLLER, LABEL_MANAGED_BY, LABEL_TOPOLOGY_ZONE } from "./well-known.js";

/** The reporting component of this controller's events. */
export const ENDPOINTSLICE_CONTROLLER_COMPONENT = "endpointslice-controller";

const isOurs = (s: EndpointSlice): boolean => s.metadata.labels?.[LABEL_MANAGED_BY] === ENDPOINTSLICE_CONTROLLER;
const zoneOf = (n: Node): string | undefined => n.metadata.labels?.[LABEL_TOPOLOGY_ZONE];

async function run(ctx: ControllerContext): Promise<void> {
  const services = ctx.factory.informerFor<Service>(resource("", "v1", "services"));
  const pods = ctx.factory.informerFor<Pod>(resource("", "v1", "pods"));
  const nodes = ctx.factory.informerFor<Node>(resource("", "v1", "nodes"));
  const slices = ctx.factory.informerFor<EndpointSlice>(resource("discovery.k8s.io", "v1", "endpointslices"));
  ensureSliceIndex(slices);
  const client = ctx.client<EndpointSlice>(resource("discovery.k8s.io", "v1", "endpointslices"));
  const recorder = ctx.recorder(ENDPOINTSLICE_CONTROLLER_COMPONENT);
  const triggerTimes = new TriggerTimeTracker();
  const writes = new SliceWriteTracker({ clock: ctx.clock });
  const queue = new WorkQueue<string>({ clock: ctx.clock });

  const enqueuePods = queueServicesOnChanges(services, pods, queue);
  const enqueueNode = (node: Node): void => {
    const name = node.metadata.name;
    for (const p of pods.lister.list()) if (p.spec.nodeName === name) enqueuePods(p);
  };
  const enqueueSlice = (s: EndpointSlice): void => {
    const key = serviceKeyOfSlice(s);
    if (key !== undefined && isOurs(s)) queue.add(key);
  };

  nodes.addEventHandler({
    onAdd: enqueueNode,
    onUpdate: (old, n) => {
      if (zoneOf(old) !== zoneOf(n)) enqueueNode(n);
    },
    onDelete: (n) => enqueueNode(objectOf(n)),
  });
  slices.addEventHandler({
    onAdd: enqueueSlice,
    onUpdate: (old, s) => {
      enqueueSlice(old);
      enqueueSlice(s);
    },
    onDelete: (s) => enqueueSlice(objectOf(s)),
  });

  async function deleteAll(key: string, namespace: string, name: string): Promise<void> {
    const ours = slicesOfService(slices.lister, namespace, name).filter(isOurs);
    await applySliceChanges(client, { toCreate: [], toUpdate: [], toDelete: ours }, { serviceKey: key, tracker: writes, signal: ctx.signal });
  }

  async function sync(key: string): Promise<void> {
    await yieldTurn();
    const { namespace = "default", name } = splitObjectKey(key);
    const service = services.lister.get(namespace, name);
    if (!service) {
      triggerTimes.deleteService(namespace, name);
      await deleteAll(key, namespace, name);
      return;
    }
    if (service.spec.selector === undefined || service.spec.selector === null || service.spec.type === "ExternalName") return;
    if (writes.isStale(key, (n) => slices.lister.get(namespace, n))) {
      // Our slice events re-queue the key as the cache catches up; this is the backstop.
      queue.addAfter(key, writes.msUntilExpiry(key));
      return;
    }
    const podList = pods.lister.list(namespace);
    const triggerTime = triggerTimes.compute(service, podList);
    const changes = reconcileSlices(service, podList, slicesOfService(slices.lister, namespace, name), {
      maxEndpointsPerSlice: ctx.settings.maxEndpointsPerSlice,
      nodeZone: (n) => {
        const node = nodes.lister.get(undefined, n);
        return node ? zoneOf(node) : undefined;
      },
      nodeExists: (n) => nodes.lister.get(undefined, n) !== undefined,
      triggerTime,
    });
    try {
      await applySliceChanges(client, changes, { serviceKey: key, tracker: writes, signal: ctx.signal });
    } catch (e) {
      if (!isConflict(e) && !isNotFound(e) && !ctx.signal.aborted) {
        const text = e instanceof Error ? e.message : String(e);
        void recorder.event(service, "Warning", "FailedToUpdateEndpointSlices", `Error updating Endpoint Slices for Service ${namespace}/${name}: ${text}`);
      }
      throw e;
    }
  }

  await runController({ name: "endpointslice", queue, sync, workers: 5, signal: ctx.signal, caches: [services, pods, nodes, slices] });
}

/**
 * The EndpointSlice controller. Needs list/watch on services, pods, nodes and endpointslices,
 * and create/update/delete on endpointslices and events. Uses ctx.settings.maxEndpointsPerSlice.
 */
export const endpointSliceController: Controller = { name: "endpointslice", run };
