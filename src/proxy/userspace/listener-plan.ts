// What the userspace proxy listens on, from the proxy's state: one listener per (protocol,
// address, port) — each service port's ClusterIP, externalIPs and LoadBalancer VIPs, and its
// NodePort on the node's addresses — each with the endpoint pool its traffic goes to, chosen the
// way kube-proxy chooses (categorizeEndpoints: ready first, then serving-terminating; Local
// policies use this node's endpoints only). Also the service addresses that must be local for
// those listeners to bind. Pure.

import { isIPv4 } from "node:net";
import { cidrContains, parseCIDR } from "../../allocators/cidr.js";
import { parseIP } from "../../allocators/ip.js";
import { categorizeEndpoints } from "../categorize-endpoints.js";
import { servicePortKey, servicePortNameString } from "../service-port-name.js";
import type { EndpointInfo, NodeProxyConfig, ProxyState, ServicePortInfo } from "../types.js";

/** Which of a service port's addresses a listener serves. */
export type ListenerRole = "cluster-ip" | "external-ip" | "load-balancer" | "node-port";

/** One endpoint as the forwarders dial it. */
export interface EndpointTarget {
  /** "ip:port", the key the balancer and the affinity table use. */
  endpoint: string;
  ip: string;
  port: number;
}

/**
 * The endpoints one kind of traffic to one service port goes to. Listeners of the same service
 * port and traffic policy share a pool, hence its round-robin position and its affinity table.
 */
export interface EndpointPool {
  /** servicePortKey + "|cluster" or "|local". */
  key: string;
  /** Sorted by the endpoint string; empty when the traffic has nowhere to go. */
  endpoints: readonly EndpointTarget[];
  /** ClientIP affinity timeout in seconds; 0 = none. */
  stickySeconds: number;
}

export interface ListenerSpec {
  /** "TCP/10.0.0.252:8000": protocol, bind address and port. Unique in a plan. */
  key: string;
  protocol: "TCP" | "UDP";
  /** The address bound: a service address, a node address, or 0.0.0.0 (NodePorts). */
  address: string;
  port: number;
  role: ListenerRole;
  servicePortKey: string;
  /** "ns/name:port" for logs and listings. */
  serviceName: string;
  pool: EndpointPool;
  /**
   * Only on external listeners of an externalTrafficPolicy Local service: the Cluster pool that
   * clients on this node (node addresses, loopback, the cluster CIDR) use instead, as kube-proxy
   * short-circuits pod and host traffic to external addresses.
   */
  localClientPool?: EndpointPool;
}

export interface ListenerPlan {
  /** By listener key. */
  listeners: Map<string, ListenerSpec>;
  /** Every distinct pool the listeners use, by pool key. */
  pools: Map<string, EndpointPool>;
  /** Service addresses (ClusterIPs, externalIPs, LB VIPs) that must be local for binding. */
  serviceAddresses: Set<string>;
  /** Listener keys claimed by more than one service port: "key: loser (kept winner)". */
  conflicts: string[];
  /** Service ports the userspace proxy cannot serve (SCTP). */
  unsupported: string[];
}

export interface ListenerPlanOptions {
  /**
   * Addresses NodePorts listen on when --nodeport-addresses is empty. Default: TCP on 0.0.0.0;
   * UDP on each node IP (plus 127.0.0.1 with localhostNodePorts), so that replies leave from the
   * address the client sent to (a wildcard UDP socket cannot choose its reply source in Node).
   */
  nodePortAddresses?: (protocol: "TCP" | "UDP") => string[];
}

function target(ep: EndpointInfo): EndpointTarget {
  return { endpoint: ep.endpoint, ip: ep.ip, port: ep.port };
}

/** Whether `ip` lies in one of `cidrs` (IPv4 text; bad entries never match). */
export function inAnyCIDR(ip: string, cidrs: readonly string[]): boolean {
  const parsed = parseIP(ip);
  if (!parsed) return false;
  return cidrs.some((text) => {
    const cidr = parseCIDR(text);
    return cidr !== undefined && cidrContains(cidr, parsed);
  });
}

/**
 * The addresses a NodePort listens on: with --nodeport-addresses, the node IPs inside those
 * CIDRs (and 127.0.0.1 when a CIDR holds it); without, 0.0.0.0 for TCP and the node IPs plus
 * loopback for UDP (0.0.0.0 when the node IPs are unknown).
 */
export function nodePortBindAddresses(config: Pick<NodeProxyConfig, "nodeIPs" | "nodePortAddresses" | "localhostNodePorts">, protocol: "TCP" | "UDP"): string[] {
  const nodeIPs = config.nodeIPs.filter((ip) => isIPv4(ip));
  if (config.nodePortAddresses.length > 0) {
    const out = nodeIPs.filter((ip) => inAnyCIDR(ip, config.nodePortAddresses));
    if (inAnyCIDR("127.0.0.1", config.nodePortAddresses) && !out.includes("127.0.0.1")) out.push("127.0.0.1");
    return out;
  }
  if (protocol === "TCP" || nodeIPs.length === 0) return ["0.0.0.0"];
  const out = [...nodeIPs];
  if (config.localhostNodePorts && !out.includes("127.0.0.1")) out.push("127.0.0.1");
  return out;
}

