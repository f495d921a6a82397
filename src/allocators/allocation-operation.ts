// One allocation call's bookkeeping: which IPs and ports it took (so a failure or a rolled-back
// write gives back exactly those), which it chose without reserving (dry runs), and which the
// service held already (an update may keep them without a new reservation).

import type { Holdings } from "./service-holdings.js";
import type { PoolOwner, StorePool } from "./store-pool.js";

/** Options of an Operation. */
export interface OperationOptions {
  ips: StorePool;
  ports: StorePool;
  owner: PoolOwner;
  dryRun: boolean;
  /** What the service held before (update), IPs canonical: taking these needs no reservation. */
  held: Holdings;
  /** The canonical spelling of an IP (as keys use it), for comparing with `held`. */
  canonicalIP(ip: string): string;
}

/** One allocation call's reservations; see the file comment. Not shared between calls. */
export class Operation {
  readonly #o: OperationOptions;
  readonly #chosenIPs = new Set<string>();
  readonly #chosenPorts = new Set<number>();
  readonly #reservedIPs: string[] = [];
  readonly #reservedPorts: number[] = [];

  constructor(options: OperationOptions) {
    this.#o = options;
  }

  /** True when the service held this IP (any spelling) before this update. */
  holdsIP(ip: string): boolean {
    return this.#o.held.clusterIPs.includes(this.#o.canonicalIP(ip));
  }

  /** True when the service held this port before this update. */
  holdsPort(port: number): boolean {
    return this.#o.held.nodePorts.includes(port);
  }

  /** Takes a canonical in-range IP; false when someone else holds it. */
  async takeIP(ip: string): Promise<boolean> {
    if (this.#chosenIPs.has(ip)) return false;
    this.#chosenIPs.add(ip);
    if (this.#o.held.clusterIPs.includes(ip)) return true;
    if (this.#o.dryRun) return !(await this.#o.ips.get(ip));
    if (!(await this.#o.ips.reserve(ip, this.#o.owner))) return false;
    this.#reservedIPs.push(ip);
    return true;
  }

  /** Takes any free IP; undefined when the range is full. */
  async nextIP(): Promise<string | undefined> {
    const ip = await this.#o.ips.reserveNext(this.#o.owner, { exclude: this.#chosenIPs, dryRun: this.#o.dryRun });
    if (ip === undefined) return undefined;
    this.#chosenIPs.add(ip);
    if (!this.#o.dryRun) this.#reservedIPs.push(ip);
    return ip;
  }

  /**
   * Takes an in-range port; false when someone else holds it. With `shared`, a port this
   * operation already took counts as taken by us (two ports of one service sharing it).
   */
  async takePort(port: number, opts: { shared: boolean }): Promise<boolean> {
    if (this.#chosenPorts.has(port)) return opts.shared;
    this.#chosenPorts.add(port);
    if (this.#o.held.nodePorts.includes(port)) return true;
    if (this.#o.dryRun) return !(await this.#o.ports.get(String(port)));
    if (!(await this.#o.ports.reserve(String(port), this.#o.owner))) return false;
    this.#reservedPorts.push(port);
    return true;
  }

  /** Takes any free port; undefined when the range is full. */
  async nextPort(): Promise<number | undefined> {
    const exclude = new Set([...this.#chosenPorts].map(String));
    const got = await this.#o.ports.reserveNext(this.#o.owner, { exclude, dryRun: this.#o.dryRun });
    if (got === undefined) return undefined;
    const port = Number(got);
    this.#chosenPorts.add(port);
    if (!this.#o.dryRun) this.#reservedPorts.push(port);
    return port;
  }

  /** Releases what this operation reserved (nothing on a dry run). Idempotent. */
  async rollback(): Promise<void> {
    const ips = this.#reservedIPs.splice(0);
    const ports = this.#reservedPorts.splice(0);
    for (const ip of ips) await this.#o.ips.release(ip, this.#o.owner);
    for (const p of ports) await this.#o.ports.release(String(p), this.#o.owner);
  }
}
