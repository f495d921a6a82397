// The Deployment controller. For each Deployment it claims the ReplicaSets its selector matches
// (adopting orphans, releasing ones that stopped matching), asks planDeploymentSync for one
// rollout step — create the new ReplicaSet `<deployment>-<pod-template-hash>`, scale new and old
// ones within maxSurge/maxUnavailable (RollingUpdate) or old-then-new (Recreate), proportional
// scaling on `kubectl scale`, revision annotations, revisionHistoryLimit cleanup, status and
// conditions — and performs its writes in order. The ReplicaSet controller's status updates
// bring the next step; `kubectl rollout status|history|undo` read what this writes.

import { jsonEqual } from "../../api/json.js";
import type { Deployment, Pod, ReplicaSet } from "../../api/types.js";
import type { EventRecorder, Informer, KubeClient, WorkQueue as Queue } from "../../client/index.js";
import { WorkQueue, isNotFound, keyOf, objectKey, objectOf, runController, splitObjectKey } from "../../client/index.js";
import type { Controller, ControllerContext } from "../controller-context.js";
import { resource } from "../controller-context.js";
import { claimObjects, controllerOf } from "./claim.js";
import { applyClaim } from "./claim-writes.js";
import { performDeploymentActions } from "./deployment-actions.js";
import type { DeploymentStatus } from "./deployment-status.js";
import { progressRecheckAfter } from "./deployment-status.js";
import { planDeploymentSync } from "./deployment-sync.js";
import { fromMetaSelector, selectorMatches } from "./owner-selector.js";
import { newControllerRef } from "./pod-template.js";
import { isRollingUpdate } from "./revisions.js";

const deploymentKind = { ownerKind: "Deployment", apiVersion: "apps/v1" };

/**
 * The "deployment" controller. Contract: handlers only enqueue Deployment keys (a Deployment's
 * own changes, its ReplicaSets' changes, orphan ReplicaSets its selector matches, and — for
 * Recreate — its pods going away); `sync(key)` re-reads the listers, performs one
 * planDeploymentSync pass and stops at the first failed write (retried with backoff; a stale
 * cache shows up as a Conflict). Events come from "deployment-controller".
 */
export const deploymentController: Controller = {
  name: "deployment",
  async run(ctx) {
    const deployments = ctx.factory.informerFor<Deployment>(resource("apps", "v1", "deployments"));
    const replicaSets = ctx.factory.informerFor<ReplicaSet>(resource("apps", "v1", "replicasets"));
    const pods = ctx.factory.informerFor<Pod>(resource("", "v1", "pods"));
    const queue = new WorkQueue<string>({ clock: ctx.clock });
    registerHandlers({ deployments, replicaSets, pods, queue });
    const sync = new DeploymentSync({
      deployments,
      replicaSets,
      pods,
      queue,
      clock: ctx.clock,
      recorder: ctx.recorder("deployment-controller"),
      deploymentClient: ctx.client<Deployment>(resource("apps", "v1", "deployments")),
      rsClient: ctx.client<ReplicaSet>(resource("apps", "v1", "replicasets")),
    });
    await runController({ name: "deployment", queue, workers: 5, signal: ctx.signal, caches: [deployments, replicaSets, pods], sync: (key) => sync.sync(key) });
  },
};

interface Informers {
  deployments: Informer<Deployment>;
  replicaSets: Informer<ReplicaSet>;
  pods: Informer<Pod>;
  queue: Queue<string>;
}

