// A full sync without --noflush, for tables that hold nothing but the proxy's own chains and
// hooks. iptables 1.8.9's nf_tables backend takes time quadratic in the number of chains for a
// --noflush restore (minutes at 10,000 services, see bench/proxy-sync.ts) but linear time for a
// restore that replaces the tables. Replacing is only safe when nothing else lives in them — a
// fresh node namespace of the sandbox, or a host where only the proxy writes iptables — so the
// proxier checks that first with `ownsTables` and otherwise keeps kube-proxy's --noflush way.
// The kernel ends in the same state either way: the same chains, rules and hooks in the same order.

import type { RulesProfile } from "../service-port-name.js";
import { jumpRuleArgs, jumpRulesInChainOrder } from "./jump-rules.js";
import type { ParsedRuleset, TableName } from "./restore-parse.js";
import { isBuiltinChain, parseRestore } from "./restore-parse.js";

const BUILTIN_CHAINS: Record<"filter" | "nat", readonly string[]> = {
  filter: ["INPUT", "FORWARD", "OUTPUT"],
  nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
};

/**
 * True when the filter and nat tables (iptables-save output) contain only KUBE-* chains and, in
 * the built-in chains, only the proxy's hooks — so a restore that replaces the tables loses nothing.
 */
export function ownsTables(saveText: string, profile: RulesProfile): boolean {
  let ruleset: ParsedRuleset;
  try {
    ruleset = parseRestore(saveText);
  } catch {
    return false;
  }
  const hooks = new Set(jumpRulesInChainOrder(profile).map((r) => `${r.table} ${r.chain} ${jumpRuleArgs(r).join(" ")}`));
  for (const [table, parsed] of ruleset.tables) {
    if (table !== "filter" && table !== "nat") continue;
    for (const [chain, content] of parsed.chains) {
      if (!isBuiltinChain(table as TableName, chain)) {
        if (!chain.startsWith("KUBE-")) return false;
        continue;
      }
      if ((content.policy ?? "ACCEPT") !== "ACCEPT") return false;
      for (const rule of content.rules) if (!hooks.has(`${table} ${chain} ${rule.tokens.join(" ")}`)) return false;
    }
  }
  return true;
}

/**
 * Turns the generator's --noflush input into a complete one: each table also declares its built-in
 * chains (policy ACCEPT), any hook target the input does not declare, and the hooks themselves in
 * the order they take on a clean node; `extraChains` (e.g. the canary) are declared too.
 */
export function wholeTableRestore(text: string, profile: RulesProfile, extraChains: Partial<Record<"filter" | "nat", string[]>> = {}): string {
  const out: string[] = [];
  let table: "filter" | "nat" | undefined;
  let declared = new Set<string>();
  let tableLines: string[] = [];
  const flush = (): void => {
    if (!table) return;
    const t = table;
    const head = [`*${t}`, ...BUILTIN_CHAINS[t].map((c) => `:${c} ACCEPT [0:0]`)];
    const hooks = jumpRulesInChainOrder(profile).filter((r) => r.table === t);
    for (const chain of [...hooks.map((h) => h.target), ...(extraChains[t] ?? [])]) {
      if (!declared.has(chain)) {
        head.push(`:${chain} - [0:0]`);
        declared.add(chain);
      }
    }
    // Chain lines must come before the rules that jump to them: keep the input's declarations first.
    const declarations = tableLines.filter((l) => l.startsWith(":"));
    const rules = tableLines.filter((l) => !l.startsWith(":"));
    const hookLines = hooks.map((h) => ["-A", h.chain, ...jumpRuleArgs(h).map(quote)].join(" "));
    // Appended one list at a time: spreading 100,000 lines into one call overflows the stack.
    for (const part of [head, declarations, hookLines, rules, ["COMMIT"]]) for (const l of part) out.push(l);
  };
  for (const line of text.split("\n")) {
    if (line.startsWith("*")) {
      flush();
      const name = line.slice(1);
      table = name === "filter" || name === "nat" ? name : undefined;
      if (!table) throw new Error(`wholeTableRestore: unexpected table ${name}`);
      declared = new Set();
      tableLines = [];
    } else if (line === "COMMIT") {
      flush();
      table = undefined;
    } else if (line !== "" && table) {
      if (line.startsWith(":")) declared.add(line.slice(1, line.indexOf(" ")));
      tableLines.push(line);
    }
  }
  return out.join("\n") + "\n";
}

/** A word as restore input needs it: quoted when it holds a space (as kube-proxy quotes comments). */
function quote(word: string): string {
  return word.includes(" ") ? `"${word}"` : word;
}

/** Whether the iptables build is the nf_tables one (`iptables --version` says "(nf_tables)"). */
export function isNftBackend(versionText: string): boolean {
  return versionText.includes("nf_tables");
}
