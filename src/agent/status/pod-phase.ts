// A pod's phase from its containers' statuses, following the kubelet's rules (1.32): init
// containers gate Pending, then running/terminated counts and the restart policy decide.

import type { ContainerStatus, Pod, PodStatus } from "../../api/types.js";
import { isRestartableInitContainer } from "./restart-policy.js";

/** The phases the agent reports (it never reports "Unknown"). */
export type PodPhase = Exclude<NonNullable<PodStatus["phase"]>, "Unknown">;

function statusOf(statuses: readonly ContainerStatus[], name: string): ContainerStatus | undefined {
  return statuses.find((s) => s.name === name);
}

/** True when any regular container of the pod is running now. */
export function anyRegularContainerRunning(pod: Pod, statuses: readonly ContainerStatus[]): boolean {
  return pod.spec.containers.some((c) => statusOf(statuses, c.name)?.state?.running !== undefined);
}

/**
 * The phase of `pod` given the statuses of all its containers (init and regular, matched by
 * name). Options: `podIsTerminal` — the agent has stopped the pod for good (deleted or
 * evicted), so terminated containers are final whatever the restart policy; `podHasInitialized`
 * — defaults to "some regular container is running", which keeps a pod whose sidecar restarts
 * from falling back to Pending.
 *
 * - Pending: a regular init container has not succeeded yet (or a sidecar has not started
 *   before the pod initialized), or a regular container is waiting for its first start.
 * - Failed: a regular init container failed under restartPolicy Never.
 * - Running: every container known and at least one running; or all stopped but they will be
 *   restarted (Always; OnFailure with a failure).
 * - Succeeded / Failed: all stopped for good — every one exited 0, or at least one did not.
 */
export function podPhase(
  pod: Pod,
  statuses: readonly ContainerStatus[],
  options: { podIsTerminal?: boolean; podHasInitialized?: boolean } = {},
): PodPhase {
  const { spec } = pod;
  const policy = spec.restartPolicy ?? "Always";
  const podHasInitialized = options.podHasInitialized ?? anyRegularContainerRunning(pod, statuses);
  let pendingInit = 0;
  let pendingSidecars = 0;
  let failedInit = 0;
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;

  for (const c of spec.initContainers ?? []) {
    const s = statusOf(statuses, c.name);
    const state = s?.state;
    const lastTerminated = s?.lastState?.terminated;
    if (isRestartableInitContainer(c)) {
      if (!state) {
        unknown++;
        if (s) pendingSidecars++;
      } else if (state.running) {
        if (s.started !== true) pendingSidecars++;
        running++;
      } else if (state.waiting && !lastTerminated) {
        pendingSidecars++;
        waiting++;
      } else if (!state.waiting && !state.terminated) {
        pendingSidecars++;
        unknown++;
      }
      continue;
    }
    if (!state || state.running) {
      pendingInit++;
    } else if (state.terminated) {
      if (state.terminated.exitCode !== 0) failedInit++;
    } else if (state.waiting && lastTerminated) {
      if (lastTerminated.exitCode !== 0) failedInit++;
    } else {
      pendingInit++;
    }
  }

  for (const c of spec.containers) {
    const state = statusOf(statuses, c.name)?.state;
    if (!state) {
      unknown++;
    } else if (state.running) {
      running++;
    } else if (state.terminated) {
      stopped++;
      if (state.terminated.exitCode === 0) succeeded++;
    } else if (state.waiting) {
      if (statusOf(statuses, c.name)?.lastState?.terminated) stopped++;
      else waiting++;
    } else {
      unknown++;
    }
  }

  if (failedInit > 0 && policy === "Never") return "Failed";
  if (pendingInit > 0 || (pendingSidecars > 0 && !podHasInitialized) || waiting > 0) return "Pending";
  if (running > 0 && unknown === 0) return "Running";
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (options.podIsTerminal) return stopped === succeeded ? "Succeeded" : "Failed";
    if (policy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    if (policy === "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}
