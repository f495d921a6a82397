// What a workload controller asks about one pod: is it active (counts towards replicas), ready,
// available (ready for at least minReadySeconds)? Mirrors controller.IsPodActive and
// podutil.IsPodReady / IsPodAvailable.

import type { Condition, Pod } from "../../api/types.js";
import { parseTime } from "./workload-types.js";

/** Active = not Succeeded, not Failed, and not being deleted (FilterActivePods keeps these). */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata.deletionTimestamp;
}

/** The pod's Ready condition, if it has one. */
export function podReadyCondition(pod: Pod): Condition | undefined {
  return pod.status?.conditions?.find((c) => c.type === "Ready");
}

/** Ready = the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === "True";
}

/** When a ready pod became ready (ms since epoch); undefined when not ready or unknown. */
export function podReadySince(pod: Pod): number | undefined {
  const c = podReadyCondition(pod);
  return c?.status === "True" ? parseTime(c.lastTransitionTime) : undefined;
}

/**
 * Available = ready, and either minReadySeconds is 0 or it has been ready for strictly more
 * than minReadySeconds at `now` (a ready pod without a transition time is never available
 * when minReadySeconds > 0, as upstream).
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = podReadySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 < now.getTime();
}
