// The rules that hook kube-proxy's chains into the built-in chains. They are not part of the
// restore input: the proxier checks each with `iptables -C` and inserts it at position 1 when
// missing, so on a clean node the final order in a built-in chain is the reverse of this list.

import type { RulesProfile } from "../service-port-name.js";

export interface JumpRule {
  table: "filter" | "nat";
  /** Built-in chain the rule lives in. */
  chain: "INPUT" | "OUTPUT" | "FORWARD" | "PREROUTING" | "POSTROUTING";
  /** Match arguments that come before the comment. */
  extraArgs: string[];
  comment?: string;
  /** The kube-proxy chain jumped to (created first when missing). */
  target: string;
}

const NEW = ["-m", "conntrack", "--ctstate", "NEW"];

const modernJumpRules: JumpRule[] = [
  { table: "filter", chain: "INPUT", extraArgs: NEW, comment: "kubernetes externally-visible service portals", target: "KUBE-EXTERNAL-SERVICES" },
  { table: "filter", chain: "FORWARD", extraArgs: NEW, comment: "kubernetes externally-visible service portals", target: "KUBE-EXTERNAL-SERVICES" },
  { table: "filter", chain: "INPUT", extraArgs: [], comment: "kubernetes health check service ports", target: "KUBE-NODEPORTS" },
  { table: "filter", chain: "FORWARD", extraArgs: NEW, comment: "kubernetes service portals", target: "KUBE-SERVICES" },
  { table: "filter", chain: "OUTPUT", extraArgs: NEW, comment: "kubernetes service portals", target: "KUBE-SERVICES" },
  { table: "filter", chain: "FORWARD", extraArgs: [], comment: "kubernetes forwarding rules", target: "KUBE-FORWARD" },
  { table: "filter", chain: "INPUT", extraArgs: NEW, comment: "kubernetes load balancer firewall", target: "KUBE-PROXY-FIREWALL" },
  { table: "filter", chain: "OUTPUT", extraArgs: NEW, comment: "kubernetes load balancer firewall", target: "KUBE-PROXY-FIREWALL" },
  { table: "filter", chain: "FORWARD", extraArgs: NEW, comment: "kubernetes load balancer firewall", target: "KUBE-PROXY-FIREWALL" },
  { table: "nat", chain: "OUTPUT", extraArgs: [], comment: "kubernetes service portals", target: "KUBE-SERVICES" },
  { table: "nat", chain: "PREROUTING", extraArgs: [], comment: "kubernetes service portals", target: "KUBE-SERVICES" },
  { table: "nat", chain: "POSTROUTING", extraArgs: [], comment: "kubernetes postrouting rules", target: "KUBE-POSTROUTING" },
  // kubelet's copy of the localhost anti-martian chain; kube-proxy fills it in the restore.
  { table: "filter", chain: "INPUT", extraArgs: [], target: "KUBE-FIREWALL" },
  { table: "filter", chain: "OUTPUT", extraArgs: [], target: "KUBE-FIREWALL" },
];

/** kube-proxy 1.2's hooks, as on the seed's nodes: nat portals and postrouting, filter portals for REJECT. */
const seedJumpRules: JumpRule[] = [
  { table: "filter", chain: "OUTPUT", extraArgs: [], comment: "kubernetes service portals", target: "KUBE-SERVICES" },
  { table: "nat", chain: "OUTPUT", extraArgs: [], comment: "kubernetes service portals", target: "KUBE-SERVICES" },
  { table: "nat", chain: "PREROUTING", extraArgs: [], comment: "kubernetes service portals", target: "KUBE-SERVICES" },
  { table: "nat", chain: "POSTROUTING", extraArgs: [], comment: "kubernetes postrouting rules", target: "KUBE-POSTROUTING" },
];

export function jumpRules(profile: RulesProfile): readonly JumpRule[] {
  return profile === "seed" ? seedJumpRules : modernJumpRules;
}

/** The rule as iptables arguments after `-t table -I chain 1` / `-C chain`. */
export function jumpRuleArgs(rule: JumpRule): string[] {
  const comment = rule.comment === undefined ? [] : ["-m", "comment", "--comment", rule.comment];
  return [...rule.extraArgs, ...comment, "-j", rule.target];
}

/** The rules in the order they end up in their built-in chains on a clean node (each was inserted at 1). */
export function jumpRulesInChainOrder(profile: RulesProfile): JumpRule[] {
  return [...jumpRules(profile)].reverse();
}
