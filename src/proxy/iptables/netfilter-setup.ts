// Everything the proxier does to the tables outside the restore: hooking its chains into the
// built-in chains, the canary chains that reveal a flush, listing chains, and cleaning up.

import type { RulesProfile } from "../service-port-name.js";
import type { IptablesCommands, IptablesTable } from "./iptables-commands.js";
import { IptablesCommandError } from "./iptables-commands.js";
import { jumpRuleArgs, jumpRules } from "./jump-rules.js";

export const CANARY_CHAIN = "KUBE-PROXY-CANARY";
const CANARY_TABLES: IptablesTable[] = ["mangle", "nat", "filter"];

/** Chains per table that the proxier owns outright (flushed and deleted by cleanup). */
const OWNED_CHAINS: Record<"filter" | "nat", string[]> = {
  filter: ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL"],
  nat: ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"],
};

const PER_SERVICE_PREFIXES = ["KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-"];

/** Creates each jump target chain and inserts each missing jump rule at position 1 (kube-proxy's way). */
export async function ensureJumpRules(cmds: IptablesCommands, profile: RulesProfile): Promise<void> {
  for (const rule of jumpRules(profile)) {
    await ensureChain(cmds, rule.table, rule.target);
    const args = jumpRuleArgs(rule);
    const check = await cmds.iptables(["-t", rule.table, "-C", rule.chain, ...args]);
    if (check.code === 0) continue;
    const insert = ["-t", rule.table, "-I", rule.chain, "1", ...args];
    const result = await cmds.iptables(insert);
    if (result.code !== 0) throw new IptablesCommandError(["iptables", ...insert], result);
  }
}

export async function ensureChain(cmds: IptablesCommands, table: IptablesTable, chain: string): Promise<void> {
  const exists = await cmds.iptables(["-t", table, "-S", chain, "1"]);
  if (exists.code === 0) return;
  const create = ["-t", table, "-N", chain];
  const result = await cmds.iptables(create);
  // Another writer may have created it between the check and now.
  if (result.code !== 0 && !/exists/i.test(result.stderr)) throw new IptablesCommandError(["iptables", ...create], result);
}

export async function ensureCanaries(cmds: IptablesCommands): Promise<void> {
  for (const table of CANARY_TABLES) await ensureChain(cmds, table, CANARY_CHAIN);
}

/** True while the mangle canary exists; false means someone flushed or deleted the tables. */
export async function canaryPresent(cmds: IptablesCommands): Promise<boolean> {
  const result = await cmds.iptables(["-t", "mangle", "-S", CANARY_CHAIN, "1"]);
  return result.code === 0;
}

/**
 * Whether iptables mode left anything behind: the mangle canary or the nat KUBE-SERVICES chain.
 * A missing iptables program counts as nothing left.
 */
export async function iptablesRulesPresent(cmds: IptablesCommands): Promise<boolean> {
  if (await canaryPresent(cmds)) return true;
  const services = await cmds.iptables(["-t", "nat", "-S", "KUBE-SERVICES", "1"]);
  return services.code === 0;
}

/** Chain names declared in iptables-save output (`:NAME POLICY [p:b]`). */
export function chainNamesOf(saveText: string): Set<string> {
  const names = new Set<string>();
  for (const line of saveText.split("\n")) {
    if (!line.startsWith(":")) continue;
    const end = line.indexOf(" ");
    names.add(end === -1 ? line.slice(1) : line.slice(1, end));
  }
  return names;
}

/** The per-service chains (KUBE-SVC/SVL/EXT/FW/SEP-…) among `names`. */
export function perServiceChains(names: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const name of names) if (PER_SERVICE_PREFIXES.some((p) => name.startsWith(p))) out.add(name);
  return out;
}

/** `iptables --version` supports MASQUERADE --random-fully from 1.6.2 on. */
export function randomFullySupported(versionText: string): boolean {
  const match = /v(\d+)\.(\d+)\.(\d+)/.exec(versionText);
  if (!match) return false;
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return major > 1 || (major === 1 && (minor > 6 || (minor === 6 && patch >= 2)));
}

/**
 * Removes what the proxier wrote, as `kube-proxy --cleanup` does: the jump rules, then the owned and
 * per-service chains (flushed first so references between them do not block deletion) and the canaries.
 * KUBE-FIREWALL stays: kubelet owns a copy of it.
 */
export async function cleanupRules(cmds: IptablesCommands, profile: RulesProfile): Promise<void> {
  for (const rule of jumpRules(profile)) {
    await cmds.iptables(["-t", rule.table, "-D", rule.chain, ...jumpRuleArgs(rule)]);
  }
  for (const table of ["nat", "filter"] as const) {
    const present = chainNamesOf(await cmds.save(table));
    const doomed = [...OWNED_CHAINS[table], ...(table === "nat" ? perServiceChains(present) : [])].filter((c) => present.has(c));
    for (const chain of doomed) await cmds.iptables(["-t", table, "-F", chain]);
    for (const chain of doomed) await cmds.iptables(["-t", table, "-X", chain]);
  }
  for (const table of CANARY_TABLES) await cmds.iptables(["-t", table, "-X", CANARY_CHAIN]);
}
