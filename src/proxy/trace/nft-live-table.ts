// Reads kube-proxy's nftables table live, for tracing: `nft -j list table ip kube-proxy`, run
// directly or inside a network namespace (`ip netns exec`), parsed into the tracer's model. Lists
// the whole table (costs time at thousands of services; a trace is a one-off). Needs root.

import { ExecNft } from "../nftables/nft-commands.js";
import { FAMILY, TABLE } from "../nftables/names.js";
import { parseNftJson } from "./nft-json-parse.js";
import type { ParsedNftTable } from "./nft-table-model.js";

export interface LiveNftTableOptions {
  /** Read inside this network namespace; the current one otherwise. */
  netns?: string;
  /** Kill nft after this many milliseconds; default 60 000. */
  timeoutMs?: number;
}

const nftFor = (options: LiveNftTableOptions): ExecNft =>
  new ExecNft({ ...(options.netns !== undefined ? { netns: options.netns } : {}), timeoutMs: options.timeoutMs ?? 60_000 });

/** Whether `table ip kube-proxy` exists there (the proxy runs in nftables mode). Throws NftCommandError when nft cannot be asked. */
export function hasKubeProxyTable(options: LiveNftTableOptions = {}): Promise<boolean> {
  return nftFor(options).tableExists();
}

/** `table ip kube-proxy` as it stands. Throws NftCommandError (no such table, no nft, not root) or NftJsonError. */
export async function readKubeProxyTable(options: LiveNftTableOptions = {}): Promise<ParsedNftTable> {
  return parseNftJson(await nftFor(options).listTable({ json: true }), { family: FAMILY, name: TABLE });
}