function registerHandlers({ deployments, replicaSets, pods, queue }: Informers): void {
  const ownerOf = (rs: ReplicaSet, ref = controllerOf(rs)): Deployment | undefined => {
    if (!ref || ref.kind !== "Deployment") return undefined;
    const d = deployments.lister.get(rs.metadata.namespace, ref.name);
    return d?.metadata.uid === ref.uid ? d : undefined;
  };
  const enqueueOwner = (rs: ReplicaSet, ref = controllerOf(rs)): void => {
    const d = ownerOf(rs, ref);
    if (d) queue.add(objectKey(d));
  };
  const enqueueSelecting = (rs: ReplicaSet): void => {
    for (const d of deployments.lister.list(rs.metadata.namespace)) {
      let sel;
      try {
        sel = fromMetaSelector(d.spec.selector);
      } catch {
        continue;
      }
      if (sel && sel.length > 0 && selectorMatches(sel, rs.metadata.labels)) queue.add(objectKey(d));
    }
  };

  deployments.addEventHandler({
    onAdd: (d) => queue.add(keyOf(d)),
    onUpdate: (_old, d) => queue.add(keyOf(d)),
    onDelete: (d) => queue.add(keyOf(d)),
  });
  replicaSets.addEventHandler({
    onAdd(rs) {
      if (controllerOf(rs)) enqueueOwner(rs);
      else if (!rs.metadata.deletionTimestamp) enqueueSelecting(rs);
    },
    onUpdate(old, rs) {
      if (old.metadata.resourceVersion === rs.metadata.resourceVersion) return;
      const oldRef = controllerOf(old);
      const ref = controllerOf(rs);
      const refChanged = !jsonEqual(oldRef ?? null, ref ?? null);
      if (refChanged && oldRef) enqueueOwner(old, oldRef);
      if (ref) {
        enqueueOwner(rs, ref);
        return;
      }
      const labelsChanged = !jsonEqual(old.metadata.labels ?? {}, rs.metadata.labels ?? {});
      if (labelsChanged || refChanged) enqueueSelecting(rs);
    },
    onDelete: (obj) => enqueueOwner(objectOf(obj)),
  });
  pods.addEventHandler({
    // Recreate waits for the old pods to be gone before it creates new ones.
    onDelete(obj) {
      const pod = objectOf(obj);
      const ref = controllerOf(pod);
      if (!ref || ref.kind !== "ReplicaSet") return;
      const rs = replicaSets.lister.get(pod.metadata.namespace, ref.name);
      if (!rs || rs.metadata.uid !== ref.uid) return;
      const d = ownerOf(rs);
      if (d && !isRollingUpdate(d)) queue.add(objectKey(d));
    },
  });
}

interface SyncDeps extends Informers {
  clock: ControllerContext["clock"];
  recorder: EventRecorder;
  deploymentClient: KubeClient<Deployment>;
  rsClient: KubeClient<ReplicaSet>;
}

/** One Deployment's reconciliation; see deploymentController for the contract. */
class DeploymentSync {
  readonly #d: SyncDeps;

  constructor(deps: SyncDeps) {
    this.#d = deps;
  }

  async sync(key: string): Promise<void> {
    const deps = this.#d;
    const { namespace, name } = splitObjectKey(key);
    const d = deps.deployments.lister.get(namespace, name);
    if (!d) return;
    let selector;
    try {
      selector = fromMetaSelector(d.spec.selector);
    } catch (e) {
      console.warn(`svcnet: deployment ${key}: invalid selector:`, e instanceof Error ? e.message : e);
      return;
    }
    const claim = claimObjects(d, deps.replicaSets.lister.list(namespace), { selector });
    const owned = await applyClaim(claim, {
      client: deps.rsClient,
      ref: newControllerRef(d, deploymentKind),
      readOwner: () => this.#readFresh(namespace, name),
    });
    const ownedUids = new Set(owned.map((rs) => rs.metadata.uid));
    const pods = isRollingUpdate(d) ? [] : deps.pods.lister.list(namespace).filter((p) => ownedUids.has(controllerOf(p)?.uid));
    const now = new Date(deps.clock.now());
    const actions = planDeploymentSync(d, owned, { now, pods });
    const outcome = await performDeploymentActions(d, actions, {
      deployments: deps.deploymentClient,
      replicaSets: deps.rsClient,
      recorder: deps.recorder,
      now,
    });
    if (outcome.requeue) deps.queue.add(key);
    const status: DeploymentStatus = outcome.status ?? d.status ?? {};
    const recheck = progressRecheckAfter(d, status, now);
    if (recheck !== undefined) deps.queue.addAfter(key, recheck);
  }

  async #readFresh(namespace: string | undefined, name: string): Promise<Deployment | undefined> {
    try {
      return await this.#d.deploymentClient.get(namespace, name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}
