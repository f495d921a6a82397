// The reconciliation of one ReplicationController or ReplicaSet, over listers and clients so it
// can be driven directly in tests: claim the active pods, create or delete pods within the
// owner's expectations, and write status. replication-controller.ts wires it to informers and
// a work queue.

import type { LabelSelector } from "../../api/selectors/label-selector.js";
import type { Pod } from "../../api/types.js";
import type { Clock, KubeClient, Lister } from "../../client/index.js";
import { isConflict, isNotFound, retryOnConflict, splitObjectKey } from "../../client/index.js";
import { claimObjects, controllerOf } from "./claim.js";
import { applyClaim } from "./claim-writes.js";
import type { Expectations } from "./expectations.js";
import { selectorOf } from "./owner-selector.js";
import { isPodActive } from "./pod-state.js";
import { newControllerRef } from "./pod-template.js";
import { createPods, deletePods, type PodControl } from "./replica-pod-control.js";
import { availabilityRecheckAfter, manageReplicas, replicaStatus, statusEqual } from "./replica-decisions.js";
import type { PodOwner } from "./workload-types.js";

/** What a ReplicaSync reads and writes through. */
export interface ReplicaSyncDeps {
  /** The owners' cache (ReplicationControllers or ReplicaSets). */
  owners: Lister<PodOwner>;
  /** The pods' cache. */
  pods: Lister<Pod>;
  /** Asks for another sync of `key` after `ms` (to see pods turn available). */
  requeueAfter(key: string, ms: number): void;
  /** Shared with the pod handlers, which report observed creations and deletions. */
  expectations: Expectations;
  clock: Clock;
  /** Pod writes and Events. */
  control: PodControl;
  /** The owners' client, for status writes and fresh reads. */
  ownerClient: KubeClient<PodOwner>;
  /** Most pods created or deleted in one sync. */
  burstReplicas: number;
}

/**
 * The sync of one ReplicationController or ReplicaSet key (upstream's syncReplicaSet). Contract:
 * reads only the listers (plus a fresh GET of the owner before adopting or after a status
 * conflict); an owner missing from the cache has its expectations forgotten; pods are claimed
 * among the active ones; creations/deletions happen only when the owner's expectations are
 * satisfied and it is not being deleted; status is written through /status only when it
 * changed; rejects when a pod write or an adoption failed, so the key is retried.
 */
export class ReplicaSync {
  readonly #d: ReplicaSyncDeps;

  constructor(deps: ReplicaSyncDeps) {
    this.#d = deps;
  }

  async sync(key: string): Promise<void> {
    const d = this.#d;
    const { namespace, name } = splitObjectKey(key);
    const owner = d.owners.get(namespace, name);
    if (!owner) {
      d.expectations.forget(key);
      return;
    }
    const needsSync = d.expectations.satisfied(key);
    let selector: LabelSelector | null;
    try {
      selector = selectorOf(owner);
    } catch (e) {
      // A selector the API should have refused: nothing sensible to do until it is fixed.
      console.warn(`svcnet: ${owner.kind ?? ""} ${key}: invalid selector:`, e instanceof Error ? e.message : e);
      return;
    }
    const active = d.pods.list(namespace).filter(isPodActive);
    const claim = claimObjects(owner, active, { selector });
    const mine = await applyClaim(claim, {
      client: d.control.pods,
      ref: newControllerRef(owner, d.control.kind),
      readOwner: () => this.#readFresh(namespace, name),
    });

    let manageError: string | undefined;
    if (needsSync && !owner.metadata.deletionTimestamp) manageError = await this.#manage(owner, key, mine);

    const status = await this.#writeStatus(owner, mine, manageError);
    const recheck = availabilityRecheckAfter(owner, status, manageError);
    if (recheck !== undefined) d.requeueAfter(key, recheck);
    if (manageError !== undefined) throw new Error(manageError);
  }

  async #manage(owner: PodOwner, key: string, mine: readonly Pod[]): Promise<string | undefined> {
    const d = this.#d;
    const action = manageReplicas(owner.spec.replicas ?? 1, mine, {
      burstReplicas: d.burstReplicas,
      related: this.#relatedPods(owner),
      now: new Date(d.clock.now()),
    });
    if ("delete" in action) return deletePods(d.control, owner, key, action.delete);
    if (action.create > 0) return createPods(d.control, owner, key, action.create);
    return undefined;
  }

  /** For a Deployment's ReplicaSet: the pods of every ReplicaSet that Deployment controls. */
  #relatedPods(owner: PodOwner): Pod[] | undefined {
    const parent = controllerOf(owner);
    if (!parent) return undefined;
    const siblings = new Set(
      this.#d.owners
        .list(owner.metadata.namespace)
        .filter((o) => controllerOf(o)?.uid === parent.uid)
        .map((o) => o.metadata.uid),
    );
    return this.#d.pods.list(owner.metadata.namespace).filter((p) => siblings.has(controllerOf(p)?.uid));
  }

  /** Writes the status when it changed; on a conflict re-reads the owner and recomputes. Returns the status. */
  async #writeStatus(cached: PodOwner, mine: readonly Pod[], manageError: string | undefined): Promise<ReturnType<typeof replicaStatus>> {
    const d = this.#d;
    let current: PodOwner = cached;
    let status = replicaStatus(current, mine, { now: new Date(d.clock.now()), manageError });
    try {
      await retryOnConflict(async () => {
        status = replicaStatus(current, mine, { now: new Date(d.clock.now()), manageError });
        if (statusEqual(current.status, status)) return;
        try {
          await d.ownerClient.updateStatus({ ...current, status } as PodOwner);
        } catch (e) {
          if (isConflict(e)) {
            const fresh = await this.#readFresh(cached.metadata.namespace, cached.metadata.name ?? "");
            if (!fresh || fresh.metadata.uid !== cached.metadata.uid) return;
            current = fresh;
          }
          throw e;
        }
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    return status;
  }

  async #readFresh(namespace: string | undefined, name: string): Promise<PodOwner | undefined> {
    try {
      return await this.#d.ownerClient.get(namespace, name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}
