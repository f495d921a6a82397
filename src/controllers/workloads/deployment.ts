// Deployment decisions over its ReplicaSets (pkg/controller/deployment): which ReplicaSet is new,
// the new ReplicaSet to create for a template, and how far to scale new and old ReplicaSets in a
// RollingUpdate or Recreate rollout. Only ReplicaSet specs and statuses are read (statuses are
// what the ReplicaSet controller reported), exactly as upstream, so a rollout moves one observed
// step at a time. Inputs are never mutated; plans name target replica counts, and
// scaledReplicaSet builds the object to write.

import { deepCopy, jsonEqual } from "../../api/json.js";
import type { Deployment, Pod, PodTemplateSpec, ReplicaSet } from "../../api/types.js";
import { controllerOf } from "./claim.js";
import { newControllerRef } from "./pod-template.js";
import { byCreation, isRollingUpdate, maxSurgeOf, maxUnavailableOf, newReplicaSetAnnotations, replicasAnnotationValues } from "./revisions.js";
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, POD_TEMPLATE_HASH_LABEL } from "./workload-types.js";

/** spec.replicas of a ReplicaSet or Deployment (the API defaults it to 1). */
export function replicasOf(obj: ReplicaSet | Deployment): number {
  return obj.spec.replicas ?? 1;
}

function sum(rss: readonly (ReplicaSet | undefined)[], f: (rs: ReplicaSet) => number): number {
  return rss.reduce((n, rs) => n + (rs ? f(rs) : 0), 0);
}

/** Σ spec.replicas. */
export const specReplicas = (rss: readonly (ReplicaSet | undefined)[]): number => sum(rss, replicasOf);
/** Σ status.replicas. */
export const actualReplicas = (rss: readonly (ReplicaSet | undefined)[]): number => sum(rss, (rs) => rs.status?.replicas ?? 0);
/** Σ status.readyReplicas. */
export const readyReplicas = (rss: readonly (ReplicaSet | undefined)[]): number => sum(rss, (rs) => rs.status?.readyReplicas ?? 0);
/** Σ status.availableReplicas. */
export const availableReplicas = (rss: readonly (ReplicaSet | undefined)[]): number => sum(rss, (rs) => rs.status?.availableReplicas ?? 0);

/** ReplicaSets with spec.replicas > 0 (FilterActiveReplicaSets). */
export function activeReplicaSets(rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && replicasOf(rs) > 0);
}

function comparableTemplate(t: PodTemplateSpec): unknown {
  const c = deepCopy(t);
  const meta = c.metadata ?? {};
  if (meta.labels) {
    delete meta.labels[POD_TEMPLATE_HASH_LABEL];
    if (Object.keys(meta.labels).length === 0) delete meta.labels;
  }
  if (meta.annotations && Object.keys(meta.annotations).length === 0) delete meta.annotations;
  // A template's zero creationTimestamp travels as null (kubectl rollout undo sends it that way).
  if (meta.creationTimestamp === null) delete meta.creationTimestamp;
  c.metadata = meta;
  return c;
}

/**
 * True when two pod templates are equal apart from the pod-template-hash label (empty and absent
 * labels/annotations maps count as equal, as do a null and an absent creationTimestamp, as in
 * Go's semantic equality of the typed structs).
 */
export function equalIgnoreHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return jsonEqual(comparableTemplate(a), comparableTemplate(b));
}

/** The Deployment's new ReplicaSet: the oldest one whose template equals the Deployment's. */
export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => rs.spec.template !== undefined && equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** Every ReplicaSet except the new one (`all`), and those of them with spec.replicas != 0 (`active`). */
export function findOldReplicaSets(d: Deployment, rss: readonly ReplicaSet[]): { all: ReplicaSet[]; active: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, rss);
  const all = rss.filter((rs) => !newRS || rs.metadata.uid !== newRS.metadata.uid);
  return { all, active: all.filter((rs) => replicasOf(rs) !== 0) };
}

/**
 * NewRSNewReplicas: the size the new ReplicaSet may grow to now. RollingUpdate: up to
 * replicas + maxSurge pods in total across `allRSs` (by spec), never above spec.replicas;
 * unchanged when the total is already at the ceiling. Recreate: spec.replicas.
 */
export function newRSNewReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d)) return replicas;
  const maxTotal = replicas + maxSurgeOf(d);
  const current = specReplicas(allRSs);
  if (current >= maxTotal) return replicasOf(newRS);
  return replicasOf(newRS) + Math.min(maxTotal - current, replicas - replicasOf(newRS));
}

/** Options of newReplicaSetFor. */
export interface NewReplicaSetOptions {
  /** The Deployment's existing (old) ReplicaSets, to size the new one within maxSurge. */
  oldReplicaSets?: readonly ReplicaSet[];
}

