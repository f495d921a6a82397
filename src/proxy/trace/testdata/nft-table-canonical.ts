// A parsed nftables table in an order-free, printable form, for tests that compare a table read
// from nft's JSON with the same table read from the script that created it: chains by name with
// their rules as text, sets by name with sorted elements. nft lists `flags dynamic,timeout` as
// `timeout` only, so "dynamic" is left out.

import { keyText, ruleText, verdictText } from "../nft-rule-text.js";
import type { ParsedNftTable } from "../nft-table-model.js";

export interface CanonicalNftTable {
  chains: Record<string, { base?: string; rules: string[] }>;
  sets: Record<string, { map: boolean; keyType: string; flags: string[]; elements: string[] }>;
}

export function canonicalNftTable(table: ParsedNftTable): CanonicalNftTable {
  const chains: CanonicalNftTable["chains"] = {};
  for (const c of [...table.chains.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const base = c.base && `${c.base.type} hook ${c.base.hook} priority ${c.base.priority} policy ${c.base.policy}`;
    chains[c.name] = { ...(base !== undefined ? { base } : {}), rules: c.rules.map(ruleText) };
  }
  const sets: CanonicalNftTable["sets"] = {};
  for (const s of [...table.sets.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const elements = s.elements
      .map((e) => `${keyText(e.key)}${e.comment !== undefined ? ` comment "${e.comment}"` : ""}${e.verdict ? ` : ${verdictText(e.verdict)}` : ""}`)
      .sort();
    sets[s.name] = { map: s.map, keyType: s.keyType.join(" . "), flags: s.flags.filter((f) => f !== "dynamic"), elements };
  }
  return { chains, sets };
}
