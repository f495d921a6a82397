// Names and small types shared by the workload decisions (ReplicationController, ReplicaSet,
// Deployment): the annotation and label keys Kubernetes writes, condition reasons, and the
// owner kinds. kubectl reads several of these (`rollout history` and `rollout undo` read the
// revision annotation and the pod-template-hash label), so they are spelled exactly as upstream.

import { rfc3339 } from "../../api/time.js";
import type { Condition, Deployment, ReplicaSet, ReplicationController } from "../../api/types.js";

/** Label on ReplicaSets and their pods that separates one Deployment revision from another. */
export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";
/** The revision of a Deployment and of each of its ReplicaSets. */
export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
/** Earlier revisions a ReplicaSet served (set when a rollback reuses it). */
export const REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history";
/** The Deployment's spec.replicas when this ReplicaSet was last scaled by it. */
export const DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas";
/** spec.replicas + maxSurge of the Deployment when this ReplicaSet was last scaled by it. */
export const MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas";
/** kubectl's record of the last applied configuration; never copied between objects. */
export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";
/** The deprecated extensions/v1beta1 rollback request annotation; never copied. */
export const DEPRECATED_ROLLBACK_TO_ANNOTATION = "deprecated.deployment.rollback.to";
/** Why a pod was changed, shown by `kubectl rollout history` (copied from Deployment to ReplicaSet). */
export const CHANGE_CAUSE_ANNOTATION = "kubernetes.io/change-cause";
/** Pods with a lower cost are deleted first when a ReplicaSet scales down. */
export const POD_DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";

/** Annotations a Deployment never copies to its ReplicaSets (and a rollback never copies back). */
export const ANNOTATIONS_NOT_COPIED: ReadonlySet<string> = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  DEPRECATED_ROLLBACK_TO_ANNOTATION,
]);

/** Reasons of the Deployment `Progressing` and `Available` conditions, as upstream. */
export const DeploymentReason = {
  ReplicaSetUpdated: "ReplicaSetUpdated",
  FailedRSCreate: "ReplicaSetCreateError",
  NewReplicaSetCreated: "NewReplicaSetCreated",
  FoundNewReplicaSet: "FoundNewReplicaSet",
  NewReplicaSetAvailable: "NewReplicaSetAvailable",
  ProgressDeadlineExceeded: "ProgressDeadlineExceeded",
  DeploymentPaused: "DeploymentPaused",
  DeploymentResumed: "DeploymentResumed",
  MinimumReplicasAvailable: "MinimumReplicasAvailable",
  MinimumReplicasUnavailable: "MinimumReplicasUnavailable",
} as const;

/** A Deployment condition carries lastUpdateTime besides the common condition fields. */
export interface DeploymentCondition extends Condition {
  lastUpdateTime?: string;
}

/** Anything that owns pods through a pod template. */
export type PodOwner = ReplicationController | ReplicaSet;

/** Anything svcnet's workload controllers act for. */
export type WorkloadOwner = ReplicationController | ReplicaSet | Deployment;

/** Formats a time the way metav1.Time marshals it: RFC 3339 with whole seconds, UTC. */
export function formatTime(t: Date): string {
  return rfc3339(t);
}

/** Parses an RFC 3339 timestamp; undefined for absent or unparsable values (a "zero" time). */
export function parseTime(s: string | null | undefined): number | undefined {
  if (!s) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}
