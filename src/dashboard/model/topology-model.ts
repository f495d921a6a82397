// The topology as graph elements: every Node as a box, the pods inside their node's box (name, IP,
// ready or not; pods not yet on a node in a box of their own), the services that match the filter —
// at most `maxServices` of them, so the drawing stays bounded at thousands of services — and an
// edge from each drawn service to each pod its endpoints name (dashed when not ready). Pure: the
// graph view hands these to the drawing library as they are.

import type { Endpoints, Node, Service } from "../../api/types.js";
import type { ClusterState } from "./cluster-state.js";
import { objectKey } from "./cluster-state.js";
import { filterServices } from "./service-filter.js";
import { isPodReady, serviceAddresses } from "./service-summary.js";

export type ElementKind = "node" | "pod" | "service" | "unscheduled";

export interface GraphNodeData {
  id: string;
  /** namespace/name (the Node's name for nodes). */
  key: string;
  kind: ElementKind;
  label: string;
  parent?: string;
  ready?: boolean;
}

export interface GraphEdgeData {
  id: string;
  source: string;
  target: string;
  ready: boolean;
}

export interface Topology {
  nodes: GraphNodeData[];
  edges: GraphEdgeData[];
  /** Services drawn, matching the filter, and in all. */
  shownServices: number;
  matchedServices: number;
  totalServices: number;
  shownPods: number;
  totalPods: number;
  /** The matching services in list order (drawn or not), for the list beside the graph. */
  matched: Service[];
}

export interface TopologyOptions {
  /** Default 100. */
  maxServices?: number;
  /** Default 500. */
  maxPods?: number;
}

export const unscheduledId = "unscheduled";

function nodeIP(n: Node): string {
  return n.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
}

function nodeReady(n: Node): boolean {
  return (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

function serviceLabel(svc: Service): string {
  const ns = svc.metadata.namespace ?? "";
  return [ns === "default" ? (svc.metadata.name ?? "") : objectKey(svc), ...serviceAddresses(svc)].join("\n");
}

function edgesOf(svcId: string, ep: Endpoints | undefined, podIds: ReadonlySet<string>): GraphEdgeData[] {
  const out: GraphEdgeData[] = [];
  const ns = ep?.metadata.namespace ?? "";
  for (const subset of ep?.subsets ?? []) {
    for (const [list, ready] of [[subset.addresses ?? [], true], [subset.notReadyAddresses ?? [], false]] as const) {
      for (const a of list) {
        if (a.targetRef?.kind !== "Pod" || !a.targetRef.name) continue;
        const target = `pod:${ns}/${a.targetRef.name}`;
        const id = `edge:${svcId}->${target}`;
        if (!podIds.has(target) || out.some((e) => e.id === id)) continue;
        out.push({ id, source: svcId, target, ready });
      }
    }
  }
  return out;
}

export function topology(state: ClusterState, query: string, o: TopologyOptions = {}): Topology {
  const maxServices = o.maxServices ?? 100;
  const maxPods = o.maxPods ?? 500;
  const nodes: GraphNodeData[] = [];
  for (const [key, n] of [...state.nodes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ip = nodeIP(n);
    nodes.push({ id: `node:${key}`, key, kind: "node", label: `${key}${ip ? ` ${ip}` : ""}${nodeReady(n) ? "" : " (NotReady)"}`, ready: nodeReady(n) });
  }
  const pods = [...state.pods].sort(([a], [b]) => (a < b ? -1 : 1)).slice(0, maxPods);
  const podIds = new Set<string>();
  let unscheduled = false;
  for (const [key, p] of pods) {
    const nodeName = p.spec.nodeName;
    const onNode = nodeName !== undefined && state.nodes.has(nodeName);
    unscheduled ||= !onNode;
    const ready = isPodReady(p);
    const id = `pod:${key}`;
    podIds.add(id);
    const ns = p.metadata.namespace ?? "";
    const name = ns === "default" ? (p.metadata.name ?? "") : key;
    nodes.push({ id, key, kind: "pod", label: `${name}\n${p.status?.podIP ?? "no IP yet"} · ${ready ? "ready" : "not ready"}`, parent: onNode ? `node:${nodeName}` : unscheduledId, ready });
  }
  if (unscheduled) nodes.push({ id: unscheduledId, key: "", kind: "unscheduled", label: "not on a node" });
  const matched = filterServices(state.services, state.endpoints, query);
  const drawn = matched.slice(0, maxServices);
  const edges: GraphEdgeData[] = [];
  for (const svc of drawn) {
    const key = objectKey(svc);
    const id = `svc:${key}`;
    nodes.push({ id, key, kind: "service", label: serviceLabel(svc) });
    edges.push(...edgesOf(id, state.endpoints.get(key), podIds));
  }
  return {
    nodes,
    edges,
    shownServices: drawn.length,
    matchedServices: matched.length,
    totalServices: state.services.size,
    shownPods: pods.length,
    totalPods: state.pods.size,
    matched,
  };
}
