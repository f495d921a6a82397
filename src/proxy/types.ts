// The proxy's own view of Services and endpoints: what every backend (iptables, nftables,
// userspace) consumes. Built from API objects by the change trackers; pure data, no logic.

import type { IPFamily } from "../allocators/ip.js";

export type Protocol = "TCP" | "UDP" | "SCTP";

/** Identifies one port of one Service: namespace/name plus the port's name ("" if unnamed). */
export interface ServicePortName {
  namespace: string;
  name: string;
  port: string;
  protocol: Protocol;
}

/** One Service port as the proxy programs it. Zero / empty means "not set". */
export interface ServicePortInfo {
  name: ServicePortName;
  clusterIP: string;
  port: number;
  protocol: Protocol;
  nodePort: number;
  /** spec.externalIPs of the proxy's address family. */
  externalIPs: string[];
  /** status.loadBalancer.ingress[].ip whose ipMode is VIP or unset. */
  loadBalancerVIPs: string[];
  /** Trimmed spec.loadBalancerSourceRanges; empty when any range is 0.0.0.0/0. */
  loadBalancerSourceRanges: string[];
  /** Only for type LoadBalancer with externalTrafficPolicy Local. */
  healthCheckNodePort: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** sessionAffinity ClientIP timeout in seconds; 0 when affinity is None. */
  stickySeconds: number;
}

/** One endpoint of one Service port, deduplicated by ip:port. */
export interface EndpointInfo {
  ip: string;
  port: number;
  /** "ip:port" ("[v6]:port" for IPv6), the string the chain hash and the sort use. */
  endpoint: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** nodeName equals the proxy's node. */
  isLocal: boolean;
  nodeName?: string;
  zone?: string;
  /** Topology hints from the EndpointSlice (forZones / forNodes); undefined when none. */
  zoneHints?: string[];
  nodeHints?: string[];
}

/** Everything the proxy knows, keyed by the service-port key (see servicePortKey). */
export interface ProxyState {
  services: ReadonlyMap<string, ServicePortInfo>;
  endpoints: ReadonlyMap<string, readonly EndpointInfo[]>;
}

/** Facts about the node and the proxy's flags that shape the rules. */
export interface NodeProxyConfig {
  nodeName: string;
  /**
   * The address family this proxier programs (nftables mode: `table ip` or `table ip6`); undefined
   * means IPv4. Addresses and CIDRs below of the other family are ignored by a proxier of this one.
   */
  ipFamily?: IPFamily;
  /** The node's own addresses (InternalIP first). */
  nodeIPs: string[];
  /** --cluster-cidr: enables the ClusterCIDR local-traffic detector. */
  clusterCIDR?: string;
  /** --masquerade-all */
  masqueradeAll: boolean;
  /** Bit of the packet mark used for masquerade (default 14 → 0x4000). */
  masqueradeBit: number;
  /** Whether NodePorts answer on 127.0.0.1 (iptables mode, IPv4). */
  localhostNodePorts: boolean;
  /** --nodeport-addresses as CIDRs; empty = every local address. */
  nodePortAddresses: string[];
  /** The iptables binary supports MASQUERADE --random-fully. */
  randomFully: boolean;
  /** net.netfilter.nf_conntrack_tcp_be_liberal is set (then no INVALID drop rule). */
  conntrackTcpBeLiberal: boolean;
  /** topology.kubernetes.io/zone of this node, for topology hints. */
  zone?: string;
  /**
   * The Service CIDRs (nftables mode): traffic to an address in them that no Service holds is
   * dropped. Undefined or empty: no such rule.
   */
  serviceCIDRs?: string[];
}

export const defaultNodeProxyConfig: NodeProxyConfig = {
  nodeName: "",
  nodeIPs: [],
  masqueradeAll: false,
  masqueradeBit: 14,
  localhostNodePorts: true,
  nodePortAddresses: [],
  randomFully: true,
  conntrackTcpBeLiberal: false,
};