function poolOf(key: string, endpoints: readonly EndpointInfo[], stickySeconds: number): EndpointPool {
  return { key, endpoints: endpoints.map(target), stickySeconds };
}

/** The listeners of one service port, in a fixed order (cluster IP, external IPs, LB VIPs, NodePorts). */
function servicePortListeners(service: ServicePortInfo, endpoints: readonly EndpointInfo[], config: NodeProxyConfig, options: ListenerPlanOptions): ListenerSpec[] {
  const protocol = service.protocol as "TCP" | "UDP";
  const spKey = servicePortKey(service.name);
  const serviceName = servicePortNameString(service.name);
  const cat = categorizeEndpoints(service, endpoints, config);
  const clusterPool = poolOf(`${spKey}|cluster`, cat.clusterEndpoints, service.stickySeconds);
  const localPool = poolOf(`${spKey}|local`, cat.localEndpoints, service.stickySeconds);
  const internalPool = service.internalPolicyLocal ? localPool : clusterPool;
  const externalPool = service.externalPolicyLocal ? localPool : clusterPool;
  const out: ListenerSpec[] = [];
  const add = (address: string, port: number, role: ListenerRole): void => {
    const spec: ListenerSpec = { key: `${protocol}/${address}:${port}`, protocol, address, port, role, servicePortKey: spKey, serviceName, pool: role === "cluster-ip" ? internalPool : externalPool };
    if (role !== "cluster-ip" && service.externalPolicyLocal) spec.localClientPool = clusterPool;
    out.push(spec);
  };
  add(service.clusterIP, service.port, "cluster-ip");
  for (const ip of service.externalIPs) add(ip, service.port, "external-ip");
  for (const ip of service.loadBalancerVIPs) add(ip, service.port, "load-balancer");
  if (service.nodePort !== 0) {
    const addresses = options.nodePortAddresses?.(protocol) ?? nodePortBindAddresses(config, protocol);
    for (const address of addresses) add(address, service.nodePort, "node-port");
  }
  return out;
}

/**
 * The whole plan. Service ports are visited in key order, so when two claim the same listener
 * (two Services with one externalIP:port, say) the same one wins on every sync; the loser is
 * named in `conflicts`.
 */
export function planListeners(state: ProxyState, config: NodeProxyConfig, options: ListenerPlanOptions = {}): ListenerPlan {
  const plan: ListenerPlan = { listeners: new Map(), pools: new Map(), serviceAddresses: new Set(), conflicts: [], unsupported: [] };
  const keys = [...state.services.keys()].sort();
  for (const key of keys) {
    const service = state.services.get(key);
    if (!service) continue;
    if (service.protocol !== "TCP" && service.protocol !== "UDP") {
      plan.unsupported.push(`${servicePortNameString(service.name)} (${service.protocol})`);
      continue;
    }
    for (const spec of servicePortListeners(service, state.endpoints.get(key) ?? [], config, options)) {
      const existing = plan.listeners.get(spec.key);
      if (existing) {
        plan.conflicts.push(`${spec.key}: ${spec.serviceName} (kept ${existing.serviceName})`);
        continue;
      }
      plan.listeners.set(spec.key, spec);
      plan.pools.set(spec.pool.key, spec.pool);
      if (spec.localClientPool) plan.pools.set(spec.localClientPool.key, spec.localClientPool);
      if (spec.role !== "node-port") plan.serviceAddresses.add(spec.address);
    }
  }
  return plan;
}

/**
 * Whether a client counts as "on this node" for the short-circuit of externalTrafficPolicy
 * Local: loopback, one of the node's IPs, or (with a cluster CIDR) a pod.
 */
export function isNodeLocalClient(ip: string, config: Pick<NodeProxyConfig, "nodeIPs" | "clusterCIDR">): boolean {
  const plain = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  if (plain.startsWith("127.")) return true;
  if (config.nodeIPs.includes(plain)) return true;
  return config.clusterCIDR !== undefined && inAnyCIDR(plain, [config.clusterCIDR]);
}

/** A listing of the plan, one listener a line, for `svcnet rules`-style inspection. */
export function describeListeners(listeners: Iterable<ListenerSpec>): string {
  const lines: string[] = [];
  for (const l of listeners) {
    const eps = l.pool.endpoints.map((e) => e.endpoint).join(",") || "(none: not listening)";
    const sticky = l.pool.stickySeconds > 0 ? ` affinity=ClientIP/${l.pool.stickySeconds}s` : "";
    const local = l.localClientPool ? ` local-clients→${l.localClientPool.endpoints.map((e) => e.endpoint).join(",") || "(none)"}` : "";
    lines.push(`${l.key} ${l.role} ${l.serviceName} → ${eps}${sticky}${local}`);
  }
  return lines.sort().join("\n") + (lines.length ? "\n" : "");
}
