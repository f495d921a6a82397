// Host-local IPAM for one node's pod CIDR, behaving like the CNI host-local plugin: the first
// address after the network is the bridge gateway, pods get the addresses after it, and the
// search for a free address resumes after the one handed out last (so a restarted pod sandbox
// usually receives a new address). Pure: persistence is the caller's job via toJSON().

import type { Cidr } from "../../allocators/cidr.js";
import { cidrContains, formatCIDR, parseCIDR } from "../../allocators/cidr.js";
import { familyBits, formatIP, parseIP } from "../../allocators/ip.js";
import type { IpamState } from "./ipam-state.js";
import { IpamError } from "./ipam-state.js";

/** One pod sandbox's address on the node bridge. */
export interface IpamAllocation {
  /** The pod's address, canonical text. */
  ip: string;
  /** The bridge (docker0) address: the first address of the range. */
  gateway: string;
  /** Prefix length of the pod CIDR, for the pod's interface (`10.1.13.5/24`). */
  prefixLength: number;
}

/**
 * Allocates pod addresses from one CIDR. Usable addresses are network+2 up to the last address
 * before the final one (the IPv4 broadcast; the same bound is kept for IPv6 for symmetry), so
 * `10.1.13.0/24` hands out 10.1.13.2–10.1.13.254 with gateway 10.1.13.1.
 *
 * Contract:
 * - `allocate(id)` is idempotent: an id that already holds an address gets the same one back.
 * - A new address is searched round-robin starting after `lastReservedIP`, wrapping once.
 * - `release(id)` frees the id's address and never moves the round-robin position, so that
 *   address is reused only after the rest of the range has been tried.
 * - State entries outside the range (e.g. the node's pod CIDR changed) are ignored on load.
 */
export class HostLocalIpam {
  readonly #cidr: Cidr;
  readonly #first: bigint;
  readonly #last: bigint;
  readonly #byIP = new Map<bigint, string>();
  readonly #byID = new Map<string, bigint>();
  #lastReserved: bigint | undefined;

  /** Throws IpamError("InvalidRange") when `cidr` is not a CIDR or has fewer than 4 addresses. */
  constructor(cidr: string, state?: IpamState) {
    const parsed = parseCIDR(cidr);
    if (!parsed) throw new IpamError("InvalidRange", `invalid pod CIDR ${JSON.stringify(cidr)}`);
    if (familyBits(parsed.family) - parsed.prefixLength < 2) {
      throw new IpamError("InvalidRange", `pod CIDR ${formatCIDR(parsed)} is too small for pods`);
    }
    this.#cidr = parsed;
    this.#first = parsed.base + 2n;
    this.#last = parsed.base + parsed.size - 2n;
    if (state) this.#load(state);
  }

  #load(state: IpamState): void {
    for (const [ipText, id] of Object.entries(state.allocations)) {
      const value = this.#usable(ipText);
      if (value === undefined || this.#byID.has(id)) continue;
      this.#byIP.set(value, id);
      this.#byID.set(id, value);
    }
    if (state.lastReservedIP !== undefined) this.#lastReserved = this.#usable(state.lastReservedIP);
  }

  /** The numeric value of `ipText` when it is a pod address of this range. */
  #usable(ipText: string): bigint | undefined {
    const ip = parseIP(ipText);
    if (!ip || !cidrContains(this.#cidr, ip)) return undefined;
    return ip.value >= this.#first && ip.value <= this.#last ? ip.value : undefined;
  }

  #format(value: bigint): string {
    return formatIP({ family: this.#cidr.family, value });
  }

  #allocation(value: bigint): IpamAllocation {
    return {
      ip: this.#format(value),
      gateway: this.#format(this.#cidr.base + 1n),
      prefixLength: this.#cidr.prefixLength,
    };
  }

  /** The gateway (bridge) address of the range. */
  get gateway(): string {
    return this.#format(this.#cidr.base + 1n);
  }

  /**
   * Gives `id` an address (its existing one if it has one). Throws IpamError("RangeFull")
   * when every usable address is taken.
   */
  allocate(id: string): IpamAllocation {
    const held = this.#byID.get(id);
    if (held !== undefined) return this.#allocation(held);
    const start =
      this.#lastReserved === undefined || this.#lastReserved >= this.#last ? this.#first : this.#lastReserved + 1n;
    let candidate = start;
    do {
      if (!this.#byIP.has(candidate)) {
        this.#byIP.set(candidate, id);
        this.#byID.set(id, candidate);
        this.#lastReserved = candidate;
        return this.#allocation(candidate);
      }
      candidate = candidate >= this.#last ? this.#first : candidate + 1n;
    } while (candidate !== start);
    throw new IpamError(
      "RangeFull",
      `no IP addresses available in range set: ${this.#format(this.#first)}-${this.#format(this.#last)}`,
    );
  }

  /**
   * Records an allocation found elsewhere (a running pod re-adopted after an agent restart).
   * Idempotent for the same id and address; throws IpamError("Conflict") when the address is
   * not a pod address of this range, is held by another id, or the id holds another address.
   * Does not move the round-robin position.
   */
  adopt(id: string, ip: string): IpamAllocation {
    const value = this.#usable(ip);
    if (value === undefined) {
      throw new IpamError("Conflict", `${ip} is not a pod address of ${formatCIDR(this.#cidr)}`);
    }
    const holder = this.#byIP.get(value);
    if (holder !== undefined && holder !== id) {
      throw new IpamError("Conflict", `${this.#format(value)} is already allocated to ${holder}`);
    }
    const held = this.#byID.get(id);
    if (held !== undefined && held !== value) {
      throw new IpamError("Conflict", `${id} already holds ${this.#format(held)}`);
    }
    this.#byIP.set(value, id);
    this.#byID.set(id, value);
    return this.#allocation(value);
  }

  /** Frees the address held by `id`; returns it, or undefined when `id` held none. */
  release(id: string): string | undefined {
    const value = this.#byID.get(id);
    if (value === undefined) return undefined;
    this.#byID.delete(id);
    this.#byIP.delete(value);
    return this.#format(value);
  }

  /** The allocation held by `id`, if any. */
  get(id: string): IpamAllocation | undefined {
    const value = this.#byID.get(id);
    return value === undefined ? undefined : this.#allocation(value);
  }

  /** Every id holding an address, with its address, in address order. */
  list(): { id: string; ip: string }[] {
    return [...this.#byIP.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([value, id]) => ({ id, ip: this.#format(value) }));
  }

  /** The persistable state; `new HostLocalIpam(cidr, ipam.toJSON())` restores this allocator. */
  toJSON(): IpamState {
    const allocations: Record<string, string> = {};
    for (const { id, ip } of this.list()) allocations[ip] = id;
    const state: IpamState = { range: formatCIDR(this.#cidr), allocations };
    if (this.#lastReserved !== undefined) state.lastReservedIP = this.#format(this.#lastReserved);
    return state;
  }
}
