// The ReplicationController and ReplicaSet controllers: one generic replica controller,
// parameterised by the owner kind, as upstream runs the RC controller through the ReplicaSet
// code. For each owner it claims the active pods its selector matches (adopting orphans,
// releasing pods that stopped matching), creates or deletes pods until spec.replicas are
// active — unless expectations say its own earlier writes have not reached the cache yet — and
// writes status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas,
// observedGeneration, ReplicaFailure) through /status.

import { jsonEqual } from "../../api/json.js";
import type { ResourceInfo } from "../../api/resources.js";
import { groupVersionOf } from "../../api/resources.js";
import type { LabelSelector } from "../../api/selectors/label-selector.js";
import type { Pod } from "../../api/types.js";
import type { Informer } from "../../client/index.js";
import { WorkQueue, keyOf, objectKey, objectOf, runController } from "../../client/index.js";
import type { Controller, ControllerContext } from "../controller-context.js";
import { resource } from "../controller-context.js";
import { controllerOf } from "./claim.js";
import { Expectations } from "./expectations.js";
import { selectorMatches, selectorOf } from "./owner-selector.js";
import { isPodReady } from "./pod-state.js";
import { DEFAULT_BURST_REPLICAS } from "./replica-decisions.js";
import { ReplicaSync } from "./replica-sync.js";
import type { PodOwner } from "./workload-types.js";

/** How one replica controller is parameterised. */
export interface ReplicaControllerOptions {
  /** The --controllers name: "replicationcontroller" or "replicaset". */
  name: string;
  /** The owner kind, written into ownerReferences. */
  kind: "ReplicationController" | "ReplicaSet";
  /** The owner resource (its group/version is the ownerReferences apiVersion). */
  resource: ResourceInfo;
  /** Source component of its Events: "replication-controller", "replicaset-controller". */
  component: string;
  /** Concurrent syncs; default 5 (kube-controller-manager's --concurrent-*-syncs). */
  workers?: number;
  /** Most pods created or deleted in one sync; default 500. */
  burstReplicas?: number;
}

/** Selector of an owner, or null (selects nothing) when it cannot be parsed. */
function safeSelector(owner: PodOwner): LabelSelector | null {
  try {
    return selectorOf(owner);
  } catch {
    return null;
  }
}

/**
 * A Controller for ReplicationControllers or ReplicaSets. Contract (upstream's): handlers only
 * enqueue owner keys and account for observed pod creations/deletions; `sync(key)` reads the
 * listers, claims, manages replicas only when the owner's expectations are satisfied and it is
 * not being deleted, writes status only when it changed, and fails (to be retried) when a pod
 * write or an adoption failed. Pods are named `<owner>-<random>` by the API server's generateName.
 */
export function replicaController(o: ReplicaControllerOptions): Controller {
  return { name: o.name, run: (ctx) => runReplicaController(ctx, o) };
}

async function runReplicaController(ctx: ControllerContext, o: ReplicaControllerOptions): Promise<void> {
  const owners = ctx.factory.informerFor<PodOwner>(o.resource);
  const pods = ctx.factory.informerFor<Pod>(resource("", "v1", "pods"));
  const queue = new WorkQueue<string>({ clock: ctx.clock });
  const expectations = new Expectations({ clock: ctx.clock });
  const ownerKind = { ownerKind: o.kind, apiVersion: groupVersionOf(o.resource) };
  const sync = new ReplicaSync({
    owners: owners.lister,
    pods: pods.lister,
    requeueAfter: (key, ms) => queue.addAfter(key, ms),
    expectations,
    clock: ctx.clock,
    control: { pods: ctx.client<Pod>(resource("", "v1", "pods")), recorder: ctx.recorder(o.component), expectations, kind: ownerKind },
    ownerClient: ctx.client<PodOwner>(o.resource),
    burstReplicas: o.burstReplicas ?? DEFAULT_BURST_REPLICAS,
  });
  registerHandlers({ owners, pods, queue, expectations, kind: o.kind });
  await runController({ name: o.name, queue, workers: o.workers ?? 5, signal: ctx.signal, caches: [owners, pods], sync: (key) => sync.sync(key) });
}

interface HandlerDeps {
  owners: Informer<PodOwner>;
  pods: Informer<Pod>;
  queue: WorkQueue<string>;
  expectations: Expectations;
  kind: string;
}

function registerHandlers(h: HandlerDeps): void {
  const { owners, pods, queue, expectations } = h;
  /** The owner a controller reference names, if it is ours and still the same object. */
  const resolve = (ns: string | undefined, ref: ReturnType<typeof controllerOf>): PodOwner | undefined => {
    if (!ref || ref.kind !== h.kind) return undefined;
    const owner = owners.lister.get(ns, ref.name);
    return owner?.metadata.uid === ref.uid ? owner : undefined;
  };
  /** Orphans: every owner whose (non-empty) selector matches. */
  const enqueueSelecting = (pod: Pod): void => {
    for (const owner of owners.lister.list(pod.metadata.namespace)) {
      const sel = safeSelector(owner);
      if (sel && sel.length > 0 && selectorMatches(sel, pod.metadata.labels)) queue.add(objectKey(owner));
    }
  };
  const podGone = (pod: Pod): void => {
    const owner = resolve(pod.metadata.namespace, controllerOf(pod));
    if (!owner) return;
    const key = objectKey(owner);
    expectations.deletionObserved(key, objectKey(pod));
    queue.add(key);
  };

  owners.addEventHandler({
    onAdd: (obj) => queue.add(keyOf(obj)),
    onUpdate: (_old, obj) => queue.add(keyOf(obj)),
    onDelete: (obj) => queue.add(keyOf(obj)),
  });
  pods.addEventHandler({
    onAdd(pod) {
      if (pod.metadata.deletionTimestamp) {
        podGone(pod);
        return;
      }
      const ref = controllerOf(pod);
      if (ref) {
        const owner = resolve(pod.metadata.namespace, ref);
        if (!owner) return;
        const key = objectKey(owner);
        expectations.creationObserved(key);
        queue.add(key);
        return;
      }
      enqueueSelecting(pod);
    },
    onUpdate(old, pod) {
      if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
      const labelsChanged = !jsonEqual(old.metadata.labels ?? {}, pod.metadata.labels ?? {});
      if (pod.metadata.deletionTimestamp) {
        podGone(pod);
        if (labelsChanged) podGone(old);
        return;
      }
      const oldRef = controllerOf(old);
      const ref = controllerOf(pod);
      const refChanged = !jsonEqual(oldRef ?? null, ref ?? null);
      if (refChanged && oldRef) {
        const previous = resolve(old.metadata.namespace, oldRef);
        if (previous) queue.add(objectKey(previous));
      }
      if (ref) {
        const owner = resolve(pod.metadata.namespace, ref);
        if (!owner) return;
        const key = objectKey(owner);
        queue.add(key);
        const minReady = owner.spec.minReadySeconds ?? 0;
        if (minReady > 0 && !isPodReady(old) && isPodReady(pod)) queue.addAfter(key, minReady * 1000 + 1000);
        return;
      }
      if (labelsChanged || refChanged) enqueueSelecting(pod);
    },
    onDelete: (obj) => {
      const pod = objectOf(obj);
      const owner = resolve(pod.metadata.namespace, controllerOf(pod));
      if (!owner) return;
      const key = objectKey(owner);
      expectations.deletionObserved(key, keyOf(obj));
      queue.add(key);
    },
  });
}
