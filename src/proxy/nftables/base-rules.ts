// The fixed part of kube-proxy's nftables table (the layout of upstream's newest golden): the
// table, its base chains on the netfilter hooks, the dispatch and check chains, the shared sets
// and verdict maps, and the rules that tie them together. Written whole on every full sync.
// Pure: the lines come from the node's configuration only.

import { cidrContains, parseCIDR } from "../../allocators/cidr.js";
import type { Cidr } from "../../allocators/cidr.js";
import { parseIP } from "../../allocators/ip.js";
import { masqueradeMarkString } from "../iptables/modern-rules.js";
import type { NodeProxyConfig } from "../types.js";
import {
  CLUSTER_IPS_CHECK_CHAIN,
  CLUSTER_IPS_SET,
  FAMILY,
  FIREWALL_CHECK_CHAIN,
  FIREWALL_IPS_MAP,
  MARK_MASQ_CHAIN,
  MASQUERADING_CHAIN,
  NODEPORT_ENDPOINTS_CHECK_CHAIN,
  NODEPORT_IPS_SET,
  NO_ENDPOINT_NODEPORTS_MAP,
  NO_ENDPOINT_SERVICES_MAP,
  REJECT_CHAIN,
  SERVICES_CHAIN,
  SERVICE_ENDPOINTS_CHECK_CHAIN,
  SERVICE_IPS_MAP,
  SERVICE_NODEPORTS_MAP,
  TABLE,
} from "./names.js";

/** `ip kube-proxy`: what follows the object keyword in every command. */
export const TABLE_REF = `${FAMILY} ${TABLE}`;
const TABLE_COMMENT = "rules for kube-proxy";

/** A chain attached to a netfilter hook. */
export interface BaseChain {
  name: string;
  type: "filter" | "nat";
  hook: "prerouting" | "input" | "forward" | "output" | "postrouting";
  priority: number;
}

/**
 * Filtering sees pre-DNAT addresses at −110 (the LoadBalancer source-range firewall) and post-DNAT
 * ones at 0 (no-endpoint rejects, invalid ClusterIP ports: a packet still addressed to a service
 * IP there was not DNATed); DNAT at −100, masquerading at 100.
 */
export const BASE_CHAINS: readonly BaseChain[] = [
  { name: "filter-prerouting-pre-dnat", type: "filter", hook: "prerouting", priority: -110 },
  { name: "filter-output-pre-dnat", type: "filter", hook: "output", priority: -110 },
  { name: "filter-input", type: "filter", hook: "input", priority: 0 },
  { name: "filter-forward", type: "filter", hook: "forward", priority: 0 },
  { name: "filter-output", type: "filter", hook: "output", priority: 0 },
  { name: "nat-prerouting", type: "nat", hook: "prerouting", priority: -100 },
  { name: "nat-output", type: "nat", hook: "output", priority: -100 },
  { name: "nat-postrouting", type: "nat", hook: "postrouting", priority: 100 },
];

/** Jumps from the base chains to ours, in the order they are written. */
export const JUMP_RULES: readonly { from: string; match: string; to: string }[] = [
  { from: "filter-prerouting-pre-dnat", match: "ct state new", to: FIREWALL_CHECK_CHAIN },
  { from: "filter-output-pre-dnat", match: "ct state new", to: FIREWALL_CHECK_CHAIN },
  { from: "filter-input", match: "ct state new", to: NODEPORT_ENDPOINTS_CHECK_CHAIN },
  { from: "filter-input", match: "ct state new", to: SERVICE_ENDPOINTS_CHECK_CHAIN },
  { from: "filter-forward", match: "ct state new", to: SERVICE_ENDPOINTS_CHECK_CHAIN },
  { from: "filter-forward", match: "ct state new", to: CLUSTER_IPS_CHECK_CHAIN },
  { from: "filter-output", match: "ct state new", to: SERVICE_ENDPOINTS_CHECK_CHAIN },
  { from: "filter-output", match: "ct state new", to: CLUSTER_IPS_CHECK_CHAIN },
  { from: "nat-prerouting", match: "", to: SERVICES_CHAIN },
  { from: "nat-output", match: "", to: SERVICES_CHAIN },
  { from: "nat-postrouting", match: "", to: MASQUERADING_CHAIN },
];

/** Where NodePorts answer: every local address but 127/8, or the listed node addresses. */
export type NodePortAddressing = { matchAll: true } | { matchAll: false; ips: string[] };

