// Taints and tolerations: typed views of node.spec.taints and pod.spec.tolerations, the
// well-known taint keys, and the matching rule every component shares (scheduler filter,
// taint-based eviction, DefaultTolerationSeconds admission).

import { isJsonObject } from "../../api/json.js";
import type { Node, Pod } from "../../api/types.js";

/** The three taint effects. */
export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

/** core/v1 Taint as it travels on the wire. */
export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
  /** RFC 3339; set only on NoExecute taints and on taints the node lifecycle controller adds. */
  timeAdded?: string;
}

/** core/v1 Toleration as it travels on the wire. An empty operator means Equal. */
export interface Toleration {
  key?: string;
  operator?: "Equal" | "Exists" | "";
  value?: string;
  effect?: TaintEffect | "";
  tolerationSeconds?: number | null;
}

/** Taint keys set by the node lifecycle controller (and kubelet) for node conditions. */
export const taintKeys = {
  notReady: "node.kubernetes.io/not-ready",
  unreachable: "node.kubernetes.io/unreachable",
  unschedulable: "node.kubernetes.io/unschedulable",
  memoryPressure: "node.kubernetes.io/memory-pressure",
  diskPressure: "node.kubernetes.io/disk-pressure",
  pidPressure: "node.kubernetes.io/pid-pressure",
  networkUnavailable: "node.kubernetes.io/network-unavailable",
} as const;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/**
 * Typed views are asked for on every node for every pod the scheduler places: each is worked
 * out once per frozen spec (informer objects are frozen and replaced on update, never changed).
 */
const taintsMemo = new WeakMap<object, readonly Taint[]>();
const tolerationsMemo = new WeakMap<object, readonly Toleration[]>();

function memoized<T>(memo: WeakMap<object, readonly T[]>, spec: object | undefined, compute: () => T[]): readonly T[] {
  if (!spec || !Object.isFrozen(spec)) return compute();
  let known = memo.get(spec);
  if (!known) {
    const computed = compute();
    for (const x of computed) Object.freeze(x);
    memo.set(spec, (known = Object.freeze(computed)));
  }
  return known;
}

/** The node's taints, typed; malformed entries (no key or effect) are skipped. Never mutates. */
export function nodeTaints(node: Node): readonly Taint[] {
  return memoized(taintsMemo, node.spec, () => {
    const raw = node.spec?.taints;
    if (!Array.isArray(raw)) return [];
    const out: Taint[] = [];
    for (const t of raw) {
      if (!isJsonObject(t) || typeof t.key !== "string" || typeof t.effect !== "string") continue;
      const taint: Taint = { key: t.key, effect: t.effect as TaintEffect };
      if (str(t.value) !== undefined) taint.value = str(t.value);
      if (str(t.timeAdded) !== undefined) taint.timeAdded = str(t.timeAdded);
      out.push(taint);
    }
    return out;
  });
}

/** The pod's tolerations, typed; non-object entries are skipped. Never mutates. */
export function podTolerations(pod: Pod): readonly Toleration[] {
  return memoized(tolerationsMemo, pod.spec, () => {
    const raw = pod.spec?.tolerations;
    if (!Array.isArray(raw)) return [];
    return raw.filter(isJsonObject).map((t) => {
      const out: Toleration = {};
      if (typeof t.key === "string") out.key = t.key;
      if (typeof t.operator === "string") out.operator = t.operator as Toleration["operator"];
      if (typeof t.value === "string") out.value = t.value;
      if (typeof t.effect === "string") out.effect = t.effect as Toleration["effect"];
      if (typeof t.tolerationSeconds === "number") out.tolerationSeconds = t.tolerationSeconds;
      return out;
    });
  });
}

/**
 * Whether one toleration tolerates one taint: effects must match unless the toleration's is
 * empty, keys must match unless the toleration's is empty (only valid with Exists), and then
 * Exists matches any value while Equal (or no operator) needs equal values.
 */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? "") {
    case "":
    case "Equal":
      return (toleration.value ?? "") === (taint.value ?? "");
    case "Exists":
      return true;
    default:
      return false;
  }
}

/** Whether any of the tolerations tolerates the taint. */
export function toleratedBy(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => toleratesTaint(t, taint));
}

/**
 * The first NoSchedule or NoExecute taint (in node order) that no toleration tolerates, or
 * undefined when the pod may be scheduled as far as taints go.
 */
export function firstUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  return taints.find((t) => (t.effect === "NoSchedule" || t.effect === "NoExecute") && !toleratedBy(tolerations, t));
}

/** Two taints are the same slot on a node when key and effect match (value and time may differ). */
export function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}
