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
import { nodeAllocatable, podRequests, sumRequests } from "./resources.js";
import { firstUntoleratedTaint, nodeTaints, podTolerations, taintKeys, toleratedBy } from "./taints.js";

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

/** A node and the pods already bound to it (terminal pods excluded by the caller). */
export interface NodeState {
  node: Node;
  pods: readonly Pod[];
}

/**
 * Why a node was rejected. `unresolvable` mirrors UnschedulableAndUnresolvable: removing
 * other pods from the node (preemption) could not help.
 */
export interface FilterFailure {
  plugin: "NodeUnschedulable" | "NodeName" | "TaintToleration" | "NodeAffinity" | "NodePorts" | "NodeResourcesFit";
  reasons: string[];
  unresolvable: boolean;
}

function nodeUnschedulable(pod: Pod, node: Node): FilterFailure | undefined {
  if (node.spec?.unschedulable !== true) return undefined;
  if (toleratedBy(podTolerations(pod), { key: taintKeys.unschedulable, effect: "NoSchedule" })) return undefined;
  return { plugin: "NodeUnschedulable", reasons: [filterReasons.unschedulable], unresolvable: true };
}

function nodeName(pod: Pod, node: Node): FilterFailure | undefined {
  const wanted = pod.spec?.nodeName;
  if (!wanted || wanted === node.metadata.name) return undefined;
  return { plugin: "NodeName", reasons: [filterReasons.nodeName], unresolvable: true };
}

function taintToleration(pod: Pod, node: Node): FilterFailure | undefined {
  const taint = firstUntoleratedTaint(nodeTaints(node), podTolerations(pod));
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

function nodePorts(pod: Pod, state: NodeState): FilterFailure | undefined {
  const wanted = hostPorts(pod);
  if (wanted.length === 0) return undefined;
  const used = state.pods.flatMap(hostPorts);
  if (!wanted.some((w) => used.some((u) => portsConflict(w, u)))) return undefined;
  return { plugin: "NodePorts", reasons: [filterReasons.nodePorts], unresolvable: false };
}

function nodeResourcesFit(pod: Pod, state: NodeState): FilterFailure | undefined {
  const alloc = nodeAllocatable(state.node);
  const want = podRequests(pod);
  const used = sumRequests(state.pods);
  const reasons: string[] = [];
  if (state.pods.length + 1 > alloc.pods) reasons.push(filterReasons.tooManyPods);
  const short = (req: number, offered: number, taken: number): boolean => req > 0 && req > offered - taken;
  if (short(want.milliCPU, alloc.milliCPU, used.milliCPU)) reasons.push(filterReasons.insufficient("cpu"));
  if (short(want.memory, alloc.memory, used.memory)) reasons.push(filterReasons.insufficient("memory"));
  if (short(want.ephemeralStorage, alloc.ephemeralStorage, used.ephemeralStorage)) reasons.push(filterReasons.insufficient("ephemeral-storage"));
  for (const name of Object.keys(want.scalar).sort()) {
    if (short(want.scalar[name], alloc.scalar[name] ?? 0, used.scalar[name] ?? 0)) reasons.push(filterReasons.insufficient(name));
  }
  return reasons.length === 0 ? undefined : { plugin: "NodeResourcesFit", reasons, unresolvable: false };
}

/**
 * Runs the filters for one node, stopping at the first that fails. Returns undefined when
 * the pod fits. Throws QuantityError if the pod (or a pod on the node) has an unparsable
 * resource request.
 */
export function filterNode(pod: Pod, state: NodeState): FilterFailure | undefined {
  return (
    nodeUnschedulable(pod, state.node) ??
    nodeName(pod, state.node) ??
    taintToleration(pod, state.node) ??
    nodeAffinity(pod, state.node) ??
    nodePorts(pod, state) ??
    nodeResourcesFit(pod, state)
  );
}
