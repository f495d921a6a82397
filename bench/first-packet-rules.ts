// Programs the proxier's rules into a client namespace of the first-packet benchmark, with the
// proxier's own code: the iptables rules generator and a full sync as the proxier writes it on
// iptables' nf_tables build in a namespace it owns (one iptables-restore replacing the tables),
// or the nftables rule store's full-sync transaction through `nft -f`. Also the checks that the
// kernel holds what was meant, and the proxiers' cleanup helpers.

import { ExecIptables, runCommand } from "../src/proxy/iptables/iptables-commands.js";
import { generateModernRules } from "../src/proxy/iptables/modern-rules.js";
import { wholeTableRestore } from "../src/proxy/iptables/whole-table-restore.js";
import { ExecNft, cleanupNftables } from "../src/proxy/nftables/nft-commands.js";
import { FAMILY, FIREWALL_IPS_MAP, TABLE } from "../src/proxy/nftables/names.js";
import { NftRuleStore } from "../src/proxy/nftables/nft-rule-store.js";
import type { ProxyState } from "../src/proxy/types.js";
import type { ChainPosition } from "./first-packet-services.js";
import { TARGET_SERVICE, benchNodeConfig, kubeServicesPosition } from "./first-packet-services.js";

/** How long writing the rules took. */
export interface ProgramFigures {
  generateMs: number;
  /** iptables-restore, or every `nft -f` together. */
  writeMs: number;
  /** `nft -f` transactions (1 for iptables). */
  transactions: number;
}

const COMMAND_TIMEOUT_MS = 600_000;

/**
 * A full iptables sync of `state` into `netns`: generate, then one restore that replaces the
 * filter and nat tables. Returns its timings and where the target's rule sits in the kernel's
 * KUBE-SERVICES chain; throws when the target's rule is not there.
 */
export async function programIptables(netns: string, state: ProxyState): Promise<ProgramFigures & { position: ChainPosition }> {
  const cmds = new ExecIptables({ netns, backend: "nft", timeoutMs: COMMAND_TIMEOUT_MS });
  const t0 = performance.now();
  const rules = generateModernRules(state, benchNodeConfig());
  const text = wholeTableRestore(rules.text, "modern");
  const t1 = performance.now();
  await cmds.restoreAll(text);
  const t2 = performance.now();
  const listing = await cmds.iptables(["-t", "nat", "-S", "KUBE-SERVICES"]);
  const position = kubeServicesPosition(listing.stdout, TARGET_SERVICE.clusterIP);
  if (listing.code !== 0 || !position) throw new Error(`${netns}: the target's KUBE-SERVICES rule is not in the kernel: ${listing.stderr.trim()}`);
  return { generateMs: t1 - t0, writeMs: t2 - t1, transactions: 1, position };
}

/**
 * Splits a full-sync transaction after its table and base objects and then every `chunk`
 * services; each part is valid on its own once the ones before it are in. 0: one part.
 */
export function splitTransaction(text: string, chunk: number): string[] {
  if (chunk <= 0) return [text];
  const blocks = text.split("\n\n# ");
  const head = blocks.shift() ?? "";
  const parts = [`${head}\n`];
  for (let i = 0; i < blocks.length; i += chunk) parts.push(`${blocks.slice(i, i + chunk).map((b) => `# ${b}`).join("\n\n")}\n`);
  return parts;
}

/**
 * The nftables proxier's full sync of `state` into `netns`: the rule store's transaction, as one
 * `nft -f` (chunk 0, what the proxier does) or split into parts of `chunk` services — the same
 * table in the end, far sooner: nft 1.0.6 with this kernel takes time quadratic in the size of
 * one transaction (176 s for 10k services in one, 23 s in parts of 500).
 */
export async function programNftables(netns: string, state: ProxyState, chunk: number): Promise<ProgramFigures> {
  const nft = new ExecNft({ netns, timeoutMs: COMMAND_TIMEOUT_MS });
  const t0 = performance.now();
  const parts = splitTransaction(new NftRuleStore().full(state, benchNodeConfig()).text, chunk);
  const t1 = performance.now();
  for (const part of parts) await nft.run(part);
  const t2 = performance.now();
  return { generateMs: t1 - t0, writeMs: t2 - t1, transactions: parts.length };
}

/**
 * True when `netns` holds the nftables proxier's table. Not ExecNft.tableExists: when the table is
 * absent its fallback, `nft list tables ip`, makes nft 1.0.6 read every chain of iptables-nft's
 * tables too — 93 s beside 10k services of iptables rules; naming the table fails in under 1 s.
 */
export async function hasNftablesTable(netns: string): Promise<boolean> {
  const nft = ["ip", "netns", "exec", netns, "nft", "list"];
  // The proxier's small map first: cheap whatever the table's size.
  if ((await runCommand([...nft, "map", FAMILY, TABLE, FIREWALL_IPS_MAP], undefined, COMMAND_TIMEOUT_MS)).code === 0) return true;
  return (await runCommand([...nft, "table", FAMILY, TABLE], undefined, COMMAND_TIMEOUT_MS)).code === 0;
}

/** True when `netns`'s nat table has a KUBE-SERVICES chain (iptables' nf_tables build). */
export async function hasIptablesRules(netns: string): Promise<boolean> {
  const r = await new ExecIptables({ netns, backend: "nft", timeoutMs: COMMAND_TIMEOUT_MS }).iptables(["-t", "nat", "-S", "KUBE-SERVICES"]);
  return r.code === 0;
}

/** The nftables proxier's cleanup (`nft delete table ip kube-proxy`), before the namespace goes. */
export function removeNftables(netns: string): Promise<boolean> {
  return cleanupNftables(new ExecNft({ netns, timeoutMs: COMMAND_TIMEOUT_MS }));
}
