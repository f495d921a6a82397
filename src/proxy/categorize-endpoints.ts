// Which endpoints of a service port this node sends traffic to (kube-proxy's CategorizeEndpoints).
//
// "Usable" means ready; when nothing is ready the proxy falls back to endpoints that are still
// serving while terminating, so connections keep working through a rolling update or a drain.
// The fallback is decided separately for the Cluster list and the Local list. Topology hints
// narrow the Cluster list only when the slice controller hinted every ready endpoint and at
// least one hint names this node (same-node) or this node's zone (same-zone).

import type { EndpointInfo, NodeProxyConfig, ServicePortInfo } from "./types.js";

export interface CategorizedEndpoints {
  /** Endpoints for "Cluster" traffic policy; empty when the service never uses it. */
  clusterEndpoints: EndpointInfo[];
  /** Endpoints on this node for "Local" traffic policy; empty when the service never uses it. */
  localEndpoints: EndpointInfo[];
  /** Union of both lists: the endpoints this node needs a KUBE-SEP chain for. */
  allReachableEndpoints: EndpointInfo[];
  /** Some usable endpoint exists anywhere in the cluster (even if none is reachable from here). */
  hasAnyEndpoints: boolean;
}

/** NodePort, LoadBalancer VIPs or externalIPs: traffic can arrive from outside the cluster. */
export function externallyAccessible(service: ServicePortInfo): boolean {
  return service.nodePort !== 0 || service.loadBalancerVIPs.length > 0 || service.externalIPs.length > 0;
}

/** Some traffic to the service uses Cluster policy (internal is Cluster, or external traffic exists). */
export function usesClusterEndpoints(service: ServicePortInfo): boolean {
  // External traffic with policy Local still needs the Cluster list: pod and host traffic to
  // external addresses is short-circuited to it.
  return !service.internalPolicyLocal || externallyAccessible(service);
}

/** Some traffic to the service uses Local policy. */
export function usesLocalEndpoints(service: ServicePortInfo): boolean {
  return service.internalPolicyLocal || (service.externalPolicyLocal && externallyAccessible(service));
}

/** Sorts by the "ip:port" string, as kube-proxy does ("10.244.0.10:53" before "10.244.0.5:53"). */
export function sortByEndpointString(endpoints: readonly EndpointInfo[]): EndpointInfo[] {
  return [...endpoints].sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
}

type TopologyMode = "none" | "same-node" | "same-zone";

function topologyMode(endpoints: readonly EndpointInfo[], nodeName: string, zone: string | undefined): TopologyMode {
  const ready = endpoints.filter((ep) => ep.ready);
  if (ready.length === 0) return "none";
  const hasNodeHints = (ep: EndpointInfo): boolean => (ep.nodeHints?.length ?? 0) > 0;
  const hasZoneHints = (ep: EndpointInfo): boolean => (ep.zoneHints?.length ?? 0) > 0;
  if (ready.every(hasNodeHints) && ready.some((ep) => ep.nodeHints?.includes(nodeName))) return "same-node";
  if (zone !== undefined && ready.every(hasZoneHints) && ready.some((ep) => ep.zoneHints?.includes(zone))) {
    return "same-zone";
  }
  return "none";
}

function availableForTopology(ep: EndpointInfo, mode: TopologyMode, nodeName: string, zone: string | undefined): boolean {
  if (mode === "same-node") return ep.nodeHints?.includes(nodeName) ?? false;
  if (mode === "same-zone") return zone !== undefined && (ep.zoneHints?.includes(zone) ?? false);
  return true;
}

const servingTerminating = (ep: EndpointInfo): boolean => ep.serving && ep.terminating;

/**
 * Splits the (deduplicated) endpoints of `service` into the Cluster and Local lists for this
 * node. Every returned list is sorted by the endpoint string.
 */
export function categorizeEndpoints(
  service: ServicePortInfo,
  endpoints: readonly EndpointInfo[],
  node: Pick<NodeProxyConfig, "nodeName" | "zone">,
): CategorizedEndpoints {
  const sorted = sortByEndpointString(endpoints);
  const result: CategorizedEndpoints = {
    clusterEndpoints: [],
    localEndpoints: [],
    allReachableEndpoints: [],
    hasAnyEndpoints: false,
  };
  if (sorted.length === 0) return result;

  let mode: TopologyMode = "none";
  if (usesClusterEndpoints(service)) {
    mode = topologyMode(sorted, node.nodeName, node.zone);
    result.clusterEndpoints = sorted.filter((ep) => ep.ready && availableForTopology(ep, mode, node.nodeName, node.zone));
    // Topology was only chosen if it leaves a ready endpoint, so an empty list here means
    // nothing is ready anywhere.
    if (result.clusterEndpoints.length === 0) result.clusterEndpoints = sorted.filter(servingTerminating);
    result.hasAnyEndpoints = result.clusterEndpoints.length > 0;
  }

  if (!usesLocalEndpoints(service)) {
    result.allReachableEndpoints = result.clusterEndpoints;
    return result;
  }

  if (sorted.some((ep) => ep.ready || servingTerminating(ep))) result.hasAnyEndpoints = true;
  let localFallback = false;
  result.localEndpoints = sorted.filter((ep) => ep.isLocal && ep.ready);
  if (result.localEndpoints.length === 0) {
    result.localEndpoints = sorted.filter((ep) => ep.isLocal && servingTerminating(ep));
    localFallback = result.localEndpoints.length > 0;
  }

  if (!usesClusterEndpoints(service)) {
    result.allReachableEndpoints = result.localEndpoints;
  } else if (mode === "none" && !localFallback) {
    // Every ready endpoint is in the Cluster list, so it already holds every ready local one.
    result.allReachableEndpoints = result.clusterEndpoints;
  } else {
    const union = new Map<string, EndpointInfo>();
    for (const ep of [...result.clusterEndpoints, ...result.localEndpoints]) union.set(ep.endpoint, ep);
    result.allReachableEndpoints = sortByEndpointString([...union.values()]);
  }
  return result;
}
