// Node health as the node lifecycle controller judges it (monitorNodeHealth /
// tryUpdateNodeHealth in Kubernetes), as a pure function over a small per-node record.
//
// The controller never trusts the kubelet's clock. It remembers, on its own clock, when it
// last *saw* the node show a sign of life — the Ready condition's lastHeartbeatTime changing,
// or the node's Lease renewTime moving forward — and declares the node Unknown when that
// moment (probeTimestamp) is more than the grace period ago. So a node whose timestamps are
// skewed, or which is first seen with an old heartbeat, still gets a full grace period.

import { jsonEqual } from "../../api/json.js";
import type { Condition, Lease, Node } from "../../api/types.js";
import { parseTime, rfc3339 } from "../../api/time.js";
import { lifecycleTaintChanges, type TaintChanges } from "./node-taints.js";
import type { NoExecuteMode } from "./zone-state.js";

/** Kubernetes 1.32's --node-monitor-grace-period (raised from 40 s to 50 s in 1.32). */
export const defaultNodeMonitorGracePeriodMs = 50_000;
/** Kubernetes' --node-startup-grace-period: how long a node may take to post its first status. */
export const defaultNodeStartupGracePeriodMs = 60_000;

/** What the controller remembers about one node between evaluations (nodeHealthData). */
export interface NodeHealthRecord {
  /** Controller-clock ms when the node last showed a sign of life. */
  probeTimestamp: number;
  /** Controller-clock ms when the controller last saw the Ready condition transition. */
  readyTransitionTimestamp: number;
  /** The Ready condition as last seen (its timestamps are only compared, never trusted). */
  readyCondition?: Condition;
  /** The node Lease as last seen; undefined until one is seen. */
  lease?: { renewTime?: string };
}

/** A condition status: True, False or Unknown. */
export type ConditionStatus = Condition["status"];

/** The outcome of one evaluation. */
export interface NodeHealthDecision {
  /** Pass back as `lastObserved` next time. */
  observed: NodeHealthRecord;
  /** The node's complete new status.conditions, set only when the controller must write them. */
  conditions?: Condition[];
  /** Ready status as the node object had it before this evaluation (Unknown when absent). */
  readyBefore: ConditionStatus;
  /** Ready status after this evaluation (undefined while a new node has posted nothing yet). */
  readyAfter?: ConditionStatus;
  /**
   * The controller itself just took the node out of Ready (True → Unknown): mark the node's
   * pods NotReady (see podsToMarkNotReady) and record the Node event NodeNotReady
   * ("Node <name> status is now: NodeNotReady"). Not set when the kubelet reports False
   * itself: a live kubelet updates its own pods.
   */
  markPodsNotReady: boolean;
  /** Lifecycle taints to add and remove so that they match the (new) conditions. */
  taints: TaintChanges;
  /** Controller-clock ms after which the node counts as silent unless it shows life again. */
  deadline: number;
}

/** Options of evaluateNodeHealth; all times are epoch milliseconds on the controller's clock. */
export interface NodeHealthOptions {
  now: number;
  /** Default 50 000 (Kubernetes 1.32); the brief and older releases use 40 000. */
  gracePeriodMs?: number;
  /** Grace for a node that has never posted a Ready condition (default 60 000). */
  startupGracePeriodMs?: number;
  /** The record returned by the previous evaluation of this node, if any. */
  lastObserved?: NodeHealthRecord;
  /** NoExecute tainting mode from the zone situation (default "taint"; see zone-state.ts). */
  noExecute?: NoExecuteMode;
}

const silentConditionTypes = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

const sameTime = (a: string | undefined, b: string | undefined): boolean => a === b || (parseTime(a) ?? NaN) === (parseTime(b) ?? NaN);

/** Go's MicroTime.Before: false when either side is missing. */
function renewedSince(saved: string | undefined, seen: string | undefined): boolean {
  const a = parseTime(saved);
  const b = parseTime(seen);
  return a !== undefined && b !== undefined && a < b;
}

function nextRecord(node: Node, current: Condition | undefined, opts: NodeHealthOptions): NodeHealthRecord {
  const { now, lastObserved: last } = opts;
  const created = parseTime(node.metadata.creationTimestamp) ?? now;
  if (!current) return last ? { ...last, readyCondition: undefined } : { probeTimestamp: created, readyTransitionTimestamp: created };
  const saved = last?.readyCondition;
  if (!last || !saved) return { probeTimestamp: now, readyTransitionTimestamp: now, readyCondition: current, lease: last?.lease };
  if (sameTime(saved.lastHeartbeatTime, current.lastHeartbeatTime)) return last;
  const transitioned = !sameTime(saved.lastTransitionTime, current.lastTransitionTime);
  return { probeTimestamp: now, readyTransitionTimestamp: transitioned ? now : last.readyTransitionTimestamp, readyCondition: current, lease: last.lease };
}

/** Conditions with Ready, MemoryPressure, DiskPressure and PIDPressure turned Unknown. */
function silentConditions(node: Node, now: number): Condition[] {
  const out = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  const stamp = rfc3339(now);
  for (const type of silentConditionTypes) {
    const c = out.find((x) => x.type === type);
    if (!c) {
      out.push({
        type,
        status: "Unknown",
        lastHeartbeatTime: node.metadata.creationTimestamp ?? stamp,
        lastTransitionTime: stamp,
        reason: "NodeStatusNeverUpdated",
        message: "Kubelet never posted node status.",
      });
    } else if (c.status !== "Unknown") {
      Object.assign(c, { status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: stamp });
    }
  }
  return out;
}

/**
 * Judges one node: updates the sign-of-life record from the node's Ready condition and its
 * Lease (kube-node-lease/<node>), turns the node's conditions Unknown when it has been silent
 * for longer than the grace period (strictly longer), and works out the lifecycle taints for
 * the resulting conditions. Never mutates its inputs.
 */
export function evaluateNodeHealth(node: Node, lease: Lease | undefined, opts: NodeHealthOptions): NodeHealthDecision {
  const { now } = opts;
  const conditions = node.status?.conditions ?? [];
  const current = conditions.find((c) => c.type === "Ready");
  const grace = current ? (opts.gracePeriodMs ?? defaultNodeMonitorGracePeriodMs) : (opts.startupGracePeriodMs ?? defaultNodeStartupGracePeriodMs);
  let record = nextRecord(node, current, opts);
  if (lease && (record.lease === undefined || renewedSince(record.lease.renewTime, lease.spec?.renewTime))) {
    record = { ...record, lease: { renewTime: lease.spec?.renewTime }, probeTimestamp: now };
  }

  const readyBefore: ConditionStatus = current?.status ?? "Unknown";
  let newConditions: Condition[] | undefined;
  let readyAfter = current?.status;
  if (now > record.probeTimestamp + grace) {
    const silent = silentConditions(node, now);
    const ready = silent.find((c) => c.type === "Ready");
    const observedReady = current ?? { type: "Ready", status: "Unknown", lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: node.metadata.creationTimestamp };
    if (!jsonEqual(ready, observedReady)) {
      newConditions = silent;
      readyAfter = ready?.status;
      record = { ...record, readyCondition: ready, readyTransitionTimestamp: now };
    }
  }

  const taints = lifecycleTaintChanges(node, { conditions: newConditions ?? conditions, now, noExecute: opts.noExecute });
  return {
    observed: record,
    conditions: newConditions,
    readyBefore,
    readyAfter,
    markPodsNotReady: current?.status === "True" && readyAfter !== "True",
    taints,
    deadline: record.probeTimestamp + grace,
  };
}
