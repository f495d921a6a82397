// One pass of the Deployment controller (syncDeployment) as an ordered list of writes, composed
// from the decisions in deployment.ts, revisions.ts and deployment-status.ts. The controller
// passes the Deployment, the ReplicaSets it owns (after claiming) and, for Recreate, its pods;
// it performs the actions in order and stops at the first failure (the next pass starts over
// from fresh caches). As upstream, a pass does one rollout step — scale the new ReplicaSet up,
// or old ones down — and the ReplicaSet controller's status updates trigger the next pass.
//
// Differences from upstream, on purpose: the several status writes of one upstream pass are
// folded into one final `updateDeploymentStatus` (same end state); the deprecated
// extensions/v1beta1 rollbackTo request is not supported (kubectl rolls back client-side).

import { jsonEqual } from "../../api/json.js";
import type { Deployment, Pod, ReplicaSet } from "../../api/types.js";
import { findNewReplicaSet, findOldReplicaSets, isScalingEvent, newReplicaSetFor, proportionalScalePlan, recreatePlan, replicasOf, rollingUpdatePlan, scaledReplicaSet, type ScaleStep } from "./deployment.js";
import {
  calculateDeploymentStatus,
  compactDeploymentStatus,
  deploymentComplete,
  deploymentCondition,
  deploymentStatus,
  hasProgressDeadline,
  newDeploymentCondition,
  pausedConditionStatus,
  withCondition,
  type DeploymentStatus,
} from "./deployment-status.js";
import { selectsEverything } from "./owner-selector.js";
import { isRollingUpdate, newReplicaSetAnnotations, nextRevision, oldReplicaSetsToDelete } from "./revisions.js";
import { podTemplateHash } from "./template-hash.js";
import { DeploymentReason, REVISION_ANNOTATION } from "./workload-types.js";

/** A write the Deployment controller makes, in order. */
export type DeploymentAction =
  | { kind: "createReplicaSet"; replicaSet: ReplicaSet }
  | { kind: "updateReplicaSet"; replicaSet: ReplicaSet }
  | { kind: "deleteReplicaSet"; replicaSet: ReplicaSet }
  /** PUT deployments/<name>/status with these annotations and status (the status subresource keeps annotation changes). */
  | { kind: "updateDeploymentStatus"; annotations: Record<string, string>; status: DeploymentStatus }
  | { kind: "event"; type: "Normal" | "Warning"; reason: string; message: string };

/** Options of planDeploymentSync. */
export interface DeploymentSyncOptions {
  now: Date;
  /** The Deployment's pods (needed by Recreate to wait for old pods to go away). */
  pods?: readonly Pod[];
}

class Pass {
  readonly actions: DeploymentAction[] = [];
  d: Deployment;
  rss: ReplicaSet[];
  readonly #original: Deployment;
  readonly #now: Date;

  constructor(d: Deployment, rss: readonly ReplicaSet[], now: Date) {
    this.#original = d;
    this.d = { ...d, metadata: { ...d.metadata, annotations: { ...(d.metadata.annotations ?? {}) } }, status: { ...(d.status ?? {}) } };
    this.rss = [...rss];
    this.#now = now;
  }

  get now(): Date {
    return this.#now;
  }

