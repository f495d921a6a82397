// The status a Deployment controller writes (calculateStatus + syncRolloutStatus +
// checkPausedConditions): counts summed from its ReplicaSets' statuses, the Available condition,
// the Progressing condition with upstream's reasons and messages, and ReplicaFailure promoted
// from a ReplicaSet. `kubectl rollout status` reads exactly these fields.

import { jsonEqual } from "../../api/json.js";
import type { Deployment, ReplicaSet } from "../../api/types.js";
import { actualReplicas, availableReplicas, readyReplicas, replicasOf, specReplicas } from "./deployment.js";
import { maxUnavailableOf } from "./revisions.js";
import { DeploymentReason, formatTime, parseTime, type DeploymentCondition } from "./workload-types.js";

/** The status of a Deployment, in its wire shape (conditions carry lastUpdateTime). */
export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

const MAX_INT32 = 2147483647;

/** progressDeadlineSeconds is set and not "infinite" (MaxInt32). */
export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec.progressDeadlineSeconds;
  return s !== undefined && s !== MAX_INT32;
}

/** The condition of `type`, if present. */
export function deploymentCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * SetDeploymentCondition, without mutation: keeps the existing condition untouched when status
 * and reason are the same, keeps its lastTransitionTime when only the reason changes, and
 * otherwise replaces it (the new condition goes last).
 */
export function withCondition(status: DeploymentStatus, cond: DeploymentCondition): DeploymentStatus {
  const current = deploymentCondition(status, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return status;
  const next = { ...cond };
  if (current && current.status === cond.status) next.lastTransitionTime = current.lastTransitionTime;
  return { ...status, conditions: [...(status.conditions ?? []).filter((c) => c.type !== cond.type), next] };
}

/** The status without the condition of `type`. */
export function withoutCondition(status: DeploymentStatus, type: string): DeploymentStatus {
  const rest = (status.conditions ?? []).filter((c) => c.type !== type);
  const out: DeploymentStatus = { ...status, conditions: rest };
  if (rest.length === 0) delete out.conditions;
  return out;
}

/** A new condition stamped `now` (lastUpdateTime = lastTransitionTime = now). */
export function newDeploymentCondition(type: string, status: DeploymentCondition["status"], reason: string, message: string, now: Date): DeploymentCondition {
  const t = formatTime(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** Options of the status functions. */
export interface StatusOptions {
  /** The Deployment's new ReplicaSet (counted as updated), if it exists. */
  newRS?: ReplicaSet;
  now: Date;
}

/**
 * calculateStatus: observedGeneration = metadata.generation; replicas, readyReplicas,
 * availableReplicas summed from the ReplicaSets' statuses; updatedReplicas = the new
 * ReplicaSet's status.replicas; unavailableReplicas = Σ spec.replicas - available (never < 0);
 * the existing conditions plus Available True (MinimumReplicasAvailable) when available >=
 * replicas - maxUnavailable, else False (MinimumReplicasUnavailable).
 */
export function calculateDeploymentStatus(d: Deployment, allRSs: readonly ReplicaSet[], opts: StatusOptions): DeploymentStatus {
  const available = availableReplicas(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicas(allRSs),
    updatedReplicas: actualReplicas([opts.newRS]),
    readyReplicas: readyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicas(allRSs) - available),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  const existing = (d.status?.conditions ?? []) as DeploymentCondition[];
  if (existing.length) status.conditions = existing.map((c) => ({ ...c }));
  const cond =
    available >= replicasOf(d) - maxUnavailableOf(d)
      ? newDeploymentCondition("Available", "True", DeploymentReason.MinimumReplicasAvailable, "Deployment has minimum availability.", opts.now)
      : newDeploymentCondition("Available", "False", DeploymentReason.MinimumReplicasUnavailable, "Deployment does not have minimum availability.", opts.now);
  return withCondition(status, cond);
}

const COUNT_FIELDS = ["observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"] as const;

/** The status as the API serializes it: zero counts omitted (they are omitempty upstream). */
export function compactDeploymentStatus(s: DeploymentStatus): DeploymentStatus {
  const out = { ...s };
  for (const k of COUNT_FIELDS) if (!out[k]) delete out[k];
  return out;
}

/** True when writing `b` over `a` changes nothing (absent and zero counts are equal). */
export function deploymentStatusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  const norm = (s: DeploymentStatus | undefined): unknown => ({ ...Object.fromEntries(COUNT_FIELDS.map((k) => [k, s?.[k] ?? 0])), conditions: s?.conditions ?? [], collisionCount: s?.collisionCount });
  return jsonEqual(norm(a), norm(b));
}

/** DeploymentComplete: every replica updated, no old ones left, all available, generation observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const r = replicasOf(d);
  return (s.updatedReplicas ?? 0) === r && (s.replicas ?? 0) === r && (s.availableReplicas ?? 0) === r && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available than before. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** DeploymentTimedOut: the Progressing condition was last updated more than the deadline ago. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = deploymentCondition(s, "Progressing");
  if (!c || c.reason === DeploymentReason.NewReplicaSetAvailable) return false;
  if (c.reason === DeploymentReason.ProgressDeadlineExceeded) return true;
  const from = parseTime(c.lastUpdateTime) ?? 0;
  return from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 < now.getTime();
}

/**
 * syncRolloutStatus: calculateDeploymentStatus, then the Progressing condition — removed when
 * there is no deadline; left alone once the rollout completed (NewReplicaSetAvailable) and no old
 * replicas remain; otherwise NewReplicaSetAvailable `ReplicaSet "<rs>" has successfully
 * progressed.` when complete, ReplicaSetUpdated `ReplicaSet "<rs>" is progressing.` (refreshing
 * lastUpdateTime) when progress was made, ProgressDeadlineExceeded `ReplicaSet "<rs>" has timed
 * out progressing.` when the deadline passed — and finally the ReplicaFailure condition of the
 * new ReplicaSet (or else of any ReplicaSet), removed when none has one.
 */
export function deploymentStatus(d: Deployment, allRSs: readonly ReplicaSet[], opts: StatusOptions): DeploymentStatus {
  let s = calculateDeploymentStatus(d, allRSs, opts);
  if (!hasProgressDeadline(d)) s = withoutCondition(s, "Progressing");
  const current = deploymentCondition(d.status, "Progressing");
  const complete = s.replicas === s.updatedReplicas && current?.reason === DeploymentReason.NewReplicaSetAvailable;
  const subject = opts.newRS ? `ReplicaSet "${opts.newRS.metadata.name ?? ""}"` : `Deployment "${d.metadata.name ?? ""}"`;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, s)) {
      s = withCondition(s, newDeploymentCondition("Progressing", "True", DeploymentReason.NewReplicaSetAvailable, `${subject} has successfully progressed.`, opts.now));
    } else if (deploymentProgressing(d, s)) {
      const cond = newDeploymentCondition("Progressing", "True", DeploymentReason.ReplicaSetUpdated, `${subject} is progressing.`, opts.now);
      if (current) {
        if (current.status === "True") cond.lastTransitionTime = current.lastTransitionTime;
        s = withoutCondition(s, "Progressing");
      }
      s = withCondition(s, cond);
    } else if (deploymentTimedOut(d, s, opts.now)) {
      s = withCondition(s, newDeploymentCondition("Progressing", "False", DeploymentReason.ProgressDeadlineExceeded, `${subject} has timed out progressing.`, opts.now));
    }
  }
  const failure = replicaFailure(allRSs, opts.newRS);
  return compactDeploymentStatus(failure ? withCondition(s, failure) : withoutCondition(s, "ReplicaFailure"));
}

