// The pod conditions the agent owns — PodReadyToStartContainers, Initialized, ContainersReady,
// Ready — computed as the kubelet does, merged with the conditions others own (PodScheduled,
// readiness-gate conditions), keeping lastTransitionTime when a condition's status is unchanged.

import type { Condition, Container, ContainerStatus, Pod } from "../../api/types.js";
import { formatTimestamp } from "./go-duration.js";
import type { PodPhase } from "./pod-phase.js";
import { isRestartableInitContainer } from "./restart-policy.js";

/** A condition before its timestamps are filled in. */
type Draft = Pick<Condition, "type" | "status" | "reason" | "message">;

/** The condition types this module computes; any other type is carried over untouched. */
export const AGENT_CONDITIONS = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"] as const;

function find(statuses: readonly ContainerStatus[], name: string): ContainerStatus | undefined {
  return statuses.find((s) => s.name === name);
}

/** Go's `%s` of a string slice: `[a b]`. */
function goList(names: string[]): string {
  return `[${names.join(" ")}]`;
}

function notReadyMessage(unknown: string[], other: string[], otherWord: string): string {
  const parts: string[] = [];
  if (unknown.length > 0) parts.push(`containers with unknown status: ${goList(unknown)}`);
  if (other.length > 0) parts.push(`containers with ${otherWord} status: ${goList(other)}`);
  return parts.join(", ");
}

function anyRegularStarted(pod: Pod, statuses: readonly ContainerStatus[]): boolean {
  return pod.spec.containers.some((c) => {
    const state = find(statuses, c.name)?.state;
    return state?.running !== undefined || state?.terminated !== undefined;
  });
}

function initDone(container: Container, status: ContainerStatus): boolean {
  if (isRestartableInitContainer(container)) return status.started === true;
  return status.state?.terminated?.exitCode === 0;
}

function initialized(pod: Pod, phase: PodPhase, statuses: readonly ContainerStatus[]): Draft {
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of pod.spec.initContainers ?? []) {
    const s = find(statuses, c.name);
    if (!s) unknown.push(c.name);
    else if (!initDone(c, s)) incomplete.push(c.name);
  }
  if (phase === "Succeeded" && unknown.length === 0) {
    return { type: "Initialized", status: "True", reason: "PodCompleted" };
  }
  if (anyRegularStarted(pod, statuses)) return { type: "Initialized", status: "True" };
  const message = notReadyMessage(unknown, incomplete, "incomplete");
  if (message !== "") return { type: "Initialized", status: "False", reason: "ContainersNotInitialized", message };
  return { type: "Initialized", status: "True" };
}

function containersReady(pod: Pod, phase: PodPhase, statuses: readonly ContainerStatus[]): Draft {
  const unknown: string[] = [];
  const unready: string[] = [];
  const counted = [...(pod.spec.initContainers ?? []).filter(isRestartableInitContainer), ...pod.spec.containers];
  for (const c of counted) {
    const s = find(statuses, c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if (phase === "Succeeded" && unknown.length === 0) {
    return { type: "ContainersReady", status: "False", reason: "PodCompleted" };
  }
  const message = notReadyMessage(unknown, unready, "unready");
  if (message !== "") return { type: "ContainersReady", status: "False", reason: "ContainersNotReady", message };
  return { type: "ContainersReady", status: "True" };
}

function ready(pod: Pod, containers: Draft, existing: readonly Condition[]): Draft {
  if (containers.status !== "True") return { ...containers, type: "Ready" };
  const messages: string[] = [];
  for (const gate of pod.spec.readinessGates ?? []) {
    const c = existing.find((x) => x.type === gate.conditionType);
    if (!c) {
      messages.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    } else if (c.status !== "True") {
      messages.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
    }
  }
  if (messages.length > 0) {
    return { type: "Ready", status: "False", reason: "ReadinessGatesNotReady", message: messages.join(", ") };
  }
  return { type: "Ready", status: "True" };
}

/**
 * The full condition list for `pod` (its current `status.conditions` are the previous ones):
 * PodReadyToStartContainers (True once the sandbox and its network exist), Initialized, Ready,
 * ContainersReady, then PodScheduled (kept, or True when missing: the agent runs the pod, so it
 * was scheduled), then every other existing condition unchanged. `statuses` are the new
 * statuses of all containers (init and regular). A condition whose status did not change
 * keeps its lastTransitionTime; others get `now`. Messages and reasons match the kubelet's.
 */
export function podConditions(
  pod: Pod,
  statuses: readonly ContainerStatus[],
  options: { phase: PodPhase; sandboxReady: boolean; now: Date },
): Condition[] {
  const existing = pod.status?.conditions ?? [];
  const now = formatTimestamp(options.now);
  const containers = containersReady(pod, options.phase, statuses);
  const drafts: Draft[] = [
    { type: "PodReadyToStartContainers", status: options.sandboxReady ? "True" : "False" },
    initialized(pod, options.phase, statuses),
    ready(pod, containers, existing),
    containers,
  ];
  const out: Condition[] = drafts.map((d) => {
    const old = existing.find((c) => c.type === d.type);
    const lastTransitionTime = old?.status === d.status && old.lastTransitionTime ? old.lastTransitionTime : now;
    const condition: Condition = { type: d.type, status: d.status, lastProbeTime: null, lastTransitionTime };
    if (d.reason !== undefined) condition.reason = d.reason;
    if (d.message !== undefined) condition.message = d.message;
    return condition;
  });
  const scheduled = existing.find((c) => c.type === "PodScheduled");
  out.push(scheduled ? { ...scheduled } : { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: now });
  const owned: readonly string[] = [...AGENT_CONDITIONS, "PodScheduled"];
  for (const c of existing) if (!owned.includes(c.type)) out.push({ ...c });
  return out;
}
