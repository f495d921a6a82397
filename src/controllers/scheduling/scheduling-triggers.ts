// When the scheduler looks at a pod (again), as pure predicates: which pods are its own, which
// pod and node changes can alter a scheduling decision (kube-scheduler's queueing hints, coarse),
// and how long an unschedulable pod waits before the next attempt when nothing changes.

import { jsonEqual } from "../../api/json.js";
import type { Condition, Node, Pod } from "../../api/types.js";

/** The scheduler name pods get by default, and the one svcnet's scheduler answers to. */
export const defaultSchedulerName = "default-scheduler";

/** Backoff of unschedulable pods: first retry after 1 s, doubling, at most 60 s. */
export const defaultRetryBackoff = { initialMs: 1000, maxMs: 60_000 } as const;

/**
 * Whether the scheduler named `schedulerName` should try to place `pod`: it names that
 * scheduler (an absent schedulerName means the default one), has no node yet, is not being
 * deleted, and has not finished.
 */
export function responsibleForPod(pod: Pod, schedulerName = defaultSchedulerName): boolean {
  const name = typeof pod.spec?.schedulerName === "string" && pod.spec.schedulerName ? pod.spec.schedulerName : defaultSchedulerName;
  if (name !== schedulerName) return false;
  if (pod.spec?.nodeName || pod.metadata.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed";
}

/** A change to a pending pod that can change where it fits: its spec, labels or deletion. */
export function podSchedulingChanged(oldPod: Pod, newPod: Pod): boolean {
  return (
    !jsonEqual(oldPod.spec, newPod.spec) ||
    !jsonEqual(oldPod.metadata.labels ?? {}, newPod.metadata.labels ?? {}) ||
    oldPod.metadata.deletionTimestamp !== newPod.metadata.deletionTimestamp
  );
}

const conditionStatuses = (n: Node): [string, string][] => (n.status?.conditions ?? []).map((c: Condition) => [c.type, c.status]);

/**
 * A node change that can make an unschedulable pod fit: spec.unschedulable, taints, labels,
 * allocatable, or a condition's status. Heartbeats alone (timestamps) do not count.
 */
export function nodeSchedulingChanged(oldNode: Node, newNode: Node): boolean {
  return (
    (oldNode.spec?.unschedulable === true) !== (newNode.spec?.unschedulable === true) ||
    !jsonEqual(oldNode.spec?.taints ?? [], newNode.spec?.taints ?? []) ||
    !jsonEqual(oldNode.metadata.labels ?? {}, newNode.metadata.labels ?? {}) ||
    !jsonEqual(oldNode.status?.allocatable ?? {}, newNode.status?.allocatable ?? {}) ||
    !jsonEqual(conditionStatuses(oldNode), conditionStatuses(newNode))
  );
}

/** The wait before attempt `failures + 1` of a pod that failed `failures` (≥ 1) times in a row. */
export function retryBackoffMs(failures: number, o: { initialMs?: number; maxMs?: number } = {}): number {
  const initial = o.initialMs ?? defaultRetryBackoff.initialMs;
  const max = o.maxMs ?? defaultRetryBackoff.maxMs;
  const n = Math.max(1, Math.floor(failures));
  return Math.min(max, initial * 2 ** Math.min(n - 1, 30));
}

/** The Scheduled event's message: "Successfully assigned default/x to core-v2-01". */
export function scheduledMessage(pod: Pod, node: string): string {
  return `Successfully assigned ${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""} to ${node}`;
}

/**
 * Whether writing `wanted` as the pod's PodScheduled condition would change anything that
 * matters (status, reason or message); timestamps alone do not justify a write.
 */
export function podScheduledConditionChanged(pod: Pod, wanted: Condition): boolean {
  const current = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  return !current || current.status !== wanted.status || (current.reason ?? "") !== (wanted.reason ?? "") || (current.message ?? "") !== (wanted.message ?? "");
}
