// The `endpoints.kubernetes.io/last-change-trigger-time` value: when the change that made this
// Endpoints/EndpointSlice write necessary happened, so that latency from a pod becoming ready
// (or a service being created) to the proxy programming it can be measured.
//
// The rule (upstream's TriggerTimeTracker): a pod's trigger time is the lastTransitionTime of
// its Ready condition, a Service's is its creationTimestamp. On a Service's first sync the
// answer is its creationTimestamp; afterwards it is the EARLIEST trigger time that moved
// forward since the previous sync (several changes batched into one write report the oldest,
// the one that has waited longest), and none when nothing moved. Like upstream it can be wrong
// if one object changes several times between two syncs.

import type { Pod, Service } from "../../api/types.js";
import { podReadyCondition } from "./endpoint-conditions.js";
import { selectedPods } from "./pod-membership.js";

/** What the tracker remembers about one Service between syncs. Treat as immutable. */
export interface TriggerTimeState {
  /** Service trigger time seen at the previous sync (ms since epoch), if any. */
  readonly serviceTime: number | undefined;
  /** Pod name → Ready transition time seen at the previous sync (ms since epoch). */
  readonly podTimes: ReadonlyMap<string, number>;
}

function millis(ts: string | null | undefined): number | undefined {
  if (!ts) return undefined;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Formats a time as Go's RFC 3339 with nanoseconds, in UTC (trailing zero fraction dropped). */
export function formatTriggerTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, "Z").replace(/\.Z$/, "Z");
}

/**
 * One sync's trigger time from the previous state (undefined: first sync of this Service) and
 * the Service's current pods (filtered to the Service's selector and namespace here), plus the
 * state to keep for the next sync. Pure: the inputs are not modified.
 */
export function computeTriggerTime(
  previous: TriggerTimeState | undefined,
  service: Service,
  pods: readonly Pod[],
): { triggerTime: string | undefined; state: TriggerTimeState } {
  let earliest: number | undefined;
  const consider = (t: number): void => {
    if (earliest === undefined || t < earliest) earliest = t;
  };
  const podTimes = new Map<string, number>();
  for (const pod of selectedPods(service, pods)) {
    const t = millis(podReadyCondition(pod)?.lastTransitionTime);
    if (t === undefined) continue;
    const name = pod.metadata.name ?? "";
    podTimes.set(name, t);
    const before = previous?.podTimes.get(name);
    if (before === undefined || t > before) consider(t);
  }
  const serviceTime = millis(service.metadata.creationTimestamp);
  if (serviceTime !== undefined && (previous?.serviceTime === undefined || serviceTime > previous.serviceTime)) consider(serviceTime);

  const state: TriggerTimeState = { serviceTime, podTimes };
  if (!previous) return { triggerTime: serviceTime === undefined ? undefined : formatTriggerTime(serviceTime), state };
  return { triggerTime: earliest === undefined ? undefined : formatTriggerTime(earliest), state };
}

/**
 * Keeps TriggerTimeState per Service ("namespace/name") across syncs. Not I/O, just memory:
 * a controller owns one, calls compute() on every sync of a Service (also when the sync turns
 * out to be a no-op, so the state stays current) and deleteService() when the Service is gone.
 * Calls for the same Service must not interleave (a work queue guarantees that).
 */
export class TriggerTimeTracker {
  readonly #states = new Map<string, TriggerTimeState>();

  /** The trigger time for this sync of the Service; undefined means "remove the annotation". */
  compute(service: Service, pods: readonly Pod[]): string | undefined {
    const key = `${service.metadata.namespace ?? "default"}/${service.metadata.name ?? ""}`;
    const { triggerTime, state } = computeTriggerTime(this.#states.get(key), service, pods);
    this.#states.set(key, state);
    return triggerTime;
  }

  /** Forgets a deleted Service, so a new one with the same name starts afresh. */
  deleteService(namespace: string, name: string): void {
    this.#states.delete(`${namespace}/${name}`);
  }
}
