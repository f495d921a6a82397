// Reads kube-proxy's nftables table live, for tracing: `nft -j list table ip kube-proxy`, run
// directly or inside a network namespace (`ip netns exec`), parsed into the tracer's model. Lists
// the whole table (costs time at thousands of services; a trace is a one-off). Needs root.

import { runCommand } from "../iptables/iptables-commands.js";
import { ExecNft, NftCommandError } from "../nftables/nft-commands.js";
import { FAMILY, TABLE } from "../nftables/names.js";
import { parseNftJson } from "./nft-json-parse.js";
import type { ParsedNftTable } from "./nft-table-model.js";

export interface LiveNftTableOptions {
  /** Read inside this network namespace; the current one otherwise. */
  netns?: string;
  /** Kill nft after this many milliseconds; default 60 000. */
  timeoutMs?: number;
}

/** Whether `table ip kube-proxy` exists there (the proxy runs in nftables mode). Throws NftCommandError when nft cannot be asked. */
export function hasKubeProxyTable(options: LiveNftTableOptions = {}): Promise<boolean> {
  return new ExecNft({ ...(options.netns !== undefined ? { netns: options.netns } : {}), timeoutMs: options.timeoutMs ?? 60_000 }).tableExists();
}

/** `table ip kube-proxy` as it stands. Throws NftCommandError (no such table, no nft, not root) or NftJsonError. */
export async function readKubeProxyTable(options: LiveNftTableOptions = {}): Promise<ParsedNftTable> {
  const prefix = options.netns === undefined ? [] : ["ip", "netns", "exec", options.netns];
  const command = [...prefix, "nft", "-j", "list", "table", FAMILY, TABLE];
  const result = await runCommand(command, undefined, options.timeoutMs ?? 60_000);
  if (result.code !== 0) throw new NftCommandError(command, result);
  return parseNftJson(result.stdout, { family: FAMILY, name: TABLE });
}
