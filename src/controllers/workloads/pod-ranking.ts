// Which pods a ReplicationController / ReplicaSet deletes first when it has too many: the
// ActivePodsWithRanks order of Kubernetes 1.32 (PodDeletionCost and LogarithmicScaleDown on, as
// they are by default). Rules, applied in turn until one decides:
//   1. not assigned to a node before assigned;
//   2. phase Pending before Unknown before Running (any other phase first);
//   3. not ready before ready;
//   4. lower controller.kubernetes.io/pod-deletion-cost before higher;
//   5. more active related pods on the same node ("doubled up") before fewer;
//   6. both ready: ready for a shorter time first (compared on a log2 scale of the age when
//      `now` is given, equal buckets broken by uid);
//   7. more container restarts first (regular containers, then restartable init containers);
//   8. newer creationTimestamp first (same log2 scale and uid tie-break); a missing time first.

import type { Pod } from "../../api/types.js";
import { isPodActive, isPodReady, podReadySince } from "./pod-state.js";
import { POD_DELETION_COST_ANNOTATION, parseTime } from "./workload-types.js";

/**
 * The pod-deletion-cost of a pod: the annotation as a 32-bit integer, 0 when absent or invalid
 * (a leading "+", or leading zeros after no sign, are invalid, as upstream).
 */
export function podDeletionCost(pod: Pod): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (v === undefined || !/^(-[0-9]+|0|[1-9][0-9]*)$/.test(v)) return 0;
  const n = Number(v);
  return n >= -2147483648 && n <= 2147483647 ? n + 0 : 0;
}

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function phaseRank(pod: Pod): number {
  // Phases outside the map count as 0 in upstream's map lookup.
  return phaseOrdinal[pod.status?.phase ?? ""] ?? 0;
}

/** Highest restart count of the regular containers and of restartable (sidecar) init containers. */
function maxRestarts(pod: Pod): [number, number] {
  let regular = 0;
  for (const c of pod.status?.containerStatuses ?? []) regular = Math.max(regular, c.restartCount ?? 0);
  const sidecars = new Set((pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always").map((c) => c.name));
  let sidecar = 0;
  for (const c of pod.status?.initContainerStatuses ?? []) if (sidecars.has(c.name)) sidecar = Math.max(sidecar, c.restartCount ?? 0);
  return [regular, sidecar];
}

function logRank(t: number, now: number): number {
  const ns = (now - t) * 1e6;
  return ns > 0 ? Math.trunc(Math.log2(ns)) : -1;
}

/** Later-or-missing first: "a missing time sorts before any time, then the later time". */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

interface Ranked {
  pod: Pod;
  rank: number;
}

function compareTimes(a: Ranked, b: Ranked, ta: number | undefined, tb: number | undefined, now: number | undefined): boolean {
  if (now === undefined || ta === undefined || tb === undefined) return afterOrZero(ta, tb);
  const diff = logRank(ta, now) - logRank(tb, now);
  if (diff === 0) return (a.pod.metadata.uid ?? "") < (b.pod.metadata.uid ?? "");
  return diff < 0;
}

/** True when `a` should be deleted before `b` (upstream's Less). */
function deleteBefore(a: Ranked, b: Ranked, now: number | undefined): boolean {
  const na = a.pod.spec.nodeName ?? "";
  const nb = b.pod.spec.nodeName ?? "";
  if (na !== nb && (na === "" || nb === "")) return na === "";
  const pa = phaseRank(a.pod);
  const pb = phaseRank(b.pod);
  if (pa !== pb) return pa < pb;
  const ra = isPodReady(a.pod);
  const rb = isPodReady(b.pod);
  if (ra !== rb) return !ra;
  const ca = podDeletionCost(a.pod);
  const cb = podDeletionCost(b.pod);
  if (ca !== cb) return ca < cb;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (ra && rb) {
    const ta = podReadySince(a.pod);
    const tb = podReadySince(b.pod);
    if (ta !== tb) return compareTimes(a, b, ta, tb, now);
  }
  const [ga, sa] = maxRestarts(a.pod);
  const [gb, sb] = maxRestarts(b.pod);
  if (ga !== gb) return ga > gb;
  if (sa !== sb) return sa > sb;
  const ta = parseTime(a.pod.metadata.creationTimestamp);
  const tb = parseTime(b.pod.metadata.creationTimestamp);
  if (ta !== tb) return compareTimes(a, b, ta, tb, now);
  return false;
}

/** Options of podsToDelete / rankPodsForDeletion. */
export interface RankOptions {
  /**
   * Pods of the same owner family (for a Deployment's ReplicaSet: the pods of all ReplicaSets
   * of that Deployment) used to count how many active pods share each node. Defaults to the
   * pods being ranked.
   */
  related?: readonly Pod[];
  /** Reference time for the logarithmic comparison of ages; without it ages compare exactly. */
  now?: Date;
}

/** The pods sorted so that the first ones should be deleted first (a new array; inputs untouched). */
export function rankPodsForDeletion(pods: readonly Pod[], opts: RankOptions = {}): Pod[] {
  const perNode = new Map<string, number>();
  for (const p of opts.related ?? pods) {
    if (!isPodActive(p)) continue;
    const node = p.spec.nodeName ?? "";
    perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const now = opts.now?.getTime();
  const ranked: Ranked[] = pods.map((pod) => ({ pod, rank: perNode.get(pod.spec.nodeName ?? "") ?? 0 }));
  ranked.sort((a, b) => (deleteBefore(a, b, now) ? -1 : deleteBefore(b, a, now) ? 1 : 0));
  return ranked.map((r) => r.pod);
}

/** The `n` pods to delete (all of them, unsorted, when n covers every pod; none when n <= 0). */
export function podsToDelete(pods: readonly Pod[], n: number, opts: RankOptions = {}): Pod[] {
  if (n <= 0) return [];
  if (n >= pods.length) return [...pods];
  return rankPodsForDeletion(pods, opts).slice(0, n);
}
