// Runs the conntrack reconciliation (conntrack-plan.ts) against the kernel with the `conntrack`
// tool (Debian package conntrack), inside the proxy's network namespace when it has one: UDP
// flows, and half-open TCP flows (listed by their state, SYN_SENT, so established ones are not
// even read).

import { runCommand } from "../iptables/iptables-commands.js";
import type { ProxyState, ServicePortInfo } from "../types.js";
import { parseConntrackListing } from "./conntrack-entry.js";
import type { IPFamily } from "../ip-family.js";
import type { ConntrackEntry } from "./conntrack-entry.js";
import { conntrackDeleteArgs, staleHalfOpenTcpEntries, staleUdpEntries } from "./conntrack-plan.js";

/** Which protocols' entries a reconciliation looks at. */
export interface ConntrackScope {
  udp: boolean;
  halfOpenTcp: boolean;
}

export interface ConntrackCleanerOptions {
  netns?: string;
  /** The family of the flows to look at (the proxier's); default IPv4. */
  ipFamily?: IPFamily;
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
  readonly #family: "ipv4" | "ipv6";

  constructor(options: ConntrackCleanerOptions = {}) {
    this.#prefix = options.netns === undefined ? [] : ["ip", "netns", "exec", options.netns];
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#family = options.ipFamily === "IPv6" ? "ipv6" : "ipv4";
  }

  /** Lists the entries of `scope` and deletes the stale ones. A missing `conntrack` tool is an error that names its package. */
  async reconcile(state: ProxyState, deletedServicePorts: readonly ServicePortInfo[], scope: ConntrackScope = { udp: true, halfOpenTcp: false }): Promise<ConntrackCleanupResult> {
    let listed = 0;
    const stale: ConntrackEntry[] = [];
    if (scope.udp) {
      const entries = await this.#list(["-p", "udp"]);
      listed += entries.length;
      stale.push(...staleUdpEntries(entries, state, { deletedServicePorts }));
    }
    if (scope.halfOpenTcp) {
      const entries = await this.#list(["-p", "tcp", "--state", "SYN_SENT"]);
      listed += entries.length;
      stale.push(...staleHalfOpenTcpEntries(entries, state));
    }
    let failed = 0;
    for (const entry of stale) {
      const result = await runCommand([...this.#prefix, "conntrack", ...conntrackDeleteArgs(entry)], undefined, this.#timeoutMs);
      // Exit 1 with "0 flow entries" means the flow expired meanwhile: nothing left to do.
      if (result.code !== 0 && !/0 flow entries/.test(result.stderr)) failed++;
    }
    return { listed, deleted: stale.length - failed, failed };
  }

  async #list(filter: string[]): Promise<ConntrackEntry[]> {
    const list = await runCommand([...this.#prefix, "conntrack", "-L", ...filter, "-f", this.#family], undefined, this.#timeoutMs);
    if (list.code === 127) throw new Error("conntrack is not installed (Debian package conntrack): stale flows cannot be cleared");
    if (list.code !== 0) throw new Error(`conntrack -L exited ${list.code}: ${list.stderr.trim()}`);
    return parseConntrackListing(list.stdout).entries;
  }
}
