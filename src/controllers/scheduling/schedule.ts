// One scheduling decision, as a pure function: filter every node, rank the feasible ones, or
// explain — in kube-scheduler's words — why none fits. No preemption is carried out; its
// dry run is only used to word the "preemption: …" half of the message as Kubernetes does.

import type { Condition, Pod } from "../../api/types.js";
import { filterNode, type FilterFailure } from "./filters.js";
import { nodeInfoOf, type KnownNodeInfo } from "./node-info.js";
import {
  fitErrorMessage,
  noNodesAvailableMessage,
  noPreemptionVictims,
  preemptionNeverMessage,
  preemptionNotHelpful,
  reasonHistogram,
} from "./fit-error.js";
import { rfc3339 } from "../../api/time.js";
import { compareNodeScores, scoreNode, type NodeScore } from "./scoring.js";

/** The pod fits: bind it to `node`. `ranking` lists every feasible node found, best first. */
export interface Scheduled {
  node: string;
  score: NodeScore;
  ranking: NodeScore[];
  /** How many nodes were examined (from `startIndex`, wrapping): where the next search starts. */
  examined: number;
}

/**
 * kube-scheduler's numFeasibleNodesToFind with the adaptive percentage: every node below 100;
 * above, 50% minus 1% per 125 nodes (at least 5%), and never fewer than 100 nodes — so a
 * 5,000-node cluster scores 500 feasible nodes per pod, not 5,000.
 */
export function feasibleNodesToFind(numNodes: number): number {
  if (numNodes < 100) return numNodes;
  const percentage = Math.max(5, 50 - Math.floor(numNodes / 125));
  return Math.max(100, Math.floor((numNodes * percentage) / 100));
}

/**
 * No node fits. `message` is the PodScheduled condition / FailedScheduling event text;
 * `reasons` counts nodes per filter reason (empty when there are no nodes).
 */
export interface Unschedulable {
  unschedulable: true;
  message: string;
  reasons: Record<string, number>;
}

/** The outcome of schedulePod; tell the cases apart with `"unschedulable" in result`. */
export type ScheduleResult = Scheduled | Unschedulable;

const priority = (p: Pod): number => (typeof p.spec?.priority === "number" ? p.spec.priority : 0);

interface Failed {
  info: KnownNodeInfo;
  failure: FilterFailure;
}

/**
 * What DefaultPreemption would report, or undefined if it would find a node where evicting
 * lower-priority pods makes room (Kubernetes then preempts and adds no preemption text).
 */
function preemptionMessage(pod: Pod, failed: readonly Failed[], numNodes: number): string | undefined {
  if (pod.spec?.preemptionPolicy === "Never") return `preemption: ${preemptionNeverMessage}`;
  const perNode: string[][] = [];
  for (const { info, failure } of failed) {
    if (failure.unresolvable) {
      perNode.push([preemptionNotHelpful]);
      continue;
    }
    const remaining = info.pods.filter((p) => priority(p) >= priority(pod));
    if (remaining.length === info.pods.length) {
      perNode.push([noPreemptionVictims]);
      continue;
    }
    const after = filterNode(pod, nodeInfoOf(info.node, remaining));
    if (!after) return undefined;
    perNode.push(after.reasons);
  }
  return `preemption: ${fitErrorMessage(numNodes, { reasons: reasonHistogram(perNode) })}`;
}

/**
 * Picks a node for `pod` among `nodes`, each with the pods counted on it: bound, not
 * Succeeded/Failed, and not `pod` itself (SchedulerCache and nodeInfosOf keep them so).
 * Filters and reasons follow kube-scheduler 1.32 (see filters.ts); ranking is deterministic
 * (see scoring.ts). Never mutates its inputs. Throws QuantityError if a resource request of
 * the pod does not parse.
 */
export function schedulePod(pod: Pod, nodes: readonly KnownNodeInfo[], options: { startIndex?: number } = {}): ScheduleResult {
  if (nodes.length === 0) return { unschedulable: true, message: noNodesAvailableMessage, reasons: {} };
  const feasible: NodeScore[] = [];
  const failed: Failed[] = [];
  // Like kube-scheduler, stop once enough feasible nodes are found, starting where the last
  // search stopped so that every node gets its turn.
  const wanted = feasibleNodesToFind(nodes.length);
  const start = (options.startIndex ?? 0) % nodes.length;
  let examined = 0;
  for (; examined < nodes.length && feasible.length < wanted; examined++) {
    const info = nodes[(start + examined) % nodes.length];
    const failure = filterNode(pod, info);
    if (failure) failed.push({ info, failure });
    else feasible.push(scoreNode(pod, info));
  }
  if (feasible.length > 0) {
    const ranking = feasible.sort(compareNodeScores);
    return { node: ranking[0].node, score: ranking[0], ranking, examined };
  }
  const reasons = reasonHistogram(failed.map((f) => f.failure.reasons));
  const postFilterMessage = preemptionMessage(pod, failed, nodes.length);
  return { unschedulable: true, message: fitErrorMessage(nodes.length, { reasons, postFilterMessage }), reasons };
}

/**
 * The PodScheduled condition the scheduler writes for an unschedulable pod: status False,
 * reason Unschedulable, the result's message, lastProbeTime null, and lastTransitionTime
 * `now` — or the existing one if the pod's current PodScheduled condition is already False.
 * Returns undefined for a Scheduled result: PodScheduled=True is set by the binding.
 */
export function podScheduledCondition(result: ScheduleResult, opts: { now: number; current?: readonly Condition[] }): Condition | undefined {
  if (!("unschedulable" in result)) return undefined;
  const previous = opts.current?.find((c) => c.type === "PodScheduled");
  return {
    type: "PodScheduled",
    status: "False",
    lastProbeTime: null,
    lastTransitionTime: previous?.status === "False" && previous.lastTransitionTime ? previous.lastTransitionTime : rfc3339(opts.now),
    reason: "Unschedulable",
    message: result.message,
  };
}