/**
 * nftables mode's reading of --nodeport-addresses: unset means the node's primary addresses (not
 * every local address, as in iptables mode); 0.0.0.0/0 means every local address; otherwise the
 * node addresses inside the CIDRs. Loopback never: nftables mode has no localhost NodePorts.
 */
export function nodePortAddressing(config: Pick<NodeProxyConfig, "nodeIPs" | "nodePortAddresses">): NodePortAddressing {
  const v4 = (ip: string): boolean => parseIP(ip)?.family === "IPv4";
  const notLoopback = (ip: string): boolean => !ip.startsWith("127.");
  const cidrs = config.nodePortAddresses.map((text) => ({ text: text.trim(), cidr: parseCIDR(text.trim()) })).filter((c) => c.cidr?.family === "IPv4");
  if (cidrs.some((c) => c.text === "0.0.0.0/0")) return { matchAll: true };
  const nodeIPs = [...new Set(config.nodeIPs)].filter((ip) => v4(ip) && notLoopback(ip));
  if (cidrs.length === 0) return { matchAll: false, ips: nodeIPs };
  return {
    matchAll: false,
    ips: nodeIPs.filter((ip) => {
      const parsed = parseIP(ip);
      return parsed !== undefined && cidrs.some((c) => cidrContains(c.cidr as Cidr, parsed));
    }),
  };
}

const SERVICE3 = "ipv4_addr . inet_proto . inet_service";

/** How a shared set or verdict map is declared: `add <kind> ip kube-proxy <name> { type <type> ; comment "…" ; }`. */
export interface ContainerDeclaration {
  kind: "set" | "map";
  /** Key type; a map's values are verdicts. */
  type: string;
  comment: string;
}

/** The shared sets and maps, as every full sync declares them (a partial sync re-declares them identically to add elements). */
export const CONTAINER_DECLARATIONS: Readonly<Record<string, ContainerDeclaration>> = {
  [CLUSTER_IPS_SET]: { kind: "set", type: "ipv4_addr", comment: "Active ClusterIPs" },
  [NODEPORT_IPS_SET]: { kind: "set", type: "ipv4_addr", comment: "IPs that accept NodePort traffic" },
  [FIREWALL_IPS_MAP]: { kind: "map", type: SERVICE3, comment: "destinations that are subject to LoadBalancerSourceRanges" },
  [NO_ENDPOINT_NODEPORTS_MAP]: { kind: "map", type: "inet_proto . inet_service", comment: "vmap to drop or reject packets to service nodeports with no endpoints" },
  [NO_ENDPOINT_SERVICES_MAP]: { kind: "map", type: SERVICE3, comment: "vmap to drop or reject packets to services with no endpoints" },
  [SERVICE_IPS_MAP]: { kind: "map", type: SERVICE3, comment: "ClusterIP, ExternalIP and LoadBalancer IP traffic" },
  [SERVICE_NODEPORTS_MAP]: { kind: "map", type: "inet_proto . inet_service", comment: "NodePort traffic" },
};

/**
 * `add set|map ip kube-proxy NAME { type … ; comment "…" ; [elements = { … } ;] }` for a shared
 * container; `elements` is the inside of the element list, e.g. `10.0.0.1, 10.0.0.2`.
 */
export function containerLine(name: string, elements?: string): string {
  const d = CONTAINER_DECLARATIONS[name];
  if (d === undefined) throw new Error(`no shared set or map named ${name}`);
  const type = d.kind === "map" ? `${d.type} : verdict` : d.type;
  const body = elements === undefined ? "" : `elements = { ${elements} } ; `;
  return `add ${d.kind} ${TABLE_REF} ${name} { type ${type} ; comment "${d.comment}" ; ${body}}`;
}
const chainLine = (name: string): string => `add chain ${TABLE_REF} ${name}`;
const ruleLine = (chain: string, rule: string): string => `add rule ${TABLE_REF} ${chain} ${rule}`;

/**
 * The fixed objects and rules, preceded by a replacement of the whole table: `add table` (so the
 * delete cannot fail) then `delete table`, then everything anew. In one transaction this swaps the
 * old table for the new one atomically, and drops stale chains and elements without listing them.
 */
