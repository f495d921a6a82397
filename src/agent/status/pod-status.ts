// The whole status the agent writes for a pod: container statuses from the runtime's view,
// then the phase and conditions derived from them, plus addresses and start time.

import type { ContainerStatus, Pod, PodStatus } from "../../api/types.js";
import type { ContainerRuntimeInfo } from "./container-status.js";
import { containerStatus } from "./container-status.js";
import { formatTimestamp } from "./go-duration.js";
import { podConditions } from "./pod-conditions.js";
import { podPhase } from "./pod-phase.js";
import { isRestartableInitContainer } from "./restart-policy.js";

/** Inputs besides the pod and its containers' runtime information. */
export interface PodStatusOptions {
  /** The injected clock, for new transition times and startTime. */
  now: Date;
  /** True once the pod's network namespace exists and has its address. */
  sandboxReady: boolean;
  /** The node's address (hostIP). */
  hostIP: string;
  /** The pod's address, once allocated. */
  podIP?: string;
  /** The agent stopped the pod for good; terminated containers are final. */
  podIsTerminal?: boolean;
}

/**
 * Computes `status` for `pod` from `runtime` (keyed by container name; missing means not yet
 * created). Never mutates `pod`. Regular containers wait with "PodInitializing" while a plain
 * init container has not succeeded. startTime is kept from the previous status, else `now`.
 */
export function podStatus(
  pod: Pod,
  runtime: ReadonlyMap<string, ContainerRuntimeInfo>,
  options: PodStatusOptions,
): PodStatus {
  const initContainers = pod.spec.initContainers ?? [];
  const initContainerStatuses = initContainers.map((c) => containerStatus(c, runtime.get(c.name)));
  const initPending = initContainers.some(
    (c, i) => !isRestartableInitContainer(c) && initContainerStatuses[i].state?.terminated?.exitCode !== 0,
  );
  const containerStatuses = pod.spec.containers.map((c) => {
    const info = runtime.get(c.name);
    return containerStatus(c, info, { podInitializing: initPending && info?.current === undefined });
  });
  const all: ContainerStatus[] = [...initContainerStatuses, ...containerStatuses];
  const phase = podPhase(pod, all, { podIsTerminal: options.podIsTerminal });
  const status: PodStatus = {
    phase,
    conditions: podConditions(pod, all, { phase, sandboxReady: options.sandboxReady, now: options.now }),
    hostIP: options.hostIP,
    hostIPs: [{ ip: options.hostIP }],
    startTime: pod.status?.startTime ?? formatTimestamp(options.now),
    containerStatuses,
  };
  if (options.podIP !== undefined) {
    status.podIP = options.podIP;
    status.podIPs = [{ ip: options.podIP }];
  }
  if (initContainers.length > 0) status.initContainerStatuses = initContainerStatuses;
  return status;
}
