// The fixed part of kube-proxy's nftables table (the layout of upstream's newest golden): the
// table, its base chains on the netfilter hooks, the dispatch and check chains, the shared sets
// and verdict maps, and the rules that tie them together. Written whole on every full sync.
// One table per address family (config.ipFamily): `table ip kube-proxy` or `table ip6 kube-proxy`,
// the same layout with the family's matches and address types (see nft-family.ts).
// Pure: the lines come from the node's configuration only.

import { cidrContains, parseCIDR } from "../../allocators/cidr.js";
import type { Cidr } from "../../allocators/cidr.js";
import { parseIP } from "../../allocators/ip.js";
import type { IPFamily } from "../../allocators/ip.js";
import { masqueradeMarkString } from "../iptables/modern-rules.js";
import type { NodeProxyConfig } from "../types.js";
import {
  CLUSTER_IPS_CHECK_CHAIN,
  CLUSTER_IPS_SET,
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
} from "./names.js";
import { NFT_IPV4, nftFamily, type NftFamily } from "./nft-family.js";

/** `ip kube-proxy`: what follows the object keyword in every command of the IPv4 table. */
export const TABLE_REF = NFT_IPV4.tableRef;
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

/** Where NodePorts answer: every local address but loopback, or the listed node addresses. */
export type NodePortAddressing = { matchAll: true } | { matchAll: false; ips: string[] };

/** Whether an address (of any family) is a loopback address: 127/8 or ::1. */
function isLoopback(ip: string): boolean {
  const parsed = parseIP(ip);
  if (parsed === undefined) return false;
  return parsed.family === "IPv4" ? parsed.value >> 24n === 127n : parsed.value === 1n;
}

/**
 * nftables mode's reading of --nodeport-addresses for the proxier's family (config.ipFamily,
 * default IPv4; entries of the other family are ignored): unset means the node's primary
 * addresses of the family (not every local address, as in iptables mode); 0.0.0.0/0 (::/0)
 * means every local address; otherwise the node addresses inside the CIDRs. Loopback never:
 * nftables mode has no localhost NodePorts.
 */
export function nodePortAddressing(config: Pick<NodeProxyConfig, "nodeIPs" | "nodePortAddresses" | "ipFamily">): NodePortAddressing {
  const family: IPFamily = config.ipFamily ?? "IPv4";
  const ofFamily = (ip: string): boolean => parseIP(ip)?.family === family;
  const cidrs = config.nodePortAddresses.map((text) => ({ text: text.trim(), cidr: parseCIDR(text.trim()) })).filter((c) => c.cidr?.family === family);
  if (cidrs.some((c) => c.cidr?.prefixLength === 0)) return { matchAll: true };
  const nodeIPs = [...new Set(config.nodeIPs)].filter((ip) => ofFamily(ip) && !isLoopback(ip));
  if (cidrs.length === 0) return { matchAll: false, ips: nodeIPs };
  return {
    matchAll: false,
    ips: nodeIPs.filter((ip) => {
      const parsed = parseIP(ip);
      return parsed !== undefined && cidrs.some((c) => cidrContains(c.cidr as Cidr, parsed));
    }),
  };
}

/** `ADDR . inet_proto . inet_service`: the key of the maps looked up by destination and port. */
const ADDR = "ADDR";

/** How a shared set or verdict map is declared: `add <kind> ip kube-proxy <name> { type <type> ; comment "…" ; }`. */
export interface ContainerDeclaration {
  kind: "set" | "map";
  /** Key type, with `ADDR` standing for the family's address type; a map's values are verdicts. */
  type: string;
  comment: string;
}

/** The shared sets and maps, as every full sync declares them (a partial sync re-declares them identically to add elements). */
export const CONTAINER_DECLARATIONS: Readonly<Record<string, ContainerDeclaration>> = {
  [CLUSTER_IPS_SET]: { kind: "set", type: ADDR, comment: "Active ClusterIPs" },
  [NODEPORT_IPS_SET]: { kind: "set", type: ADDR, comment: "IPs that accept NodePort traffic" },
  [FIREWALL_IPS_MAP]: { kind: "map", type: `${ADDR} . inet_proto . inet_service`, comment: "destinations that are subject to LoadBalancerSourceRanges" },
  [NO_ENDPOINT_NODEPORTS_MAP]: { kind: "map", type: "inet_proto . inet_service", comment: "vmap to drop or reject packets to service nodeports with no endpoints" },
  [NO_ENDPOINT_SERVICES_MAP]: { kind: "map", type: `${ADDR} . inet_proto . inet_service`, comment: "vmap to drop or reject packets to services with no endpoints" },
  [SERVICE_IPS_MAP]: { kind: "map", type: `${ADDR} . inet_proto . inet_service`, comment: "ClusterIP, ExternalIP and LoadBalancer IP traffic" },
  [SERVICE_NODEPORTS_MAP]: { kind: "map", type: "inet_proto . inet_service", comment: "NodePort traffic" },
};

/** Which table a command is for: the family's (IPv4 when unset). */
export interface TableOptions {
  ipFamily?: IPFamily;
}

/**
 * `add set|map ip kube-proxy NAME { type … ; comment "…" ; [elements = { … } ;] }` for a shared
 * container of the family's table; `elements` is the inside of the element list, e.g.
 * `10.0.0.1, 10.0.0.2`.
 */
