// Ranking of the nodes a pod fits on. kube-scheduler adds weighted plugin scores and picks at
// random among the best; svcnet ranks lexicographically instead, so that the outcome is
// predictable and testable, keeping the same preferences in Kubernetes' order of weight:
//   1. fewer PreferNoSchedule taints the pod does not tolerate   (TaintToleration, weight 3)
//   2. fewer pods of the same controller on the node             (default PodTopologySpread
//      over hostname: replicas spread across nodes)
//   3. higher LeastAllocated + BalancedAllocation score          (NodeResourcesFit and
//      NodeResourcesBalancedAllocation, 0-100 each, Kubernetes' formulas)
//   4. node name, ascending — the deterministic tie-break.

import type { Pod } from "../../api/types.js";
import type { KnownNodeInfo } from "./node-info.js";
import { podRequests } from "./resources.js";
import { podTolerations, toleratedBy } from "./taints.js";

/** The scoring inputs for one feasible node; see the file comment for how they rank. */
export interface NodeScore {
  node: string;
  /** PreferNoSchedule taints on the node that the pod does not tolerate. */
  untoleratedPreferNoSchedule: number;
  /** Non-terminating pods on the node with the same controller (ownerReference uid) as the pod. */
  sameOwnerPods: number;
  /** LeastAllocated score 0-100 (cpu and memory, equal weights, requests incl. this pod). */
  leastAllocated: number;
  /** BalancedAllocation score 0-100 (how evenly cpu and memory would be used). */
  balancedAllocation: number;
}

const maxNodeScore = 100;

function controllerUid(pod: Pod): string | undefined {
  return pod.metadata.ownerReferences?.find((r) => r.controller === true)?.uid;
}

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * maxNodeScore) / capacity);
}

/** LeastAllocated: the mean over cpu and memory (skipping a resource the node has none of). */
function leastAllocatedScore(requested: [number, number], capacity: [number, number]): number {
  let sum = 0;
  let weights = 0;
  for (let i = 0; i < 2; i++) {
    if (capacity[i] === 0) continue;
    sum += leastRequested(requested[i], capacity[i]);
    weights++;
  }
  return weights === 0 ? 0 : Math.floor(sum / weights);
}

/** BalancedAllocation: (1 - |cpuFraction - memoryFraction| / 2) × 100, fractions capped at 1. */
function balancedAllocationScore(requested: [number, number], capacity: [number, number]): number {
  const fractions: number[] = [];
  for (let i = 0; i < 2; i++) if (capacity[i] !== 0) fractions.push(Math.min(1, requested[i] / capacity[i]));
  const std = fractions.length === 2 ? Math.abs(fractions[0] - fractions[1]) / 2 : 0;
  return Math.trunc((1 - std) * maxNodeScore);
}

/** Computes the scoring inputs for placing `pod` on the node `info` describes. */
export function scoreNode(pod: Pod, info: KnownNodeInfo): NodeScore {
  let untoleratedPreferNoSchedule = 0;
  if (info.taints.length > 0) {
    const preferNoSchedule = info.taints.filter((t) => t.effect === "PreferNoSchedule");
    const tolerations = podTolerations(pod).filter((t) => !t.effect || t.effect === "PreferNoSchedule");
    untoleratedPreferNoSchedule = preferNoSchedule.filter((t) => !toleratedBy(tolerations, t)).length;
  }

  const owner = controllerUid(pod);
  const sameOwnerPods = owner === undefined ? 0 : info.ownerPods(pod.metadata.namespace ?? "", owner);

  const capacity: [number, number] = [info.allocatableMilliCPU, info.allocatableMemory];
  const nz = podRequests(pod, { nonZero: true });
  const own = podRequests(pod);
  return {
    node: info.name,
    untoleratedPreferNoSchedule,
    sameOwnerPods,
    leastAllocated: leastAllocatedScore([info.nonZeroRequestedMilliCPU + nz.milliCPU, info.nonZeroRequestedMemory + nz.memory], capacity),
    balancedAllocation: balancedAllocationScore([info.requestedMilliCPU + own.milliCPU, info.requestedMemory + own.memory], capacity),
  };
}

/** Orders node scores best first (negative when `a` is the better node). */
export function compareNodeScores(a: NodeScore, b: NodeScore): number {
  return (
    a.untoleratedPreferNoSchedule - b.untoleratedPreferNoSchedule ||
    a.sameOwnerPods - b.sameOwnerPods ||
    b.leastAllocated + b.balancedAllocation - (a.leastAllocated + a.balancedAllocation) ||
    (a.node < b.node ? -1 : a.node > b.node ? 1 : 0)
  );
}
