// One node as the scheduler sees it (kube-scheduler's NodeInfo): the Node and the pods counted
// on it, with what the filters and scores read — what the node offers, what its pods request,
// live pods per controller, taints — worked out when the node or a pod changes, not for every
// pod placed. The numbers the filters read for each of hundreds of nodes per pod are plain
// fields of this one object: with thousands of nodes, reaching several separate objects per
// node cost more in memory stalls than the checks themselves.

import type { Node, Pod } from "../../api/types.js";
import { objectKey } from "../../client/index.js";
import { QuantityError } from "./quantity.js";
import { nodeAllocatable, podRequests, type Allocatable, type Resources } from "./resources.js";
import { nodeTaints, type Taint } from "./taints.js";

/** A NodeInfo whose Node the informer has shown (not only pods bound to its name). */
export type KnownNodeInfo = NodeInfo & { readonly node: Node };

const noTaints: readonly Taint[] = Object.freeze([]);
const noAllocatable: Allocatable = Object.freeze({ milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: Object.freeze({}), pods: 0 });

const controllerUid = (pod: Pod): string | undefined => pod.metadata.ownerReferences?.find((r) => r.controller === true)?.uid;

/** The key under which a pod counts for its controller: live pods only (not being deleted). */
function ownerKey(pod: Pod): string | undefined {
  const uid = controllerUid(pod);
  return uid === undefined || pod.metadata.deletionTimestamp ? undefined : `${pod.metadata.namespace ?? ""}/${uid}`;
}

/**
 * A pod's requests as counted on a node. A pod already bound with a request that does not
 * parse (the API validates quantities, so only hand-written stores have these) counts as
 * requesting nothing rather than making every decision about its node fail.
 */
function countedRequests(pod: Pod, nonZero: boolean): Resources | undefined {
  try {
    return podRequests(pod, { nonZero });
  } catch (e) {
    if (e instanceof QuantityError) return undefined;
    throw e;
  }
}

/**
 * A node and the pods counted on it, keyed "namespace/name". Contract: every total always
 * agrees with the pods added and not removed; adding a pod under a key already present
 * replaces it. Pods are kept as given (shared, frozen informer objects): never mutated.
 * `node` is undefined while only pods name the node (its offer is then zero).
 */
export class NodeInfo {
  readonly name: string;
  #node: Node | undefined;
  #allocatable: Allocatable = noAllocatable;
  #offeredMilliCPU = 0;
  #offeredMemory = 0;
  #offeredEphemeralStorage = 0;
  #offeredPods = 0;
  #taints: readonly Taint[] = noTaints;
  #unschedulable = false;
  readonly #pods = new Map<string, Pod>();
  #list: readonly Pod[] | undefined;
  #podCount = 0;
  #milliCPU = 0;
  #memory = 0;
  #ephemeralStorage = 0;
  /** Extended resources requested, by name; allocated on the first pod that asks for one. */
  #scalar: Record<string, number> | undefined;
  #nonZeroMilliCPU = 0;
  #nonZeroMemory = 0;
  readonly #owners = new Map<string, number>();

  constructor(name: string, node?: Node) {
    this.name = name;
    this.node = node;
  }

  get node(): Node | undefined {
    return this.#node;
  }