/**
 * The ReplicaSet a Deployment creates for its current template: name "<deployment>-<hash>",
 * the template's labels plus pod-template-hash on the ReplicaSet, its selector and its template,
 * a controller reference to the Deployment, minReadySeconds, replicas from newRSNewReplicas, and
 * the annotations of newReplicaSetAnnotations (copied Deployment annotations, revision,
 * desired-replicas, max-replicas).
 */
export function newReplicaSetFor(d: Deployment, revision: string, hash: string, opts: NewReplicaSetOptions = {}): ReplicaSet {
  const template = deepCopy(d.spec.template);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  const selector = deepCopy(d.spec.selector);
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const rs: ReplicaSet = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${d.metadata.name ?? ""}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...(template.metadata.labels ?? {}) },
      ownerReferences: [newControllerRef(d, { ownerKind: "Deployment", apiVersion: "apps/v1" })],
    },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
  if (rs.metadata.namespace === undefined) delete rs.metadata.namespace;
  rs.spec.replicas = newRSNewReplicas(d, [...(opts.oldReplicaSets ?? []), rs], rs);
  rs.metadata.annotations = newReplicaSetAnnotations(d, rs, revision, { exists: false }).annotations;
  return rs;
}

/**
 * A copy of `rs` scaled to `replicas` with the desired-replicas / max-replicas annotations of
 * `d` (scaleReplicaSet writes both together).
 */
export function scaledReplicaSet(rs: ReplicaSet, d: Deployment, replicas: number): ReplicaSet {
  const out = deepCopy(rs);
  out.spec.replicas = replicas;
  const { desired, max } = replicasAnnotationValues(d);
  out.metadata.annotations = { ...(out.metadata.annotations ?? {}), [DESIRED_REPLICAS_ANNOTATION]: String(desired), [MAX_REPLICAS_ANNOTATION]: String(max) };
  return out;
}

/** One ReplicaSet to scale and its target spec.replicas. */
export interface ScaleStep {
  rs: ReplicaSet;
  replicas: number;
}

/** One step of a rollout: scale the new ReplicaSet, or scale old ones (never both). */
export interface RolloutPlan {
  /** Target spec.replicas of the new ReplicaSet, when it changes. */
  scaleNew?: number;
  /** Old ReplicaSets to scale down, with their targets. */
  scaleOld: ScaleStep[];
}

/**
 * One RollingUpdate step (rolloutRolling): first reconcile the new ReplicaSet — shrink it to
 * spec.replicas if above, else grow it as far as maxSurge allows; if that changes it, stop there.
 * Otherwise reconcile the old ones: scale down unhealthy old replicas first (oldest ReplicaSet
 * first), then healthy ones, never taking available pods below replicas - maxUnavailable and
 * never counting unavailable new pods as headroom.
 */
export function rollingUpdatePlan(d: Deployment, newRS: ReplicaSet, oldRSs: readonly ReplicaSet[]): RolloutPlan {
  const replicas = replicasOf(d);
  const allRSs = [...oldRSs, newRS];
  const current = replicasOf(newRS);
  if (current > replicas) return { scaleNew: replicas, scaleOld: [] };
  if (current < replicas) {
    const target = newRSNewReplicas(d, allRSs, newRS);
    if (target !== current) return { scaleNew: target, scaleOld: [] };
  }
  return { scaleOld: reconcileOld(d, allRSs, activeReplicaSets(oldRSs), newRS) };
}

function reconcileOld(d: Deployment, allRSs: ReplicaSet[], activeOld: ReplicaSet[], newRS: ReplicaSet): ScaleStep[] {
  if (specReplicas(activeOld) === 0) return [];
  const minAvailable = replicasOf(d) - maxUnavailableOf(d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicas(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];

  const sorted = [...activeOld].sort(byCreation);
  const target = new Map<ReplicaSet, number>(sorted.map((rs) => [rs, replicasOf(rs)]));
  const touched: ReplicaSet[] = [];
  const touch = (rs: ReplicaSet, n: number): void => {
    if (!touched.includes(rs)) touched.push(rs);
    target.set(rs, n);
  };

  // Clean up unhealthy replicas first: they do not count as available, so removing them
  // cannot reduce availability.
  let cleaned = 0;
  for (const rs of sorted) {
    if (cleaned >= maxScaledDown) break;
    const n = target.get(rs) ?? 0;
    const avail = rs.status?.availableReplicas ?? 0;
    if (n === 0 || n === avail) continue;
    const down = Math.min(maxScaledDown - cleaned, n - avail);
    touch(rs, n - down);
    cleaned += down;
  }

  // Then scale down within maxUnavailable.
  const available = availableReplicas(allRSs);
  if (available > minAvailable) {
    const budget = available - minAvailable;
    let scaled = 0;
    for (const rs of sorted) {
      if (scaled >= budget) break;
      const n = target.get(rs) ?? 0;
      if (n === 0) continue;
      const down = Math.min(n, budget - scaled);
      touch(rs, n - down);
      scaled += down;
    }
  }
  return touched.map((rs) => ({ rs, replicas: target.get(rs) ?? 0 })).filter((s) => s.replicas !== replicasOf(s.rs));
}

/** One Recreate step: what to do now. */
export interface RecreatePlan extends RolloutPlan {
  /** Old pods still exist: wait (after any old scale-down) before creating new pods. */
  waitForOldPods: boolean;
  /** The new ReplicaSet does not exist yet and should be created now (at full size). */
  createNewReplicaSet: boolean;
}

/**
 * One Recreate step (rolloutRecreate): scale every active old ReplicaSet to 0 and stop; while
 * any old ReplicaSet still reports pods, or any non-terminal pod of an old ReplicaSet exists
 * (terminating ones included), wait; then create the new ReplicaSet if missing, or scale it to
 * spec.replicas. `pods` are the Deployment's pods; each belongs to the ReplicaSet its controller
 * reference names.
 */
export function recreatePlan(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], pods: readonly Pod[]): RecreatePlan {
  const scaleOld = activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
  if (scaleOld.length > 0) return { scaleOld, waitForOldPods: true, createNewReplicaSet: false };
  if (oldPodsRunning(newRS, oldRSs, pods)) return { scaleOld: [], waitForOldPods: true, createNewReplicaSet: false };
  if (!newRS) return { scaleOld: [], waitForOldPods: false, createNewReplicaSet: true };
  const plan: RecreatePlan = { scaleOld: [], waitForOldPods: false, createNewReplicaSet: false };
  if (replicasOf(newRS) !== replicasOf(d)) plan.scaleNew = replicasOf(d);
  return plan;
}

