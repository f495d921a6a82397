// Which cluster IPs and node ports a Service needs and holds, and the two update-time fixups
// Kubernetes applies before allocating: dropping values a new type no longer uses, and
// carrying over allocated values that an update (e.g. `kubectl apply` of a manifest without
// nodePort) left out. Pure functions over the Service object.

import type { Service, ServiceSpec } from "../api/types.js";

/** The clusterIP value that marks a headless service. */
export const clusterIPNone = "None";

/** True for every type but ExternalName: the service carries a clusterIP value ("None" counts). */
export function usesClusterIPField(svc: Service): boolean {
  return svc.spec.type !== "ExternalName";
}

/** The first cluster IP as requested or recorded: clusterIPs[0], else clusterIP, else "". */
export function primaryClusterIP(spec: ServiceSpec): string {
  return spec.clusterIPs?.[0] || spec.clusterIP || "";
}

/** True when the service gets a cluster IP allocated: not ExternalName and not headless. */
export function needsClusterIP(svc: Service): boolean {
  return usesClusterIPField(svc) && primaryClusterIP(svc.spec) !== clusterIPNone;
}

/** True for NodePort and LoadBalancer services: their ports may carry node ports. */
export function usesNodePorts(svc: Service): boolean {
  return svc.spec.type === "NodePort" || svc.spec.type === "LoadBalancer";
}

/**
 * True when ports without a nodePort get one allocated: NodePort always, LoadBalancer unless
 * allocateLoadBalancerNodePorts is false. Node ports the user asked for are honoured either way.
 */
export function shouldAllocateNodePorts(svc: Service): boolean {
  if (svc.spec.type === "NodePort") return true;
  return svc.spec.type === "LoadBalancer" && svc.spec.allocateLoadBalancerNodePorts !== false;
}

/** True for a LoadBalancer with externalTrafficPolicy Local: it gets a healthCheckNodePort. */
export function needsHealthCheckNodePort(svc: Service): boolean {
  return svc.spec.type === "LoadBalancer" && svc.spec.externalTrafficPolicy === "Local";
}

/** What a stored service holds in the allocators. */
export interface Holdings {
  /** Cluster IPs, in spec order ("None" and empty values excluded). */
  clusterIPs: string[];
  /** Distinct node port numbers: those of spec.ports, then healthCheckNodePort when it applies. */
  nodePorts: number[];
}

/**
 * The IPs and node ports a service (as stored) holds. Node ports of ports count whatever the
 * type, so that deleting a service releases anything it recorded.
 */
export function heldResources(svc: Service): Holdings {
  const clusterIPs: string[] = [];
  if (usesClusterIPField(svc)) {
    const ips = svc.spec.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec.clusterIP ? [svc.spec.clusterIP] : [];
    for (const ip of ips) if (ip && ip !== clusterIPNone) clusterIPs.push(ip);
  }
  const nodePorts = new Set<number>();
  for (const p of svc.spec.ports ?? []) if (p.nodePort) nodePorts.add(p.nodePort);
  if (needsHealthCheckNodePort(svc) && svc.spec.healthCheckNodePort) nodePorts.add(svc.spec.healthCheckNodePort);
  return { clusterIPs, nodePorts: [...nodePorts] };
}
