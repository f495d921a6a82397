// Deployment revision bookkeeping: the revision annotation of each ReplicaSet, the next
// revision number, the annotations the new ReplicaSet carries (copied Deployment annotations,
// revision, revision-history, desired/max replicas), and which old ReplicaSets the
// revisionHistoryLimit lets the controller delete. `kubectl rollout history|undo` read exactly
// these annotations.

import type { Deployment, ReplicaSet } from "../../api/types.js";
import { resolveFenceposts } from "./int-or-percent.js";
import {
  ANNOTATIONS_NOT_COPIED,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  parseTime,
} from "./workload-types.js";

/** Upstream caps the revision-history annotation at this many characters. */
export const MAX_REVISION_HISTORY_CHARS = 2000;
const MAX_INT32 = 2147483647;

function parseInt64(v: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(v) ? Number(v) : undefined;
}

/** The revision annotation as a number: 0 when absent, undefined when not an integer. */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number | undefined {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION];
  return v === undefined ? 0 : parseInt64(v);
}

/** The highest revision among the ReplicaSets (unparsable ones skipped), 0 if none. */
export function maxRevision(replicaSets: readonly ReplicaSet[]): number {
  let max = 0;
  for (const rs of replicaSets) {
    const v = revisionOf(rs);
    if (v !== undefined && v > max) max = v;
  }
  return max;
}

/** The second-highest revision (the one before the current), 0 if none. */
export function lastRevision(replicaSets: readonly ReplicaSet[]): number {
  let max = 0;
  let second = 0;
  for (const rs of replicaSets) {
    const v = revisionOf(rs);
    if (v === undefined) continue;
    if (v >= max) {
      second = max;
      max = v;
    } else if (v > second) {
      second = v;
    }
  }
  return second;
}

/** The revision a new (or re-used) ReplicaSet gets: max revision of the old ones + 1, as a string. */
export function nextRevision(oldReplicaSets: readonly ReplicaSet[]): string {
  return String(maxRevision(oldReplicaSets) + 1);
}

/** spec.replicas and spec.replicas + maxSurge of a Deployment, for the replicas annotations. */
export function replicasAnnotationValues(d: Deployment): { desired: number; max: number } {
  const replicas = d.spec.replicas ?? 1;
  return { desired: replicas, max: replicas + maxSurgeOf(d) };
}

/** MaxSurge of a Deployment: 0 unless its strategy is RollingUpdate. */
export function maxSurgeOf(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, d.spec.replicas ?? 1).surge;
}

/** MaxUnavailable of a Deployment: 0 unless RollingUpdate with replicas > 0, never above replicas. */
export function maxUnavailableOf(d: Deployment): number {
  const replicas = d.spec.replicas ?? 1;
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  return Math.min(resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas).unavailable, replicas);
}

/** True for the RollingUpdate strategy (the default when no type is set). */
export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? "RollingUpdate") === "RollingUpdate";
}

/** True when the desired/max replicas annotations differ from what `d` would write. */
export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, d: Deployment): boolean {
  const { desired, max } = replicasAnnotationValues(d);
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** Options of newReplicaSetAnnotations. */
export interface NewRSAnnotationOptions {
  /** False when the ReplicaSet is about to be created: also writes desired/max replicas. */
  exists: boolean;
  /** Cap of the revision-history annotation (default 2000 characters). */
  maxHistoryChars?: number;
}

/**
 * SetNewReplicaSetAnnotations, without mutation: the annotations the new ReplicaSet should carry
 * and whether they differ. Copies the Deployment's annotations (except ANNOTATIONS_NOT_COPIED),
 * raises the revision to `newRevision` when it is higher — recording the previous revision in
 * revision-history when the ReplicaSet already had one (a rollback re-using it) — and for a
 * ReplicaSet about to be created sets desired-replicas and max-replicas.
 */
export function newReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: string, opts: NewRSAnnotationOptions): { annotations: Record<string, string>; changed: boolean } {
  const a: Record<string, string> = { ...(rs.metadata.annotations ?? {}) };
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_NOT_COPIED.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const hadRevision = Object.hasOwn(a, REVISION_ANNOTATION);
  const oldRevision = a[REVISION_ANNOTATION] ?? "";
  let oldInt = 0;
  if (oldRevision !== "") {
    const parsed = parseInt64(oldRevision);
    if (parsed === undefined) return { annotations: a, changed: false };
    oldInt = parsed;
  }
  const newInt = parseInt64(newRevision);
  if (newInt === undefined) return { annotations: a, changed: false };
  if (oldInt < newInt) {
    a[REVISION_ANNOTATION] = newRevision;
    changed = true;
    if (hadRevision) appendHistory(a, oldRevision, opts.maxHistoryChars ?? MAX_REVISION_HISTORY_CHARS);
  }
  if (!opts.exists) {
    const { desired, max } = replicasAnnotationValues(d);
    if (a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max)) changed = true;
    a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    a[MAX_REPLICAS_ANNOTATION] = String(max);
  }
  return { annotations: a, changed };
}

function appendHistory(a: Record<string, string>, oldRevision: string, limit: number): void {
  const history = a[REVISION_HISTORY_ANNOTATION] ?? "";
  const parts = history.split(",");
  if (parts[0].length === 0) {
    a[REVISION_HISTORY_ANNOTATION] = oldRevision;
    return;
  }
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > limit && start < parts.length) {
    total -= parts[start].length + 1;
    start++;
  }
  if (total <= limit) a[REVISION_HISTORY_ANNOTATION] = [...parts.slice(start), oldRevision].join(",");
}

/** Orders ReplicaSets oldest first by creationTimestamp, then by name (ReplicaSetsByCreationTimestamp). */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const ta = parseTime(a.metadata.creationTimestamp) ?? 0;
  const tb = parseTime(b.metadata.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata.name ?? "";
  const nb = b.metadata.name ?? "";
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Orders ReplicaSets by revision, falling back to creation order (ReplicaSetsByRevision). */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a);
  const rb = revisionOf(b);
  if (ra === undefined || rb === undefined || ra === rb) return byCreation(a, b);
  return ra - rb;
}

/**
 * cleanupDeployment: the old ReplicaSets to delete so that at most revisionHistoryLimit old ones
 * remain — the lowest revisions first, but only those scaled to 0 with no pods, whose status has
 * caught up with their generation, and that are not already being deleted. Nothing when the
 * Deployment has no limit.
 */
export function oldReplicaSetsToDelete(d: Deployment, oldReplicaSets: readonly ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec.revisionHistoryLimit;
  if (limit === undefined || limit === MAX_INT32) return [];
  const cleanable = oldReplicaSets.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return [];
  const sorted = [...cleanable].sort(byRevision);
  const out: ReplicaSet[] = [];
  for (const rs of sorted.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec.replicas ?? 1) !== 0) continue;
    if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    out.push(rs);
  }
  return out;
}
