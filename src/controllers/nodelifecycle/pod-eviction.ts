// What happens to pods on a failing node, as pure decisions:
//  - podsToMarkNotReady: the node lifecycle controller's MarkPodsNotReady — when it takes a
//    node out of Ready, the pods there stop being Ready (so endpoints drop them at once).
//  - evictionPlan: the taint eviction controller — pods on a node with NoExecute taints are
//    deleted at once if they do not tolerate one of them, or when the shortest
//    tolerationSeconds among the tolerations used runs out; forever if none is bounded.
//  - defaultTolerations: the DefaultTolerationSeconds admission plugin, which gives every new
//    pod 300 s of tolerance for the not-ready and unreachable NoExecute taints.

import { deepCopy } from "../../api/json.js";
export { defaultTolerationSeconds, defaultTolerations } from "../../api/defaults/pod-tolerations.js";
import type { Condition, Node, Pod } from "../../api/types.js";
import { parseTime, rfc3339 } from "../../api/time.js";
import { podTolerations, toleratesTaint, type Taint, type Toleration } from "../scheduling/taints.js";


/** Event the taint eviction controller records on a pod it deletes (type Normal). */
export const taintEvictionEvent = { reason: "TaintManagerEviction", message: (key: string): string => `Marking for deletion Pod ${key}` };
/** Event recorded on each pod marked NotReady (type Warning). */
export const podNodeNotReadyEvent = { reason: "NodeNotReady", message: "Node is not ready" };

/**
 * The pods whose Ready condition must turn False because their node is not Ready: copies
 * of the pods bound to `node` whose Ready condition is not already False, with only that
 * condition changed — status False and lastTransitionTime `now`; its reason and message stay
 * as they were, as Kubernetes does. Pods without a Ready condition are left alone. Empty
 * when the node is Ready. Never mutates its inputs.
 */
export function podsToMarkNotReady(node: Node, pods: readonly Pod[], opts: { now: number }): Pod[] {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status === "True") return [];
  const out: Pod[] = [];
  for (const pod of pods) {
    if (!node.metadata.name || pod.spec?.nodeName !== node.metadata.name) continue;
    const i = pod.status?.conditions?.findIndex((c) => c.type === "Ready") ?? -1;
    if (i < 0 || pod.status?.conditions?.[i].status === "False") continue;
    const copy = deepCopy(pod);
    const conditions = copy.status?.conditions as Condition[];
    conditions[i] = { ...conditions[i], status: "False", lastTransitionTime: rfc3339(opts.now) };
    out.push(copy);
  }
  return out;
}


/** One pod's place in an eviction plan. Times are epoch milliseconds. */
export interface PodEviction {
  pod: Pod;
  /** "namespace/name". */
  key: string;
  /** When the pod's toleration clock started. */
  since: number;
  /** When the pod is to be deleted (equal to `since` for untolerated taints). */
  due: number;
  /** Why: a NoExecute taint the pod does not tolerate, or its tolerationSeconds ran out. */
  reason: "untolerated" | "tolerationExpired";
}

/** The outcome of evictionPlan. */
export interface EvictionPlan {
  /** Delete these now (after setting the DisruptionTarget condition; see disruptionTargetCondition). */
  evictNow: PodEviction[];
  /** These will be due later; nothing to do yet. */
  later: PodEviction[];
  /** The earliest `due` among `later`, when to evaluate again; undefined if none. */
  nextAt?: number;
}

/** The smallest tolerationSeconds among `used` in ms; undefined = forever; ≤ 0 counts as 0. */
function minToleration(used: readonly Toleration[]): number | undefined {
  let min: number | undefined;
  for (const t of used) {
    if (typeof t.tolerationSeconds !== "number") continue;
    const ms = Math.max(0, t.tolerationSeconds) * 1000;
    min = min === undefined ? ms : Math.min(min, ms);
  }
  return min;
}

/**
 * Which of the pods on a node (whose taints are `taints`) to delete now and which later.
 * Only NoExecute taints matter; each one must be tolerated by one of the pod's tolerations
 * (the first that matches is the one used), else the pod goes at once. A pod's clock starts at
 * `started.get(key)` when given (carry `since` over from the previous plan, as Kubernetes
 * keeps a pod's timer while any NoExecute taint remains), else at the earliest timeAdded of
 * the node's NoExecute taints, else `now`. Pods already being deleted are skipped; pods with
 * no NoExecute taint to worry about, or tolerating them forever, are in neither list.
 */
export function evictionPlan(
  taints: readonly Taint[],
  pods: readonly Pod[],
  opts: { now: number; started?: ReadonlyMap<string, number> },
): EvictionPlan {
  const { now } = opts;
  const noExecute = taints.filter((t) => t.effect === "NoExecute");
  const plan: EvictionPlan = { evictNow: [], later: [] };
  if (noExecute.length === 0) return plan;
  const added = noExecute.map((t) => parseTime(t.timeAdded)).filter((x): x is number => x !== undefined);
  const taintedSince = added.length > 0 ? Math.min(...added) : now;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const key = `${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}`;
    const tolerations = podTolerations(pod);
    const used: Toleration[] = [];
    let untolerated = false;
    for (const taint of noExecute) {
      const t = tolerations.find((x) => toleratesTaint(x, taint));
      if (t) used.push(t);
      else untolerated = true;
    }
    const since = opts.started?.get(key) ?? taintedSince;
    if (untolerated) {
      plan.evictNow.push({ pod, key, since: now, due: now, reason: "untolerated" });
      continue;
    }
    const wait = minToleration(used);
    if (wait === undefined) continue;
    const entry: PodEviction = { pod, key, since, due: since + wait, reason: "tolerationExpired" };
    if (entry.due <= now) plan.evictNow.push(entry);
    else plan.later.push(entry);
  }
  if (plan.later.length > 0) plan.nextAt = Math.min(...plan.later.map((e) => e.due));
  return plan;
}

/**
 * The condition the taint eviction controller sets on a pod before deleting it:
 * DisruptionTarget=True, reason DeletionByTaintManager.
 */
export function disruptionTargetCondition(opts: { now: number }): Condition {
  return {
    type: "DisruptionTarget",
    status: "True",
    lastProbeTime: null,
    lastTransitionTime: rfc3339(opts.now),
    reason: "DeletionByTaintManager",
    message: "Taint manager: deleting due to NoExecute taint",
  };
}