function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], pods: readonly Pod[]): boolean {
  if (actualReplicas(oldRSs) > 0) return true;
  const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid));
  return pods.some((p) => {
    const uid = controllerOf(p)?.uid;
    if (uid === undefined || !oldUids.has(uid) || uid === newRS?.metadata.uid) return false;
    const phase = p.status?.phase;
    return phase !== "Failed" && phase !== "Succeeded";
  });
}

/**
 * isScalingEvent: spec.replicas changed since the active ReplicaSets were last scaled (their
 * desired-replicas annotation differs), so the controller resizes instead of rolling.
 */
export function isScalingEvent(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): boolean {
  for (const rs of activeReplicaSets([...oldRSs, newRS])) {
    const v = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
    if (v === undefined || !/^[+-]?[0-9]+$/.test(v)) continue;
    if (Number(v) !== replicasOf(d)) return true;
  }
  return false;
}

/**
 * The scale step of `sync` (a scaling event or a paused Deployment): with one active ReplicaSet
 * (or none: the newest), size it to spec.replicas; with a saturated new ReplicaSet, zero the old
 * ones; otherwise (RollingUpdate) spread the change in replicas + maxSurge proportionally to the
 * active ReplicaSets' sizes (largest first; ties: newer first when growing, older first when
 * shrinking), the rounding leftover going to the first. Returns only changed sizes.
 */
export function proportionalScalePlan(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ScaleStep[] {
  const replicas = replicasOf(d);
  const single = activeOrLatest(newRS, oldRSs);
  if (single) return replicasOf(single) === replicas ? [] : [{ rs: single, replicas }];
  if (isSaturated(d, newRS)) return activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
  if (!isRollingUpdate(d)) return [];

  const active = activeReplicaSets([...oldRSs, newRS]);
  const allowed = replicas > 0 ? replicas + maxSurgeOf(d) : 0;
  const toAdd = allowed - specReplicas(active);
  if (toAdd === 0) return [];
  const bySizeThenAge = (newerFirst: boolean) => (a: ReplicaSet, b: ReplicaSet) => replicasOf(b) - replicasOf(a) || (newerFirst ? byCreation(b, a) : byCreation(a, b));
  active.sort(bySizeThenAge(toAdd > 0));

  let added = 0;
  const sizes = active.map((rs) => {
    const p = proportion(rs, d, toAdd, added);
    added += p;
    return replicasOf(rs) + p;
  });
  sizes[0] = Math.max(0, sizes[0] + toAdd - added);
  return active.map((rs, i) => ({ rs, replicas: sizes[i] })).filter((s) => s.replicas !== replicasOf(s.rs));
}

function activeOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** The new ReplicaSet has every replica, all available, sized for the current spec.replicas. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const v = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
  if (v === undefined || !/^[+-]?[0-9]+$/.test(v)) return false;
  const replicas = replicasOf(d);
  return replicasOf(rs) === replicas && Number(v) === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

function roundHalfAway(x: number): number {
  return x < 0 ? Math.trunc(x - 0.5) : Math.trunc(x + 0.5);
}

function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const replicas = replicasOf(d);
  if (replicas === 0) return -replicasOf(rs);
  const deploymentReplicas = replicas + maxSurgeOf(d);
  const v = rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION];
  const annotated = v !== undefined && /^[+-]?[0-9]+$/.test(v) ? Number(v) : (d.status?.replicas ?? 0);
  return roundHalfAway((replicasOf(rs) * deploymentReplicas) / annotated) - replicasOf(rs);
}
