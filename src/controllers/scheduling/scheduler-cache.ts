// The scheduler's cache, after kube-scheduler's: one NodeInfo per node, fed by the node and pod
// informers, plus the pods this scheduler has "assumed" — decided and being bound, but not yet
// shown bound by the watch. Without assumptions, pods scheduled one after the other, faster
// than the watch delivers each binding, would all see the same empty nodes and pile onto one.
// Each change costs O(1) (a node added or removed: one re-sort of the node list); a decision
// reads the NodeInfos as they are. Pure bookkeeping, no I/O.

import type { Node, Pod } from "../../api/types.js";
import { objectKey } from "../../client/index.js";
import { NodeInfo, countsOnNode, type KnownNodeInfo } from "./node-info.js";

/** How long an assumption lives without being confirmed by the informer; default 5 minutes. */
export const defaultAssumedTtlMs = 5 * 60_000;

/**
 * NodeInfos by node name, kept in step with what the informers report and what this scheduler
 * assumed. Contract:
 * - A pod is counted on at most one node: the node the informer shows it bound to while it is
 *   not Succeeded/Failed, or the node it was assumed on.
 * - An assumption (`assume`) ends when the informer shows the pod bound — to any node — or
 *   deleted, when `forget` is called (the binding failed), or at an `expire` call once older
 *   than the TTL. While the informer still shows the pod unbound (a lagging watch) it stays.
 * - Pods may name a node the node informer has not shown (yet): they are counted, and the
 *   node is offered for scheduling once `setNode` brings its Node.
 * Pods and nodes given are kept as they are (shared informer objects): never mutated.
 */
export class SchedulerCache {
  readonly #infos = new Map<string, NodeInfo>();
  /** Pod key → the node it is counted on. */
  readonly #pods = new Map<string, string>();
  /** Pod key → when it was assumed. */
  readonly #assumed = new Map<string, number>();
  #known: KnownNodeInfo[] | undefined;

  /** The nodes with a Node object, by name, each with the pods counted on it. */
  nodeInfos(): readonly KnownNodeInfo[] {
    this.#known ??= [...this.#infos.values()]
      .filter((i): i is KnownNodeInfo => i.node !== undefined)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return this.#known;
  }

  /** The NodeInfo of `name`, if it has a Node or pods. */
  nodeInfo(name: string): NodeInfo | undefined {
    return this.#infos.get(name);
  }

  /** Number of pods assumed and not yet confirmed, forgotten or expired. */
  get assumedCount(): number {
    return this.#assumed.size;
  }

  isAssumed(key: string): boolean {
    return this.#assumed.has(key);
  }

  /** A node was added or changed. */
  setNode(node: Node): void {
    const name = node.metadata.name ?? "";
    let info = this.#infos.get(name);
    if (!info) this.#infos.set(name, (info = new NodeInfo(name)));
    if (!info.node) this.#known = undefined;
    info.node = node;
  }

  /** A node was deleted; pods still counted on it stay until they go too. */
  removeNode(name: string): void {
    const info = this.#infos.get(name);
    if (!info?.node) return;
    info.node = undefined;
    this.#known = undefined;
    if (info.podCount === 0) this.#infos.delete(name);
  }

  /** What the pod informer now holds for `key` (undefined: deleted). */
  observePod(key: string, pod: Pod | undefined): void {
    // A lagging watch still shows an assumed pod unbound: the assumption stands.
    if (this.#assumed.has(key) && pod && !pod.spec?.nodeName) return;
    this.#uncount(key);
    if (countsOnNode(pod)) this.#count(key, pod, pod.spec.nodeName);
  }

  /** Counts `pod` on `node` as being bound there, from time `now`; returns the pod as counted. */
  assume(pod: Pod, node: string, now: number): Pod {
    const key = objectKey(pod);
    const assumed = Object.freeze({ ...pod, spec: Object.freeze({ ...pod.spec, nodeName: node }) });
    this.#uncount(key);
    this.#count(key, assumed, node);
    this.#assumed.set(key, now);
    return assumed;
  }

  /** The binding of an assumed pod failed: stop counting it. */
  forget(key: string): void {
    if (this.#assumed.has(key)) this.#uncount(key);
  }

  /** Drops assumptions made more than `ttlMs` before `now`. */
  expire(now: number, ttlMs = defaultAssumedTtlMs): void {
    for (const [key, at] of this.#assumed) if (now - at > ttlMs) this.#uncount(key);
  }

  #count(key: string, pod: Pod, node: string): void {
    let info = this.#infos.get(node);
    if (!info) this.#infos.set(node, (info = new NodeInfo(node)));
    info.addPod(pod, key);
    this.#pods.set(key, node);
  }

  #uncount(key: string): void {
    this.#assumed.delete(key);
    const node = this.#pods.get(key);
    if (node === undefined) return;
    this.#pods.delete(key);
    const info = this.#infos.get(node);
    info?.removePod(key);
    if (info && !info.node && info.podCount === 0) this.#infos.delete(node);
  }
}