  /** Sets (or, with undefined, forgets) the Node; what the filters read of it is worked out now. */
  set node(node: Node | undefined) {
    this.#node = node;
    const a = (this.#allocatable = node ? nodeAllocatable(node) : noAllocatable);
    this.#offeredMilliCPU = a.milliCPU;
    this.#offeredMemory = a.memory;
    this.#offeredEphemeralStorage = a.ephemeralStorage;
    this.#offeredPods = a.pods;
    const taints = node ? nodeTaints(node) : noTaints;
    this.#taints = taints.length > 0 ? taints : noTaints;
    this.#unschedulable = node?.spec?.unschedulable === true;
  }

  /** What the node offers pods (nodeAllocatable); zero without a Node. */
  get allocatable(): Allocatable {
    return this.#allocatable;
  }

  /** allocatable.milliCPU. */
  get allocatableMilliCPU(): number {
    return this.#offeredMilliCPU;
  }

  /** allocatable.memory. */
  get allocatableMemory(): number {
    return this.#offeredMemory;
  }

  /** allocatable.ephemeralStorage. */
  get allocatableEphemeralStorage(): number {
    return this.#offeredEphemeralStorage;
  }

  /** allocatable.pods. */
  get allocatablePods(): number {
    return this.#offeredPods;
  }

  /** node.spec.unschedulable === true. */
  get unschedulable(): boolean {
    return this.#unschedulable;
  }

  /** nodeTaints(node). */
  get taints(): readonly Taint[] {
    return this.#taints;
  }

  /** The pods counted here, in the order they were added. */
  get pods(): readonly Pod[] {
    return (this.#list ??= [...this.#pods.values()]);
  }

  get podCount(): number {
    return this.#podCount;
  }

  /** Requested CPU in millicores, summed over the pods (as sumRequests). */
  get requestedMilliCPU(): number {
    return this.#milliCPU;
  }

  /** Requested memory in bytes, summed over the pods. */
  get requestedMemory(): number {
    return this.#memory;
  }

  /** Requested ephemeral storage in bytes, summed over the pods. */
  get requestedEphemeralStorage(): number {
    return this.#ephemeralStorage;
  }

  /** Requested amount of an extended resource, summed over the pods. */
  requestedScalar(name: string): number {
    return this.#scalar?.[name] ?? 0;
  }

  /** CPU requested in the scoring view (a container without a request counts 100m). */
  get nonZeroRequestedMilliCPU(): number {
    return this.#nonZeroMilliCPU;
  }

  /** Memory requested in the scoring view (a container without a request counts 200Mi). */
  get nonZeroRequestedMemory(): number {
    return this.#nonZeroMemory;
  }

  /** All requests as one value, as sumRequests(pods) gives them (extended resources at zero left out). */
  get requested(): Resources {
    const scalar = Object.fromEntries(Object.entries(this.#scalar ?? {}).filter(([, v]) => v !== 0));
    return { milliCPU: this.#milliCPU, memory: this.#memory, ephemeralStorage: this.#ephemeralStorage, scalar };
  }

  /** Pods here in `namespace`, controlled by `uid`, not being deleted. */
  ownerPods(namespace: string, uid: string): number {
    return this.#owners.size === 0 ? 0 : (this.#owners.get(`${namespace}/${uid}`) ?? 0);
  }

  has(key: string): boolean {
    return this.#pods.has(key);
  }

  /** Counts `pod` here under `key` (default its own key), replacing what was there. */
  addPod(pod: Pod, key: string = objectKey(pod)): void {
    this.removePod(key);
    this.#pods.set(key, pod);
    this.#list = undefined;
    this.#count(pod, 1);
  }

  /** Stops counting the pod under `key`; false if it was not counted here. */
  removePod(key: string): boolean {
    const pod = this.#pods.get(key);
    if (!pod) return false;
    this.#pods.delete(key);
    this.#list = undefined;
    this.#count(pod, -1);
    return true;
  }

  /** Adds (sign 1) or takes back (sign -1) the pod's share of every total. */
  #count(pod: Pod, sign: 1 | -1): void {
    this.#podCount += sign;
    const r = countedRequests(pod, false);
    if (r) {
      this.#milliCPU += sign * r.milliCPU;
      this.#memory += sign * r.memory;
      this.#ephemeralStorage += sign * r.ephemeralStorage;
      for (const name in r.scalar) {
        this.#scalar ??= {};
        this.#scalar[name] = (this.#scalar[name] ?? 0) + sign * r.scalar[name];
      }
    }
    const nz = countedRequests(pod, true);
    if (nz) {
      this.#nonZeroMilliCPU += sign * nz.milliCPU;
      this.#nonZeroMemory += sign * nz.memory;
    }
    const owner = ownerKey(pod);
    if (owner !== undefined) {
      const n = (this.#owners.get(owner) ?? 0) + sign;
      if (n > 0) this.#owners.set(owner, n);
      else this.#owners.delete(owner);
    }
  }
}

const isTerminal = (p: Pod): boolean => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";

/**
 * Does the scheduler count this pod on a node? Bound (spec.nodeName set) and not finished:
 * Succeeded and Failed pods hold no resources, as in kube-scheduler.
 */
export function countsOnNode(pod: Pod | undefined): pod is Pod & { spec: { nodeName: string } } {
  return Boolean(pod?.spec?.nodeName) && !isTerminal(pod as Pod);
}

/** A NodeInfo for `node` counting exactly `pods` (as given: no filtering). */
export function nodeInfoOf(node: Node, pods: readonly Pod[]): KnownNodeInfo {
  const info = new NodeInfo(node.metadata.name ?? "", node) as KnownNodeInfo;
  for (const p of pods) info.addPod(p);
  return info;
}

/**
 * NodeInfos for `nodes` (in the order given) with the counted pods of `pods` on them — for
 * one-off decisions and tests; the scheduler keeps its NodeInfos up to date in SchedulerCache.
 */
export function nodeInfosOf(nodes: readonly Node[], pods: readonly Pod[]): KnownNodeInfo[] {
  const infos = nodes.map((n) => nodeInfoOf(n, []));
  const byName = new Map(infos.map((i) => [i.name, i]));
  for (const p of pods) if (countsOnNode(p)) byName.get(p.spec.nodeName)?.addPod(p);
  return infos;
}
