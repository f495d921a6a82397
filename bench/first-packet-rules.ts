// Programs the proxier's rules into a client namespace of the first-packet benchmark, with the
// proxier's own code: the iptables rules generator and a full sync as the proxier writes it on
// iptables' nf_tables build in a namespace it owns (one iptables-restore replacing the tables),
// or the nftables rule store's full-sync transaction through `nft -f`. Also the checks that the
// kernel holds what was meant, and the proxiers' cleanup helpers.

import { ExecIptables } from "../src/proxy/iptables/iptables-commands.js";
import { generateModernRules } from "../src/proxy/iptables/modern-rules.js";
import { wholeTableRestore } from "../src/proxy/iptables/whole-table-restore.js";
import { ExecNft, cleanupNftables } from "../src/proxy/nftables/nft-commands.js";
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
 * The nftables proxier's full sync of `state` into `netns`, as the proxier builds a table from
 * nothing: the rule store's cold-sync parts of `chunk` service ports each (NftTransaction.coldParts),
 * or with chunk 0 its single transaction (176 s for 10k services in one, 18–23 s in parts of 500).
 */
export async function programNftables(netns: string, state: ProxyState, chunk: number): Promise<ProgramFigures> {
  const nft = new ExecNft({ netns, timeoutMs: COMMAND_TIMEOUT_MS });
  const t0 = performance.now();
  const tx = new NftRuleStore().full(state, benchNodeConfig(), Math.max(1, chunk));
  const parts = chunk <= 0 ? [tx.text] : (tx.coldParts ?? [tx.text]);
  const t1 = performance.now();
  for (const part of parts) await nft.run(part);
  const t2 = performance.now();
  return { generateMs: t1 - t0, writeMs: t2 - t1, transactions: parts.length };
}

/** True when `netns` holds the nftables proxier's table (ExecNft.tableExists). */
export function hasNftablesTable(netns: string): Promise<boolean> {
  return new ExecNft({ netns, timeoutMs: COMMAND_TIMEOUT_MS }).tableExists();
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