  /** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (synced or created) and the old ones. */
  newAndOld(create: boolean): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
    const oldRSs = findOldReplicaSets(this.d, this.rss).all;
    const revision = nextRevision(oldRSs);
    const existing = findNewReplicaSet(this.d, this.rss);
    if (existing) {
      const { annotations, changed } = newReplicaSetAnnotations(this.d, existing, revision, { exists: true });
      const minReady = this.d.spec.minReadySeconds ?? 0;
      if (changed || (existing.spec.minReadySeconds ?? 0) !== minReady) {
        const updated: ReplicaSet = { ...existing, metadata: { ...existing.metadata, annotations }, spec: { ...existing.spec, minReadySeconds: minReady } };
        this.#replace(existing, updated);
        this.actions.push({ kind: "updateReplicaSet", replicaSet: updated });
        return { newRS: updated, oldRSs };
      }
      this.#setRevision(existing.metadata.annotations?.[REVISION_ANNOTATION] ?? "");
      if (hasProgressDeadline(this.d) && !deploymentCondition(this.d.status, "Progressing")) {
        this.#setStatus(withCondition(this.d.status ?? {}, newDeploymentCondition("Progressing", "True", DeploymentReason.FoundNewReplicaSet, `Found new replica set "${existing.metadata.name ?? ""}"`, this.#now)));
      }
      return { newRS: existing, oldRSs };
    }
    if (!create) return { newRS: undefined, oldRSs };
    const hash = podTemplateHash(this.d.spec.template, this.d.status?.collisionCount);
    const created = newReplicaSetFor(this.d, revision, hash, { oldReplicaSets: oldRSs });
    this.rss.push(created);
    this.actions.push({ kind: "createReplicaSet", replicaSet: created });
    const n = replicasOf(created);
    if (n > 0) this.event("Normal", "ScalingReplicaSet", `Scaled up replica set ${created.metadata.name ?? ""} from 0 to ${n}`);
    this.#setRevision(revision);
    if (hasProgressDeadline(this.d)) {
      this.#setStatus(withCondition(this.d.status ?? {}, newDeploymentCondition("Progressing", "True", DeploymentReason.NewReplicaSetCreated, `Created new replica set "${created.metadata.name ?? ""}"`, this.#now)));
    }
    return { newRS: created, oldRSs };
  }

  scale(steps: readonly ScaleStep[]): void {
    for (const { rs, replicas } of steps) {
      const from = replicasOf(rs);
      const updated = scaledReplicaSet(rs, this.d, replicas);
      this.#replace(rs, updated);
      this.actions.push({ kind: "updateReplicaSet", replicaSet: updated });
      if (from !== replicas) this.event("Normal", "ScalingReplicaSet", `Scaled ${from < replicas ? "up" : "down"} replica set ${rs.metadata.name ?? ""} from ${from} to ${replicas}`);
    }
  }

  cleanup(oldRSs: readonly ReplicaSet[]): void {
    for (const rs of oldReplicaSetsToDelete(this.d, oldRSs)) this.actions.push({ kind: "deleteReplicaSet", replicaSet: rs });
  }

  event(type: "Normal" | "Warning", reason: string, message: string): void {
    this.actions.push({ kind: "event", type, reason, message });
  }

  finish(status: DeploymentStatus): DeploymentAction[] {
    this.#setStatus(status);
    const before = this.#original;
    const annotations = this.d.metadata.annotations ?? {};
    if (!jsonEqual(annotations, before.metadata.annotations ?? {}) || !jsonEqual(this.d.status ?? {}, before.status ?? {})) {
      this.actions.push({ kind: "updateDeploymentStatus", annotations, status: this.d.status ?? {} });
    }
    return this.actions;
  }

  #replace(old: ReplicaSet, updated: ReplicaSet): void {
    this.rss = this.rss.map((rs) => (rs === old ? updated : rs));
  }

  #setRevision(revision: string): void {
    const a = this.d.metadata.annotations ?? {};
    if (a[REVISION_ANNOTATION] !== revision) this.d = { ...this.d, metadata: { ...this.d.metadata, annotations: { ...a, [REVISION_ANNOTATION]: revision } } };
  }

  #setStatus(status: DeploymentStatus): void {
    this.d = { ...this.d, status };
  }
}

/**
 * The writes of one syncDeployment pass over `d` and the ReplicaSets it owns: refuse an empty
 * selector (Warning SelectingAll, only observedGeneration is updated); status only while being
 * deleted; Progressing paused/resumed conditions; proportional scaling when paused or when
 * spec.replicas changed; otherwise one RollingUpdate or Recreate step, cleanup of old
 * ReplicaSets beyond revisionHistoryLimit once complete, and the new status.
 */
