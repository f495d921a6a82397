// The thin shell between the nftables proxier and the kernel: `nft -f -` transactions and the two
// small queries the proxier needs, run directly or inside a network namespace (`ip netns exec`),
// never through a shell, for one family's table (`ip kube-proxy` or `ip6 kube-proxy`). Reads never
// list the proxy's table (that grows with the services).

import { CommandFailedError, runCommand } from "../iptables/iptables-commands.js";
import type { CommandResult } from "../iptables/iptables-commands.js";
import type { IPFamily } from "../../allocators/ip.js";
import { FIREWALL_IPS_MAP, TABLE } from "./names.js";
import { nftFamily } from "./nft-family.js";

/** What the nftables proxier needs from nft. The real one execs; tests of pure callers may fake it. */
export interface NftCommands {
  /** `nft -f -` with `text` on stdin: one atomic transaction. Throws NftCommandError on failure. */
  run(text: string): Promise<void>;
  /**
   * Whether `table ip kube-proxy` (`ip6` for an IPv6 proxier) exists. Cheap whatever the table's size: nft fills its cache
   * with every set of a table it lists (one netlink dump per anonymous vmap, i.e. per service),
   * so even `nft list tables` costs ~1 s at 3,000 services; listing one small map does not.
   */
  tableExists(): Promise<boolean>;
  /** `nft list table ip kube-proxy`, or with `json` `nft -j …` (for tests and inspection; costs time with many services). */
  listTable(options?: { json?: boolean }): Promise<string>;
  /** Where the commands act, for messages: "netns svcnet-x-core-v2-01" or "host". */
  readonly where: string;
  /** Whose table tableExists and listTable look at; undefined means IPv4 (`ip kube-proxy`). */
  readonly ipFamily?: IPFamily;
}

/** An nft invocation that failed; the message names the command and carries nft's first errors. */
export class NftCommandError extends CommandFailedError {
  override readonly name = "NftCommandError";
  readonly code = "NftCommandFailed";

  constructor(command: readonly string[], result: CommandResult) {
    super(command, result, 6);
  }
}

export interface ExecNftOptions {
  /** Run inside this network namespace; the current one otherwise. */
  netns?: string;
  /** Kill nft after this many milliseconds; default 120 000 (a cold full sync of 50k services is large). */
  timeoutMs?: number;
  /** Whose table the queries look at: `ip kube-proxy` (IPv4, default) or `ip6 kube-proxy`. */
  ipFamily?: IPFamily;
}

export class ExecNft implements NftCommands {
  readonly where: string;
  readonly ipFamily: IPFamily;
  readonly #prefix: string[];
  readonly #timeoutMs: number;
  readonly #family: "ip" | "ip6";

  constructor(options: ExecNftOptions = {}) {
    this.ipFamily = options.ipFamily ?? "IPv4";
    this.#family = nftFamily(this.ipFamily).family;
    this.#prefix = options.netns === undefined ? [] : ["ip", "netns", "exec", options.netns];
    this.where = options.netns === undefined ? "host" : `netns ${options.netns}`;
    this.#timeoutMs = options.timeoutMs ?? 120_000;
  }

  async run(text: string): Promise<void> {
    const command = [...this.#prefix, "nft", "-f", "-"];
    const result = await runCommand(command, text, this.#timeoutMs);
    if (result.code !== 0) throw new NftCommandError(command, result);
  }

  async tableExists(): Promise<boolean> {
    // Our layout always has the firewall-ips map, and it is small (LoadBalancers with source ranges).
    const probe = await runCommand([...this.#prefix, "nft", "list", "map", this.#family, TABLE, FIREWALL_IPS_MAP], undefined, this.#timeoutMs);
    if (probe.code === 0) return true;
    // No nft program at all: certainly no table of ours.
    if (probe.code === 127) return false;
    // No such map: no table, or one in another layout. Ask for the table itself — not for the list
    // of tables, which makes nft 1.0.6 read every table (a minute and a half beside iptables-nft's
    // chains for 10,000 services) when ours is absent.
    const command = [...this.#prefix, "nft", "list", "table", this.#family, TABLE];
    const result = await runCommand(command, undefined, this.#timeoutMs);
    if (result.code === 0) return true;
    if (nftNoSuchObject(result.stderr)) return false;
    throw new NftCommandError(command, result);
  }

  async listTable(options: { json?: boolean } = {}): Promise<string> {
    const command = [...this.#prefix, "nft", ...(options.json ? ["-j"] : []), "list", "table", this.#family, TABLE];
    const result = await runCommand(command, undefined, this.#timeoutMs);
    if (result.code !== 0) throw new NftCommandError(command, result);
    return result.stdout;
  }
}

/** Whether nft's stderr says that what it was asked for (a table, chain, set or map) does not exist. */
export function nftNoSuchObject(stderr: string): boolean {
  return /No such file or directory/.test(stderr);
}

/**
 * `nft delete table ip kube-proxy` (`ip6` when `nft` is an IPv6 one) if the table exists
 * (`kube-proxy --cleanup`, or a switch to iptables mode).
 */
export async function cleanupNftables(nft: NftCommands): Promise<boolean> {
  if (!(await nft.tableExists())) return false;
  await nft.run(`delete table ${nftFamily(nft.ipFamily).tableRef}\n`);
  return true;
}
