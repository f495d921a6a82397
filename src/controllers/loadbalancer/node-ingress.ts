// Node-IP mode, as k3s' ServiceLB does it when no address pool serves a service: its ingress is
// the InternalIPs of the Ready nodes that may carry external load-balancer traffic — with
// externalTrafficPolicy Local, only those with a ready endpoint of the service. Pure.

import type { IPFamily } from "../../allocators/ip.js";
import { formatIP, parseIP } from "../../allocators/ip.js";
import { METALLB_NAMESPACE } from "../../api/metallb-types.js";
import type { EndpointSlice, Node } from "../../api/types.js";

/** Nodes with this label (any value) never take external load-balancer traffic (Kubernetes' rule). */
export const LABEL_EXCLUDE_FROM_EXTERNAL_LB = "node.kubernetes.io/exclude-from-external-load-balancers";

/** True when the node's Ready condition is True. */
export function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** True when the node may carry a LoadBalancer's traffic: Ready, not excluded, not being deleted. */
export function isEligibleNode(node: Node): boolean {
  if (node.metadata.deletionTimestamp) return false;
  if (Object.prototype.hasOwnProperty.call(node.metadata.labels ?? {}, LABEL_EXCLUDE_FROM_EXTERNAL_LB)) return false;
  return isNodeReady(node);
}

/** The names of nodes running a ready endpoint in `slices` (ready unset counts as ready). */
export function nodesWithReadyEndpoints(slices: readonly EndpointSlice[]): Set<string> {
  const out = new Set<string>();
  for (const s of slices) for (const e of s.endpoints ?? []) if (e.nodeName && e.conditions?.ready !== false) out.add(e.nodeName);
  return out;
}

export interface NodeIngressInput {
  families: readonly IPFamily[];
  /** externalTrafficPolicy Local: only nodes with a ready endpoint count. */
  local: boolean;
  nodes: readonly Node[];
  /** The service's EndpointSlices (needed for Local only). */
  slices: readonly EndpointSlice[];
}

export type NodeIngress = { ok: true; ips: string[] } | { ok: false; message: string };

/** The node addresses a service in node-IP mode is reachable at: by family order, then numerically. */
export function nodeIngress(o: NodeIngressInput): NodeIngress {
  const withEndpoints = o.local ? nodesWithReadyEndpoints(o.slices) : undefined;
  const found: { family: IPFamily; value: bigint; text: string }[] = [];
  for (const node of o.nodes) {
    if (!isEligibleNode(node)) continue;
    if (withEndpoints && !withEndpoints.has(node.metadata.name ?? "")) continue;
    for (const a of node.status?.addresses ?? []) {
      if (a.type !== "InternalIP") continue;
      const ip = parseIP(a.address);
      if (!ip || !o.families.includes(ip.family) || found.some((f) => f.family === ip.family && f.value === ip.value)) continue;
      found.push({ family: ip.family, value: ip.value, text: formatIP(ip) });
    }
  }
  if (found.length === 0) {
    const nodes = `no Ready node without the label ${LABEL_EXCLUDE_FROM_EXTERNAL_LB} has an ${o.families.join(" or ")} InternalIP`;
    const message = o.local
      ? `no IPAddressPool in ${METALLB_NAMESPACE} admits this service, and ${nodes} and a ready endpoint of the service (externalTrafficPolicy: Local); wait for a ready pod, use externalTrafficPolicy: Cluster, or add an IPAddressPool`
      : `no IPAddressPool in ${METALLB_NAMESPACE} admits this service, and ${nodes} to serve it instead; add an IPAddressPool, or wait for a node to become Ready`;
    return { ok: false, message };
  }
  const rank = (f: IPFamily): number => o.families.indexOf(f);
  found.sort((a, b) => rank(a.family) - rank(b.family) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return { ok: true, ips: found.map((f) => f.text) };
}
