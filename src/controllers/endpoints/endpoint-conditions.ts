// A pod's readiness as endpoints report it.

import type { Condition, Pod, Service } from "../../api/types.js";

/** The pod's Ready condition, if it has one. */
export function podReadyCondition(pod: Pod): Condition | undefined {
  return pod.status?.conditions?.find((c) => c.type === "Ready");
}

/** A pod is ready when its Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === "True";
}

/** The three EndpointSlice endpoint conditions. */
export interface EndpointConditions {
  /** Should receive new traffic: serving and not terminating, or the Service publishes not-ready addresses. */
  ready: boolean;
  /** The pod's Ready condition is True, whether or not it is terminating. */
  serving: boolean;
  /** The pod is being deleted (metadata.deletionTimestamp is set). */
  terminating: boolean;
}

/**
 * The conditions of the endpoint a pod contributes to a Service's EndpointSlices:
 * serving = pod Ready; terminating = deletion started; ready = serving && !terminating, or
 * always true when the Service sets publishNotReadyAddresses.
 */
export function endpointConditions(pod: Pod, service: Service): EndpointConditions {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ready = service.spec.publishNotReadyAddresses === true || (serving && !terminating);
  return { ready, serving, terminating };
}
