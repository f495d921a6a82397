// The decisions of the ReplicationController / ReplicaSet controller (one code path upstream):
// how many pods to create or which to delete, in what batches, and the status to write.
// The controller feeds in the active pods it owns (after claiming) and performs the writes.

import { jsonEqual } from "../../api/json.js";
import { matchesLabels, selectorFromMap } from "../../api/selectors/label-selector.js";
import type { Pod, ReplicationController } from "../../api/types.js";
import { isPodActive, isPodAvailable, isPodReady } from "./pod-state.js";
import { podsToDelete, type RankOptions } from "./pod-ranking.js";
import { formatTime, type PodOwner } from "./workload-types.js";

/** Upstream's default cap on creations or deletions in one sync. */
export const DEFAULT_BURST_REPLICAS = 500;

/** The pods that count as replicas: not terminal and not being deleted (FilterActivePods). */
export function activePods(pods: readonly Pod[]): Pod[] {
  return pods.filter(isPodActive);
}

/** What one sync should do: create `create` pods (0 = nothing), or delete these pods. */
export type ReplicaAction = { create: number } | { delete: Pod[] };

/** Options of manageReplicas. */
export interface ManageOptions extends RankOptions {
  /** Most pods created or deleted in one sync (default 500). */
  burstReplicas?: number;
}

/**
 * Compares the desired replica count with the active owned pods: too few → create the
 * difference (at most burstReplicas); too many → delete that many (at most burstReplicas),
 * choosing them with the deletion ranking of pod-ranking.ts; equal → { create: 0 }.
 */
export function manageReplicas(desired: number, activeOwned: readonly Pod[], opts: ManageOptions = {}): ReplicaAction {
  const burst = opts.burstReplicas ?? DEFAULT_BURST_REPLICAS;
  const diff = activeOwned.length - desired;
  if (diff < 0) return { create: Math.min(-diff, burst) };
  if (diff > 0) return { delete: podsToDelete(activeOwned, Math.min(diff, burst), opts) };
  return { create: 0 };
}

/**
 * The batch sizes upstream's slowStartBatch uses to create `count` pods: 1, 2, 4, … (doubling,
 * starting at `initial`), the last one trimmed. The controller stops after a batch with a
 * failure and skips the rest.
 */
export function slowStartBatches(count: number, initial = 1): number[] {
  const out: number[] = [];
  let remaining = count;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    out.push(size);
    remaining -= size;
  }
  return out;
}

/** The status of a ReplicationController or ReplicaSet, in its wire shape (the two are alike). */
export type ReplicaStatus = NonNullable<ReplicationController["status"]>;

/** Options of replicaStatus. */
export interface ReplicaStatusOptions {
  now: Date;
  /** Overrides spec.minReadySeconds (defaults to the owner's). */
  minReadySeconds?: number;
  /** The error of this sync's creations/deletions, if any (sets the ReplicaFailure condition). */
  manageError?: string;
}

/**
 * The status to write after a sync over the owner's active pods: replicas, fullyLabeledReplicas
 * (pods carrying every template label), readyReplicas, availableReplicas, observedGeneration =
 * metadata.generation, and a ReplicaFailure condition (reason FailedCreate / FailedDelete,
 * message = the error) that appears on the first failed sync and is removed by the first
 * successful one. Zero counts are omitted, as the API serializes them.
 */
export function replicaStatus(owner: PodOwner, pods: readonly Pod[], opts: ReplicaStatusOptions): ReplicaStatus {
  const minReady = opts.minReadySeconds ?? owner.spec.minReadySeconds ?? 0;
  const templateSel = selectorFromMap(owner.spec.template?.metadata?.labels);
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    if (matchesLabels(templateSel, p.metadata.labels)) fullyLabeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, opts.now)) available++;
    }
  }
  let conditions = (owner.status?.conditions ?? []).map((c) => ({ ...c }));
  const failure = conditions.find((c) => c.type === "ReplicaFailure");
  if (opts.manageError !== undefined && !failure) {
    const diff = pods.length - (owner.spec.replicas ?? 1);
    const reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
    conditions.push({ type: "ReplicaFailure", status: "True", lastTransitionTime: formatTime(opts.now), reason, message: opts.manageError });
  } else if (opts.manageError === undefined && failure) {
    conditions = conditions.filter((c) => c.type !== "ReplicaFailure");
  }
  const status: ReplicaStatus = { replicas: pods.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  if (owner.metadata.generation) status.observedGeneration = owner.metadata.generation;
  if (conditions.length) status.conditions = conditions;
  return status;
}

function normalized(s: ReplicaStatus | undefined): Record<string, unknown> {
  return {
    replicas: s?.replicas ?? 0,
    fullyLabeledReplicas: s?.fullyLabeledReplicas ?? 0,
    readyReplicas: s?.readyReplicas ?? 0,
    availableReplicas: s?.availableReplicas ?? 0,
    observedGeneration: s?.observedGeneration ?? 0,
    conditions: s?.conditions ?? [],
  };
}

/** True when writing `b` over `a` would change nothing (absent and zero counts are equal). */
export function statusEqual(a: ReplicaStatus | undefined, b: ReplicaStatus | undefined): boolean {
  return jsonEqual(normalized(a), normalized(b));
}

/**
 * When the controller should sync again just to see pods become available: after
 * minReadySeconds (in ms), when every replica is ready but not all are available yet and the
 * sync had no error; undefined otherwise.
 */
export function availabilityRecheckAfter(owner: PodOwner, status: ReplicaStatus, manageError?: string): number | undefined {
  const minReady = owner.spec.minReadySeconds ?? 0;
  const replicas = owner.spec.replicas ?? 1;
  if (manageError !== undefined || minReady <= 0) return undefined;
  if ((status.readyReplicas ?? 0) === replicas && (status.availableReplicas ?? 0) !== replicas) return minReady * 1000;
  return undefined;
}
