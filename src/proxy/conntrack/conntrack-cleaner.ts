// Runs the UDP conntrack reconciliation against the kernel with the `conntrack` tool (Debian
// package conntrack), inside the proxy's network namespace when it has one.

import { runCommand } from "../iptables/iptables-commands.js";
import type { ProxyState, ServicePortInfo } from "../types.js";
import { parseConntrackListing } from "./conntrack-entry.js";
import { conntrackDeleteArgs, staleUdpEntries } from "./conntrack-plan.js";

export interface ConntrackCleanerOptions {
  netns?: string;
  timeoutMs?: number;
}

export interface ConntrackCleanupResult {
  listed: number;
  deleted: number;
  failed: number;
}

export class ConntrackCleaner {
  readonly #prefix: string[];
  readonly #timeoutMs: number;

  constructor(options: ConntrackCleanerOptions = {}) {
    this.#prefix = options.netns === undefined ? [] : ["ip", "netns", "exec", options.netns];
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Lists UDP entries and deletes the stale ones. A missing `conntrack` tool is an error that names its package. */
  async reconcile(state: ProxyState, deletedServicePorts: readonly ServicePortInfo[]): Promise<ConntrackCleanupResult> {
    const list = await runCommand([...this.#prefix, "conntrack", "-L", "-p", "udp", "-f", "ipv4"], undefined, this.#timeoutMs);
    if (list.code === 127) throw new Error("conntrack is not installed (Debian package conntrack): stale UDP flows cannot be cleared");
    if (list.code !== 0) throw new Error(`conntrack -L exited ${list.code}: ${list.stderr.trim()}`);
    const { entries } = parseConntrackListing(list.stdout);
    const stale = staleUdpEntries(entries, state, { deletedServicePorts });
    let failed = 0;
    for (const entry of stale) {
      const result = await runCommand([...this.#prefix, "conntrack", ...conntrackDeleteArgs(entry)], undefined, this.#timeoutMs);
      // Exit 1 with "0 flow entries" means the flow expired meanwhile: nothing left to do.
      if (result.code !== 0 && !/0 flow entries/.test(result.stderr)) failed++;
    }
    return { listed: entries.length, deleted: stale.length - failed, failed };
  }
}
