// The endpoints controller ("endpoint" in --controllers): keeps the v1 Endpoints object of
// every selector Service equal to its selected pods, as kube-controller-manager does.
//
//  - Handlers enqueue Service keys: a Service changed; a pod whose endpoint-relevant state or
//    labels changed (every Service selecting it before or after); an Endpoints object was
//    deleted (re-created if its Service still exists).
//  - sync(key): no Service → delete its Endpoints (NotFound is fine). No selector or type
//    ExternalName → leave the Endpoints to the user. Otherwise build the desired Endpoints from
//    the listers, skip the write when nothing changed, else create or (conditionally) update.
//  - Once the caches have synced, Endpoints left behind by Services deleted while the
//    controller was down are queued for deletion (leader-election locks excepted).
// A Conflict or AlreadyExists (the cache is a write behind — usually our own) is answered by
// deciding once more against the live object; if that races too, the key is retried. Other
// failures also raise a Warning event (FailedToCreateEndpoint / FailedToUpdateEndpoint).

import { queueServicesOnChanges } from "./service-pod-handlers.js";
import type { Endpoints, Pod, Service } from "../../api/types.js";
import { WorkQueue, isAlreadyExists, isConflict, isNotFound, keyOf, runController, splitObjectKey } from "../../client/index.js";
import type { Controller, ControllerContext } from "../controller-context.js";
import { resource } from "../controller-context.js";
import { desiredEndpoints, endpointsEqual } from "./endpoints.js";
import { isNamespaceTerminating } from "./namespace-terminating.js";
import { TriggerTimeTracker } from "./trigger-time.js";
import { yieldTurn } from "./yield-turn.js";
import { ANNOTATION_LEADER } from "./well-known.js";

/** The reporting component of this controller's events. */
export const ENDPOINT_CONTROLLER_COMPONENT = "endpoint-controller";

/** Sends an Endpoints object as a create or update (managedFields dropped: the server keeps them). */
function writable(e: Endpoints): Endpoints {
  const { managedFields: _drop, ...metadata } = e.metadata;
  return { ...e, metadata };
}

/** A write that failed only because our cache is a step behind; retrying is the whole fix. */
function isRace(e: unknown): boolean {
  return isConflict(e) || isAlreadyExists(e) || isNotFound(e);
}

async function run(ctx: ControllerContext): Promise<void> {
  const services = ctx.factory.informerFor<Service>(resource("", "v1", "services"));
  const pods = ctx.factory.informerFor<Pod>(resource("", "v1", "pods"));
  const endpoints = ctx.factory.informerFor<Endpoints>(resource("", "v1", "endpoints"));
  const client = ctx.client<Endpoints>(resource("", "v1", "endpoints"));
  const recorder = ctx.recorder(ENDPOINT_CONTROLLER_COMPONENT);
  const triggerTimes = new TriggerTimeTracker();
  const queue = new WorkQueue<string>({ clock: ctx.clock });

  queueServicesOnChanges(services, pods, queue);
  endpoints.addEventHandler({ onDelete: (e) => queue.add(keyOf(e)) });

  const caches = [services, pods, endpoints];
  void Promise.all(caches.map((c) => c.waitForCacheSync(ctx.signal))).then((synced) => {
    if (!synced.every(Boolean)) return;
    for (const e of endpoints.lister.list()) {
      if (e.metadata.annotations?.[ANNOTATION_LEADER] !== undefined) continue;
      if (!services.lister.get(e.metadata.namespace, e.metadata.name ?? "")) queue.add(keyOf(e));
    }
  });

  async function sync(key: string): Promise<void> {
    await yieldTurn();
    const { namespace = "default", name } = splitObjectKey(key);
    const service = services.lister.get(namespace, name);
    if (!service) {
      triggerTimes.deleteService(namespace, name);
      try {
        await client.delete(namespace, name, { signal: ctx.signal });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return;
    }
    const podList = pods.lister.list(namespace);
    const triggerTime = triggerTimes.compute(service, podList);
    const cached = endpoints.lister.get(namespace, name);
    let desired = desiredEndpoints(service, podList, { current: cached, triggerTime });
    if (!desired || (cached && endpointsEqual(cached, desired))) return;
    try {
      try {
        await write(cached, desired);
      } catch (e) {
        // The cache is a write behind (ours, usually): decide again against the live object.
        if (!(cached ? isConflict(e) || isNotFound(e) : isAlreadyExists(e))) throw e;
        const live = await getLive(namespace, name);
        desired = desiredEndpoints(service, podList, { current: live, triggerTime }) as Endpoints;
        if (!live || !endpointsEqual(live, desired)) await write(live, desired);
      }
    } catch (e) {
      // A namespace being deleted refuses creates; its Endpoints are about to go anyway.
      if (isNamespaceTerminating(e)) return;
      if (!isRace(e) && !ctx.signal.aborted) {
        const message = cached
          ? `Failed to update endpoint ${namespace}/${name}: ${errorText(e)}`
          : `Failed to create endpoint for service ${namespace}/${name}: ${errorText(e)}`;
        void recorder.event(desired, "Warning", cached ? "FailedToUpdateEndpoint" : "FailedToCreateEndpoint", message);
      }
      throw e;
    }
  }

  async function write(current: Endpoints | undefined, desired: Endpoints): Promise<void> {
    if (current) await client.update(writable(desired), { signal: ctx.signal });
    else await client.create(writable(desired), { signal: ctx.signal });
  }

  async function getLive(namespace: string, name: string): Promise<Endpoints | undefined> {
    try {
      return await client.get(namespace, name, { signal: ctx.signal });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  await runController({ name: "endpoint", queue, sync, workers: 5, signal: ctx.signal, caches });
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The endpoints controller. Needs list/watch on services, pods and endpoints, and
 * create/update/delete on endpoints and events.
 */
export const endpointController: Controller = { name: "endpoint", run };
