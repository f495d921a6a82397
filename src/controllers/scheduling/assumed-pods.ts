// The scheduler's view of pods it has placed but the informers have not yet shown as bound
// ("assumed" pods, as in kube-scheduler's cache). Without them, pods scheduled one after the
// other — faster than the watch delivers each binding — would all see the same empty nodes
// and pile onto one. Pure bookkeeping; the scheduler feeds it informer events.

import { deepCopy, deepFreeze } from "../../api/json.js";
import type { Pod } from "../../api/types.js";
import { objectKey } from "../../client/index.js";

/** How long an assumption lives without being confirmed by the informer; default 5 minutes. */
export const defaultAssumedTtlMs = 5 * 60_000;

interface Assumption {
  pod: Pod;
  at: number;
}

/**
 * Pods the scheduler has decided on, keyed "namespace/name". Contract: `assume` records a
 * frozen copy of the pod with spec.nodeName set; the entry goes when `forget` is called (the
 * binding failed), when `observe` sees the pod bound or deleted in the informer, or when it is
 * older than the TTL at an `expire` call. Never mutates the pods it is given.
 */
export class AssumedPods {
  readonly #byKey = new Map<string, Assumption>();

  get size(): number {
    return this.#byKey.size;
  }

  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  /** Records that `pod` is being bound to `node` at time `now`; returns the assumed copy. */
  assume(pod: Pod, node: string, now: number): Pod {
    const copy = deepCopy(pod);
    copy.spec = { ...copy.spec, nodeName: node };
    deepFreeze(copy);
    this.#byKey.set(objectKey(pod), { pod: copy, at: now });
    return copy;
  }

  forget(key: string): void {
    this.#byKey.delete(key);
  }

  /**
   * Tells what the informer now holds for `key` (undefined: deleted). A pod shown bound — to
   * any node — or gone ends the assumption; an unbound one (a watch lagging) keeps it.
   */
  observe(key: string, pod: Pod | undefined): void {
    if (!pod || pod.spec?.nodeName) this.#byKey.delete(key);
  }

  /** Drops assumptions made more than `ttlMs` before `now`. */
  expire(now: number, ttlMs = defaultAssumedTtlMs): void {
    for (const [key, a] of this.#byKey) if (now - a.at > ttlMs) this.#byKey.delete(key);
  }

  /** The assumed pods, each with its chosen node in spec.nodeName. */
  pods(): Pod[] {
    return [...this.#byKey.values()].map((a) => a.pod);
  }
}

/**
 * Node name → pods on it, for schedulePod: the pods the informer shows bound to each of
 * `nodeNames` (via `boundTo`), plus assumed pods on those nodes that the informer does not yet
 * show there. A pod is counted once, on one node.
 */
export function podsOnNodes(nodeNames: readonly string[], boundTo: (node: string) => readonly Pod[], assumed: readonly Pod[]): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  const seen = new Set<string>();
  for (const name of nodeNames) {
    const pods = [...boundTo(name)];
    for (const p of pods) seen.add(objectKey(p));
    out.set(name, pods);
  }
  for (const p of assumed) {
    const key = objectKey(p);
    const list = out.get(p.spec?.nodeName ?? "");
    if (!list || seen.has(key)) continue;
    list.push(p);
    seen.add(key);
  }
  return out;
}