function replicaFailure(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentCondition | undefined {
  const fromRS = (rs: ReplicaSet | undefined): DeploymentCondition | undefined => {
    const c = rs?.status?.conditions?.find((x) => x.type === "ReplicaFailure");
    return c && { type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
  };
  return fromRS(newRS) ?? allRSs.map(fromRS).find((c) => c !== undefined);
}

/**
 * checkPausedConditions: the status with Progressing Unknown DeploymentPaused "Deployment is
 * paused" when paused, or DeploymentResumed "Deployment is resumed" when resumed after a pause;
 * undefined when nothing changes (no deadline, already timed out, or no transition).
 */
export function pausedConditionStatus(d: Deployment, now: Date): DeploymentStatus | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const c = deploymentCondition(d.status, "Progressing");
  if (c?.reason === DeploymentReason.ProgressDeadlineExceeded) return undefined;
  const pausedCond = c?.reason === DeploymentReason.DeploymentPaused;
  const base: DeploymentStatus = { ...(d.status ?? {}), conditions: ((d.status?.conditions ?? []) as DeploymentCondition[]).map((x) => ({ ...x })) };
  if (d.spec.paused && !pausedCond) return withCondition(base, newDeploymentCondition("Progressing", "Unknown", DeploymentReason.DeploymentPaused, "Deployment is paused", now));
  if (!d.spec.paused && pausedCond) return withCondition(base, newDeploymentCondition("Progressing", "Unknown", DeploymentReason.DeploymentResumed, "Deployment is resumed", now));
  return undefined;
}

/**
 * requeueStuckDeployment: when the controller should look again to notice a missed progress
 * deadline — undefined without a deadline or Progressing condition, or once complete or timed
 * out; 0 (now) when under a second remains; otherwise the remaining time plus one second (ms).
 */
export function progressRecheckAfter(d: Deployment, newStatus: DeploymentStatus, now: Date): number | undefined {
  const current = deploymentCondition(d.status, "Progressing");
  if (!hasProgressDeadline(d) || !current) return undefined;
  if (deploymentComplete(d, newStatus) || current.reason === DeploymentReason.ProgressDeadlineExceeded) return undefined;
  const after = (parseTime(current.lastUpdateTime) ?? 0) + (d.spec.progressDeadlineSeconds ?? 0) * 1000 - now.getTime();
  return after < 1000 ? 0 : after + 1000;
}
