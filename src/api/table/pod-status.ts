// The READY, STATUS and RESTARTS cells of `kubectl get pods`, derived from a pod exactly as
// Kubernetes 1.32's pod printer does. Pure; the pod is never mutated.

import type { Condition, Container, ContainerStatus, Pod } from "../types.js";
import { parseTimestamp, translateTimestampSince } from "./human-duration.js";

/** The three derived cells of a pod row. */
export interface PodSummary {
  /** `<ready>/<total>`; restartable init containers (sidecars) count in the total. */
  ready: string;
  /** The STATUS column: a phase, a reason, `Init:…`, `Terminating`, … */
  status: string;
  /** `"0"`, or `"3 (5m ago)"` when the newest last-termination time is known. */
  restarts: string;
}

/** Reason the node lifecycle controller sets on pods of an unreachable node. */
const NODE_LOST_REASON = "NodeLost";

function isRestartable(container: Container | undefined): boolean {
  return container?.restartPolicy === "Always";
}

function hasCondition(conditions: Condition[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === "True");
}

/** Tracks a restart count and the newest last-termination time among some containers. */
class RestartTally {
  count = 0;
  lastMs: number | undefined;
  lastTs: string | undefined;

  add(status: ContainerStatus): void {
    this.count += status.restartCount ?? 0;
    const finishedAt = status.lastState?.terminated?.finishedAt;
    const t = parseTimestamp(finishedAt);
    if (t !== undefined && (this.lastMs === undefined || t > this.lastMs)) {
      this.lastMs = t;
      this.lastTs = finishedAt;
    }
  }
}

interface InitResult {
  reason: string | undefined;
  readySidecars: number;
}

/** Walks init container statuses; `reason` is set when the pod is still initializing. */
function initReason(pod: Pod, all: RestartTally, sidecars: RestartTally): InitResult {
  const initContainers = pod.spec?.initContainers ?? [];
  const specs = new Map(initContainers.map((c) => [c.name, c]));
  const statuses = pod.status?.initContainerStatuses ?? [];
  let readySidecars = 0;
  for (let i = 0; i < statuses.length; i++) {
    const s = statuses[i];
    all.add(s);
    const restartable = isRestartable(specs.get(s.name));
    if (restartable) sidecars.add(s);
    const terminated = s.state?.terminated;
    const waiting = s.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (restartable && s.started === true) {
      if (s.ready) readySidecars++;
      continue;
    }
    let reason: string;
    if (terminated) {
      if (terminated.reason) reason = `Init:${terminated.reason}`;
      else if (terminated.signal) reason = `Init:Signal:${terminated.signal}`;
      else reason = `Init:ExitCode:${terminated.exitCode ?? 0}`;
    } else if (waiting?.reason && waiting.reason !== "PodInitializing") {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    return { reason, readySidecars };
  }
  return { reason: undefined, readySidecars };
}

/**
 * Derives READY, STATUS and RESTARTS. STATUS starts from status.reason or the phase, becomes
 * `SchedulingGated` for gated pods, `Init:…` while initializing, otherwise the reason of the
 * first (lowest index) container that is waiting or terminated (`ExitCode:N`/`Signal:N` when
 * terminated without a reason); `Completed` with a running ready container turns back into
 * `Running` (or `NotReady` without the Ready condition). A deleted pod shows `Unknown` when
 * its reason is NodeLost, else `Terminating` unless its phase is Succeeded or Failed.
 */
export function podSummary(pod: Pod, now: Date): PodSummary {
  const status = pod.status ?? {};
  const initSpecs = pod.spec?.initContainers ?? [];
  const total = (pod.spec?.containers ?? []).length + initSpecs.filter(isRestartable).length;

  let reason: string = status.reason || status.phase || "";
  for (const c of status.conditions ?? []) {
    if (c.type === "PodScheduled" && c.reason === "SchedulingGated") reason = "SchedulingGated";
  }

  const all = new RestartTally();
  const sidecars = new RestartTally();
  const init = initReason(pod, all, sidecars);
  let ready = init.readySidecars;
  let tally = all;
  if (init.reason !== undefined) reason = init.reason;

  if (init.reason === undefined || hasCondition(status.conditions, "Initialized")) {
    tally = sidecars;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const s = statuses[i];
      tally.add(s);
      const waiting = s.state?.waiting;
      const terminated = s.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode ?? 0}`;
      else if (s.ready && s.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning) {
      reason = hasCondition(status.conditions, "Ready") ? "Running" : "NotReady";
    }
  }

  if (pod.metadata?.deletionTimestamp && status.reason === NODE_LOST_REASON) {
    reason = "Unknown";
  } else if (pod.metadata?.deletionTimestamp && status.phase !== "Succeeded" && status.phase !== "Failed") {
    reason = "Terminating";
  }

  let restarts = String(tally.count);
  if (tally.count !== 0 && tally.lastTs !== undefined) {
    restarts = `${tally.count} (${translateTimestampSince(tally.lastTs, now)} ago)`;
  }
  return { ready: `${ready}/${total}`, status: reason, restarts };
}
