// Performs the writes of one planDeploymentSync pass, in order, stopping at the first failure:
// ReplicaSet creates, updates and deletes, the Deployment's status (with its revision
// annotation), and the Events (ScalingReplicaSet, …). A create that collides with an existing
// ReplicaSet of the same name is resolved as upstream does: our own, identical ReplicaSet means
// the cache was behind (look again); anything else bumps status.collisionCount so the next pass
// hashes the template to another name.

import type { Deployment, ReplicaSet } from "../../api/types.js";
import type { EventRecorder, KubeClient } from "../../client/index.js";
import { isAlreadyExists, isNotFound } from "../../client/index.js";
import type { DeploymentStatus } from "./deployment-status.js";
import { hasProgressDeadline, newDeploymentCondition, withCondition } from "./deployment-status.js";
import type { DeploymentAction } from "./deployment-sync.js";
import { onReplicaSetNameConflict } from "./deployment-sync.js";
import { DeploymentReason } from "./workload-types.js";

/** Where the writes go. */
export interface DeploymentWriters {
  deployments: KubeClient<Deployment>;
  replicaSets: KubeClient<ReplicaSet>;
  recorder: EventRecorder;
  now: Date;
}

/** What a pass achieved. */
export interface ActionsOutcome {
  /** The status written, when the pass wrote one. */
  status?: DeploymentStatus;
  /** The pass stopped early on a stale cache and should run again. */
  requeue: boolean;
}

/**
 * Carries out `actions` for `d` (the cached Deployment the plan was made from; never mutated).
 * Rejects with the first failed write's error (after writing any Events recorded before it), so
 * the sync is retried; a NotFound on deleting an old ReplicaSet is not a failure.
 */
export async function performDeploymentActions(d: Deployment, actions: readonly DeploymentAction[], w: DeploymentWriters): Promise<ActionsOutcome> {
  const events: Promise<void>[] = [];
  const outcome: ActionsOutcome = { requeue: false };
  try {
    for (const a of actions) {
      switch (a.kind) {
        case "createReplicaSet":
          if (!(await createReplicaSet(d, a.replicaSet, w, events))) {
            outcome.requeue = true;
            return outcome;
          }
          break;
        case "updateReplicaSet":
          await w.replicaSets.update(a.replicaSet);
          break;
        case "deleteReplicaSet":
          try {
            const uid = a.replicaSet.metadata.uid;
            await w.replicaSets.delete(a.replicaSet.metadata.namespace, a.replicaSet.metadata.name ?? "", { preconditions: uid ? { uid } : undefined });
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
          break;
        case "updateDeploymentStatus":
          await w.deployments.updateStatus({ ...d, metadata: { ...d.metadata, annotations: a.annotations }, status: a.status });
          outcome.status = a.status;
          break;
        case "event":
          events.push(w.recorder.event(d, a.type, a.reason, a.message));
          break;
      }
    }
    return outcome;
  } finally {
    await Promise.all(events);
  }
}

/** Creates the new ReplicaSet; false when the pass should stop and look again (stale cache). */
async function createReplicaSet(d: Deployment, rs: ReplicaSet, w: DeploymentWriters, events: Promise<void>[]): Promise<boolean> {
  try {
    await w.replicaSets.create(rs);
    return true;
  } catch (e) {
    if (isAlreadyExists(e)) {
      const existing = await w.replicaSets.get(rs.metadata.namespace, rs.metadata.name ?? "");
      const decision = onReplicaSetNameConflict(d, existing);
      if ("adopt" in decision) return false;
      await w.deployments.updateStatus({ ...d, status: { ...(d.status ?? {}), collisionCount: decision.collisionCount } });
      throw e;
    }
    const msg = `Failed to create new replica set "${rs.metadata.name ?? ""}": ${e instanceof Error ? e.message : String(e)}`;
    if (hasProgressDeadline(d)) {
      const status = withCondition(d.status ?? {}, newDeploymentCondition("Progressing", "False", DeploymentReason.FailedRSCreate, msg, w.now));
      try {
        await w.deployments.updateStatus({ ...d, status });
      } catch {
        // The create's error is the one that matters; the sync is retried either way.
      }
    }
    events.push(w.recorder.event(d, "Warning", DeploymentReason.FailedRSCreate, msg));
    throw e;
  }
}
