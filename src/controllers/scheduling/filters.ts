// The scheduler's Filter plugins, in kube-scheduler's default order: NodeUnschedulable,
// NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit. A node is rejected by
// the first plugin that fails, with that plugin's reason(s); the reasons are Kubernetes'
// exact texts because they end up in the pod's PodScheduled condition and events.
//
// Node readiness is not checked here, as in Kubernetes: a NotReady or unreachable node keeps
// pods away through the node.kubernetes.io/not-ready and /unreachable NoSchedule taints the
// node lifecycle controller puts on it (see ../nodelifecycle/node-taints.ts).

import type { Node, Pod } from "../../api/types.js";
import { matchesNodeSelectorAndAffinity } from "./node-affinity.js";
import type { KnownNodeInfo } from "./node-info.js";
import { podRequests } from "./resources.js";
import { firstUntoleratedTaint, podTolerations, taintKeys, toleratedBy } from "./taints.js";

/** Reason texts of the filter plugins, as kube-scheduler 1.32 words them. */
export const filterReasons = {
  unschedulable: "node(s) were unschedulable",
  nodeName: "node(s) didn't match the requested node name",
  nodeAffinity: "node(s) didn't match Pod's node affinity/selector",
  nodePorts: "node(s) didn't have free ports for the requested pod ports",
  tooManyPods: "Too many pods",
  untoleratedTaint: (key: string, value: string): string => `node(s) had untolerated taint {${key}: ${value}}`,
  insufficient: (resource: string): string => `Insufficient ${resource}`,
} as const;

/**
 * Why a node was rejected. `unresolvable` mirrors UnschedulableAndUnresolvable: removing
 * other pods from the node (preemption) could not help.
 */
export interface FilterFailure {
  plugin: "NodeUnschedulable" | "NodeName" | "TaintToleration" | "NodeAffinity" | "NodePorts" | "NodeResourcesFit";
  reasons: string[];
  unresolvable: boolean;
}

function nodeUnschedulable(pod: Pod, info: KnownNodeInfo): FilterFailure | undefined {
  if (!info.unschedulable) return undefined;
  if (toleratedBy(podTolerations(pod), { key: taintKeys.unschedulable, effect: "NoSchedule" })) return undefined;
  return { plugin: "NodeUnschedulable", reasons: [filterReasons.unschedulable], unresolvable: true };
}

function nodeName(pod: Pod, info: KnownNodeInfo): FilterFailure | undefined {
  const wanted = pod.spec?.nodeName;
  if (!wanted || wanted === info.name) return undefined;
  return { plugin: "NodeName", reasons: [filterReasons.nodeName], unresolvable: true };
}

function taintToleration(pod: Pod, info: KnownNodeInfo): FilterFailure | undefined {
  const taints = info.taints;
  if (taints.length === 0) return undefined;
  const taint = firstUntoleratedTaint(taints, podTolerations(pod));
  if (!taint) return undefined;
  return { plugin: "TaintToleration", reasons: [filterReasons.untoleratedTaint(taint.key, taint.value ?? "")], unresolvable: true };
}

function nodeAffinity(pod: Pod, node: Node): FilterFailure | undefined {
  if (matchesNodeSelectorAndAffinity(pod, node)) return undefined;
  return { plugin: "NodeAffinity", reasons: [filterReasons.nodeAffinity], unresolvable: true };
}

interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of Array.isArray(pod.spec?.containers) ? pod.spec.containers : []) {
    for (const p of Array.isArray(c.ports) ? c.ports : []) {
      if (typeof p.hostPort === "number" && p.hostPort > 0) out.push({ ip: p.hostIP || "0.0.0.0", protocol: p.protocol ?? "TCP", port: p.hostPort });
    }
  }
  return out;
}

function portsConflict(a: HostPort, b: HostPort): boolean {
  return a.port === b.port && a.protocol === b.protocol && (a.ip === b.ip || a.ip === "0.0.0.0" || b.ip === "0.0.0.0");
}

function nodePorts(pod: Pod, info: KnownNodeInfo): FilterFailure | undefined {
  const wanted = hostPorts(pod);
  if (wanted.length === 0) return undefined;
  const used = info.pods.flatMap(hostPorts);
  if (!wanted.some((w) => used.some((u) => portsConflict(w, u)))) return undefined;
  return { plugin: "NodePorts", reasons: [filterReasons.nodePorts], unresolvable: false };
}

/** Does a request of `req` not fit into `offered` of which `taken` is used? (Nothing asked always fits.) */
const short = (req: number, offered: number, taken: number): boolean => req > 0 && req > offered - taken;

function nodeResourcesFit(pod: Pod, info: KnownNodeInfo): FilterFailure | undefined {
  const want = podRequests(pod);
  const reasons: string[] = [];
  if (info.podCount + 1 > info.allocatablePods) reasons.push(filterReasons.tooManyPods);
  if (short(want.milliCPU, info.allocatableMilliCPU, info.requestedMilliCPU)) reasons.push(filterReasons.insufficient("cpu"));
  if (short(want.memory, info.allocatableMemory, info.requestedMemory)) reasons.push(filterReasons.insufficient("memory"));
  if (short(want.ephemeralStorage, info.allocatableEphemeralStorage, info.requestedEphemeralStorage)) reasons.push(filterReasons.insufficient("ephemeral-storage"));
  const shortScalars: string[] = [];
  for (const name in want.scalar) {
    if (short(want.scalar[name], info.allocatable.scalar[name] ?? 0, info.requestedScalar(name))) shortScalars.push(name);
  }
  for (const name of shortScalars.sort()) reasons.push(filterReasons.insufficient(name));
  return reasons.length === 0 ? undefined : { plugin: "NodeResourcesFit", reasons, unresolvable: false };
}

/**
 * Runs the filters for one node, stopping at the first that fails. Returns undefined when
 * the pod fits. Throws QuantityError if the pod has an unparsable resource request (pods
 * already on the node are counted by NodeInfo, which takes such a request as zero).
 */
export function filterNode(pod: Pod, info: KnownNodeInfo): FilterFailure | undefined {
  return (
    nodeUnschedulable(pod, info) ??
    nodeName(pod, info) ??
    taintToleration(pod, info) ??
    nodeAffinity(pod, info.node) ??
    nodePorts(pod, info) ??
    nodeResourcesFit(pod, info)
  );
}