export function containerLine(name: string, elements?: string, options: TableOptions = {}): string {
  const d = CONTAINER_DECLARATIONS[name];
  if (d === undefined) throw new Error(`no shared set or map named ${name}`);
  const fam = nftFamily(options.ipFamily);
  const keyType = d.type.replace(ADDR, fam.addrType);
  const type = d.kind === "map" ? `${keyType} : verdict` : keyType;
  const body = elements === undefined ? "" : `elements = { ${elements} } ; `;
  return `add ${d.kind} ${fam.tableRef} ${name} { type ${type} ; comment "${d.comment}" ; ${body}}`;
}

/**
 * The fixed objects and rules, preceded by a replacement of the whole table: `add table` (so the
 * delete cannot fail) then `delete table`, then everything anew. In one transaction this swaps the
 * old table for the new one atomically, and drops stale chains and elements without listing them.
 */
export function baseRuleLines(config: NodeProxyConfig): string[] {
  const fam: NftFamily = nftFamily(config.ipFamily);
  const ref = fam.tableRef;
  const ip = fam.family;
  const declaration = (name: string): string => containerLine(name, undefined, { ipFamily: fam.ipFamily });
  const chainLine = (name: string): string => `add chain ${ref} ${name}`;
  const ruleLine = (chain: string, rule: string): string => `add rule ${ref} ${chain} ${rule}`;
  const mark = masqueradeMarkString(config.masqueradeBit);
  const addressing = nodePortAddressing(config);
  const lines = [
    `add table ${ref} { comment "${TABLE_COMMENT}" ; }`,
    `delete table ${ref}`,
    `add table ${ref} { comment "${TABLE_COMMENT}" ; }`,
    "",
    declaration(CLUSTER_IPS_SET),
  ];
  if (!addressing.matchAll) lines.push(declaration(NODEPORT_IPS_SET));
  lines.push(
    declaration(FIREWALL_IPS_MAP),
    declaration(NO_ENDPOINT_NODEPORTS_MAP),
    declaration(NO_ENDPOINT_SERVICES_MAP),
    declaration(SERVICE_IPS_MAP),
    declaration(SERVICE_NODEPORTS_MAP),
    "",
  );
  for (const bc of BASE_CHAINS) lines.push(`add chain ${ref} ${bc.name} { type ${bc.type} hook ${bc.hook} priority ${bc.priority} ; }`);
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
  lines.push(`add chain ${ref} ${REJECT_CHAIN} { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }`, "");

  for (const j of JUMP_RULES) lines.push(ruleLine(j.from, `${j.match ? j.match + " " : ""}jump ${j.to}`));
  lines.push(ruleLine(CLUSTER_IPS_CHECK_CHAIN, `${ip} daddr @${CLUSTER_IPS_SET} reject comment "Reject traffic to invalid ports of ClusterIPs"`));
  const serviceCIDRs = (config.serviceCIDRs ?? []).filter((c) => parseCIDR(c)?.family === fam.ipFamily);
  if (serviceCIDRs.length > 0) {
    lines.push(ruleLine(CLUSTER_IPS_CHECK_CHAIN, `${ip} daddr { ${serviceCIDRs.join(", ")} } drop comment "Drop traffic to unallocated ClusterIPs"`));
  }
  lines.push(ruleLine(FIREWALL_CHECK_CHAIN, `${ip} daddr . meta l4proto . th dport vmap @${FIREWALL_IPS_MAP}`));
  lines.push(ruleLine(MARK_MASQ_CHAIN, `mark set mark or ${mark}`));
  // Masquerade only marked packets, and clear the mark so a packet that goes through the stack
  // again is not masqueraded twice.
  lines.push(ruleLine(MASQUERADING_CHAIN, `mark and ${mark} == 0 return`));
  lines.push(ruleLine(MASQUERADING_CHAIN, `mark set mark xor ${mark}`));
  lines.push(ruleLine(MASQUERADING_CHAIN, "masquerade fully-random"));
  lines.push(ruleLine(REJECT_CHAIN, "reject"));
  lines.push(ruleLine(SERVICE_ENDPOINTS_CHECK_CHAIN, `${ip} daddr . meta l4proto . th dport vmap @${NO_ENDPOINT_SERVICES_MAP}`));
  lines.push(ruleLine(SERVICES_CHAIN, `${ip} daddr . meta l4proto . th dport vmap @${SERVICE_IPS_MAP}`));
  if (addressing.matchAll) {
    lines.push(ruleLine(NODEPORT_ENDPOINTS_CHECK_CHAIN, `${fam.noLocalhost} meta l4proto . th dport vmap @${NO_ENDPOINT_NODEPORTS_MAP}`));
    lines.push(ruleLine(SERVICES_CHAIN, `fib daddr type local ${fam.noLocalhost} meta l4proto . th dport vmap @${SERVICE_NODEPORTS_MAP}`));
  } else {
    lines.push(ruleLine(NODEPORT_ENDPOINTS_CHECK_CHAIN, `${ip} daddr @${NODEPORT_IPS_SET} meta l4proto . th dport vmap @${NO_ENDPOINT_NODEPORTS_MAP}`));
    lines.push(ruleLine(SERVICES_CHAIN, `${ip} daddr @${NODEPORT_IPS_SET} meta l4proto . th dport vmap @${SERVICE_NODEPORTS_MAP}`));
    for (const nodeIP of addressing.ips) lines.push(`add element ${ref} ${NODEPORT_IPS_SET} { ${nodeIP} }`);
  }
  return lines;
}
