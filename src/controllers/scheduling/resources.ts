// What a pod asks for and what a node offers, in the integer units the scheduler compares:
// CPU in millicores, memory and ephemeral storage in bytes, extended resources (vendor.io/gpu,
// hugepages-2Mi) in whole units, pods as a count.

import { isJsonObject, type JsonObject } from "../../api/json.js";
import type { Node, Pod } from "../../api/types.js";
import { quantityMilliValue, quantityValue } from "./quantity.js";

/** Resource amounts: milliCPU in millicores, the rest in whole units. */
export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended and hugepages resources, by name. */
  scalar: Record<string, number>;
}

/** What a node offers: its resources plus the number of pods it accepts. */
export interface Allocatable extends Resources {
  pods: number;
}

/** The CPU the scheduler assumes for a container that requests none, when scoring (100m). */
export const defaultMilliCPURequest = 100;
/** The memory the scheduler assumes for a container that requests none, when scoring (200Mi). */
export const defaultMemoryRequest = 200 * 1024 * 1024;

const empty = (): Resources => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: {} });

/** Names the scheduler checks beyond cpu/memory/ephemeral-storage: extended (a/b) and hugepages-*. */
export function isScalarResource(name: string): boolean {
  return name.startsWith("hugepages-") || (name.includes("/") && !name.startsWith("kubernetes.io/"));
}

function readList(list: unknown, into: Resources): void {
  if (!isJsonObject(list)) return;
  for (const [name, q] of Object.entries(list)) {
    if (typeof q !== "string" && typeof q !== "number") continue;
    if (name === "cpu") into.milliCPU = quantityMilliValue(q);
    else if (name === "memory") into.memory = quantityValue(q);
    else if (name === "ephemeral-storage") into.ephemeralStorage = quantityValue(q);
    else if (isScalarResource(name)) into.scalar[name] = quantityValue(q);
  }
}

function containerRequests(c: unknown, nonZero: boolean): Resources {
  const r = empty();
  const requests = isJsonObject(c) && isJsonObject(c.resources) ? (c.resources.requests as JsonObject | undefined) : undefined;
  readList(requests, r);
  if (nonZero) {
    if (!isJsonObject(requests) || requests.cpu === undefined) r.milliCPU = defaultMilliCPURequest;
    if (!isJsonObject(requests) || requests.memory === undefined) r.memory = defaultMemoryRequest;
  }
  return r;
}

function add(a: Resources, b: Resources): Resources {
  const scalar = { ...a.scalar };
  for (const [k, v] of Object.entries(b.scalar)) scalar[k] = (scalar[k] ?? 0) + v;
  return { milliCPU: a.milliCPU + b.milliCPU, memory: a.memory + b.memory, ephemeralStorage: a.ephemeralStorage + b.ephemeralStorage, scalar };
}

function max(a: Resources, b: Resources): Resources {
  const scalar = { ...a.scalar };
  for (const [k, v] of Object.entries(b.scalar)) scalar[k] = Math.max(scalar[k] ?? 0, v);
  return {
    milliCPU: Math.max(a.milliCPU, b.milliCPU),
    memory: Math.max(a.memory, b.memory),
    ephemeralStorage: Math.max(a.ephemeralStorage, b.ephemeralStorage),
    scalar,
  };
}

/**
 * The resources a pod requests, as the scheduler counts them: the sum over its containers,
 * or the peak of its init phase if higher (each init container runs alone, beside the
 * restartable "sidecar" init containers started before it, which also stay for the pod's
 * life), plus spec.overhead. With `nonZero`, a container without a cpu or memory request
 * counts 100m / 200Mi — used for scoring only, so that empty pods still spread.
 * Throws QuantityError when a request does not parse.
 */
export function podRequests(pod: Pod, opts: { nonZero?: boolean } = {}): Resources {
  const nonZero = opts.nonZero ?? false;
  // The scheduler asks for every pod on every candidate node for every pod it places: compute
  // once per pod spec object (cached objects are replaced on update, never changed in place).
  const memo = nonZero ? nonZeroRequestsMemo : requestsMemo;
  const spec = pod.spec as object | undefined;
  const known = spec ? memo.get(spec) : undefined;
  if (known) return known;
  const computed = frozen(computePodRequests(pod, nonZero));
  if (spec) memo.set(spec, computed);
  return computed;
}

const requestsMemo = new WeakMap<object, Resources>();
const nonZeroRequestsMemo = new WeakMap<object, Resources>();
const allocatableMemo = new WeakMap<object, Allocatable>();

function frozen<T extends Resources>(r: T): T {
  Object.freeze(r.scalar);
  return Object.freeze(r);
}

function computePodRequests(pod: Pod, nonZero: boolean): Resources {
  let total = empty();
  for (const c of Array.isArray(pod.spec?.containers) ? pod.spec.containers : []) total = add(total, containerRequests(c, nonZero));
  let sidecars = empty();
  let initPeak = empty();
  for (const c of Array.isArray(pod.spec?.initContainers) ? pod.spec.initContainers : []) {
    const r = containerRequests(c, nonZero);
    if (c.restartPolicy === "Always") {
      total = add(total, r);
      sidecars = add(sidecars, r);
      initPeak = max(initPeak, sidecars);
    } else {
      initPeak = max(initPeak, add(r, sidecars));
    }
  }
  total = max(total, initPeak);
  const overhead = empty();
  readList(pod.spec?.overhead, overhead);
  return add(total, overhead);
}

function tolerantValue(q: unknown, milli: boolean): number {
  if (typeof q !== "string" && typeof q !== "number") return 0;
  try {
    return milli ? quantityMilliValue(q) : quantityValue(q);
  } catch {
    return 0; // a node reporting garbage offers nothing of that resource
  }
}

/**
 * What a node offers pods: status.allocatable (status.capacity when the node reports no
 * allocatable at all — kubelet always reports both, this only helps hand-made nodes). A
 * missing or unparsable entry offers zero of that resource, so such a node fits no pod
 * that requests it (and with pods unset, no pod at all: "Too many pods").
 */
export function nodeAllocatable(node: Node): Allocatable {
  const status = node.status as object | undefined;
  const known = status ? allocatableMemo.get(status) : undefined;
  if (known) return known;
  const computed = frozen(computeNodeAllocatable(node));
  if (status) allocatableMemo.set(status, computed);
  return computed;
}

function computeNodeAllocatable(node: Node): Allocatable {
  const list = node.status?.allocatable ?? node.status?.capacity ?? {};
  const out: Allocatable = { ...empty(), pods: 0 };
  for (const [name, q] of Object.entries(list)) {
    if (name === "cpu") out.milliCPU = tolerantValue(q, true);
    else if (name === "memory") out.memory = tolerantValue(q, false);
    else if (name === "ephemeral-storage") out.ephemeralStorage = tolerantValue(q, false);
    else if (name === "pods") out.pods = tolerantValue(q, false);
    else if (isScalarResource(name)) out.scalar[name] = tolerantValue(q, false);
  }
  return out;
}

/** Sum of the requests of the given pods (with `nonZero`, the scoring view). */
export function sumRequests(pods: readonly Pod[], opts: { nonZero?: boolean } = {}): Resources {
  return pods.reduce((acc, p) => add(acc, podRequests(p, opts)), empty());
}