export function baseRuleLines(config: NodeProxyConfig): string[] {
  const mark = masqueradeMarkString(config.masqueradeBit);
  const addressing = nodePortAddressing(config);
  const lines = [
    `add table ${TABLE_REF} { comment "${TABLE_COMMENT}" ; }`,
    `delete table ${TABLE_REF}`,
    `add table ${TABLE_REF} { comment "${TABLE_COMMENT}" ; }`,
    "",
    containerLine(CLUSTER_IPS_SET),
  ];
  if (!addressing.matchAll) lines.push(containerLine(NODEPORT_IPS_SET));
  lines.push(
    containerLine(FIREWALL_IPS_MAP),
    containerLine(NO_ENDPOINT_NODEPORTS_MAP),
    containerLine(NO_ENDPOINT_SERVICES_MAP),
    containerLine(SERVICE_IPS_MAP),
    containerLine(SERVICE_NODEPORTS_MAP),
    "",
  );
  for (const bc of BASE_CHAINS) lines.push(`add chain ${TABLE_REF} ${bc.name} { type ${bc.type} hook ${bc.hook} priority ${bc.priority} ; }`);
  for (const name of [
    CLUSTER_IPS_CHECK_CHAIN,
    FIREWALL_CHECK_CHAIN,
    MARK_MASQ_CHAIN,
    MASQUERADING_CHAIN,
    NODEPORT_ENDPOINTS_CHECK_CHAIN,
    SERVICES_CHAIN,
    SERVICE_ENDPOINTS_CHECK_CHAIN,
  ]) {
    lines.push(chainLine(name));
  }
  lines.push(`add chain ${TABLE_REF} ${REJECT_CHAIN} { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }`, "");

  for (const j of JUMP_RULES) lines.push(ruleLine(j.from, `${j.match ? j.match + " " : ""}jump ${j.to}`));
  lines.push(ruleLine(CLUSTER_IPS_CHECK_CHAIN, `ip daddr @${CLUSTER_IPS_SET} reject comment "Reject traffic to invalid ports of ClusterIPs"`));
  const serviceCIDRs = (config.serviceCIDRs ?? []).filter((c) => parseCIDR(c)?.family === "IPv4");
  if (serviceCIDRs.length > 0) {
    lines.push(ruleLine(CLUSTER_IPS_CHECK_CHAIN, `ip daddr { ${serviceCIDRs.join(", ")} } drop comment "Drop traffic to unallocated ClusterIPs"`));
  }
  lines.push(ruleLine(FIREWALL_CHECK_CHAIN, `ip daddr . meta l4proto . th dport vmap @${FIREWALL_IPS_MAP}`));
  lines.push(ruleLine(MARK_MASQ_CHAIN, `mark set mark or ${mark}`));
  // Masquerade only marked packets, and clear the mark so a packet that goes through the stack
  // again is not masqueraded twice.
  lines.push(ruleLine(MASQUERADING_CHAIN, `mark and ${mark} == 0 return`));
  lines.push(ruleLine(MASQUERADING_CHAIN, `mark set mark xor ${mark}`));
  lines.push(ruleLine(MASQUERADING_CHAIN, "masquerade fully-random"));
  lines.push(ruleLine(REJECT_CHAIN, "reject"));
  lines.push(ruleLine(SERVICE_ENDPOINTS_CHECK_CHAIN, `ip daddr . meta l4proto . th dport vmap @${NO_ENDPOINT_SERVICES_MAP}`));
  lines.push(ruleLine(SERVICES_CHAIN, `ip daddr . meta l4proto . th dport vmap @${SERVICE_IPS_MAP}`));
  if (addressing.matchAll) {
    lines.push(ruleLine(NODEPORT_ENDPOINTS_CHECK_CHAIN, `ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @${NO_ENDPOINT_NODEPORTS_MAP}`));
    lines.push(ruleLine(SERVICES_CHAIN, `fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @${SERVICE_NODEPORTS_MAP}`));
  } else {
    lines.push(ruleLine(NODEPORT_ENDPOINTS_CHECK_CHAIN, `ip daddr @${NODEPORT_IPS_SET} meta l4proto . th dport vmap @${NO_ENDPOINT_NODEPORTS_MAP}`));
    lines.push(ruleLine(SERVICES_CHAIN, `ip daddr @${NODEPORT_IPS_SET} meta l4proto . th dport vmap @${SERVICE_NODEPORTS_MAP}`));
    for (const ip of addressing.ips) lines.push(`add element ${TABLE_REF} ${NODEPORT_IPS_SET} { ${ip} }`);
  }
  return lines;
}