export function planDeploymentSync(d: Deployment, replicaSets: readonly ReplicaSet[], opts: DeploymentSyncOptions): DeploymentAction[] {
  const pass = new Pass(d, replicaSets, opts.now);
  if (selectsEverything(d.spec.selector)) {
    pass.event("Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
    if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) return pass.finish({ ...(d.status ?? {}), observedGeneration: d.metadata.generation });
    return pass.actions;
  }
  if (d.metadata.deletionTimestamp) {
    const { newRS, oldRSs } = pass.newAndOld(false);
    return pass.finish(compactDeploymentStatus(calculateDeploymentStatus(pass.d, [...oldRSs, ...(newRS ? [newRS] : [])], { newRS, now: opts.now })));
  }
  const paused = pausedConditionStatus(pass.d, opts.now);
  if (paused) pass.d = { ...pass.d, status: paused };

  // Like upstream's isScalingEvent, this first look already syncs the new ReplicaSet's revision.
  const first = pass.newAndOld(false);
  if (pass.d.spec.paused || isScalingEvent(pass.d, first.newRS, first.oldRSs)) {
    const { newRS, oldRSs } = pass.newAndOld(false);
    pass.scale(proportionalScalePlan(pass.d, newRS, oldRSs));
    if (pass.d.spec.paused) pass.cleanup(oldRSs);
    const all = [...oldRSs, ...(newRS ? [newRS] : [])];
    return pass.finish(compactDeploymentStatus(calculateDeploymentStatus(pass.d, all, { newRS, now: opts.now })));
  }
  return isRollingUpdate(pass.d) ? rolling(pass) : recreate(pass, opts.pods ?? []);
}

function rolling(pass: Pass): DeploymentAction[] {
  const { newRS, oldRSs } = pass.newAndOld(true);
  if (!newRS) return pass.actions;
  const all = [...oldRSs, newRS];
  const plan = rollingUpdatePlan(pass.d, newRS, oldRSs);
  if (plan.scaleNew !== undefined) pass.scale([{ rs: newRS, replicas: plan.scaleNew }]);
  else if (plan.scaleOld.length) pass.scale(plan.scaleOld);
  else if (deploymentComplete(pass.d, pass.d.status ?? {})) pass.cleanup(oldRSs);
  return pass.finish(deploymentStatus(pass.d, all, { newRS, now: pass.now }));
}

function recreate(pass: Pass, pods: readonly Pod[]): DeploymentAction[] {
  let { newRS, oldRSs } = pass.newAndOld(false);
  const plan = recreatePlan(pass.d, newRS, oldRSs, pods);
  const status = (): DeploymentAction[] => pass.finish(deploymentStatus(pass.d, [...oldRSs, ...(newRS ? [newRS] : [])], { newRS, now: pass.now }));
  if (plan.scaleOld.length) {
    pass.scale(plan.scaleOld);
    return status();
  }
  if (plan.waitForOldPods) return status();
  if (plan.createNewReplicaSet) ({ newRS, oldRSs } = pass.newAndOld(true));
  if (newRS && replicasOf(newRS) !== replicasOf(pass.d)) pass.scale([{ rs: newRS, replicas: replicasOf(pass.d) }]);
  if (deploymentComplete(pass.d, pass.d.status ?? {})) pass.cleanup(oldRSs);
  return status();
}

/**
 * What to do when creating the new ReplicaSet failed with AlreadyExists and `existing` is the
 * ReplicaSet of that name: use it when `d` controls it and its template matches (a stale cache),
 * otherwise bump status.collisionCount so the next pass hashes to a different name.
 */
export function onReplicaSetNameConflict(d: Deployment, existing: ReplicaSet): { adopt: ReplicaSet } | { collisionCount: number } {
  const ref = existing.metadata.ownerReferences?.find((r) => r.controller === true);
  const same = findNewReplicaSet(d, [existing]) !== undefined;
  if (ref?.uid === d.metadata.uid && same) return { adopt: existing };
  return { collisionCount: (d.status?.collisionCount ?? 0) + 1 };
}
