// The allocator's memory: which service holds which pool addresses, and the sharing rules that
// decide whether another service may hold the same address. In memory only — it is rebuilt on
// start from the addresses services' statuses show — and without I/O.

import type { SharingClaim } from "./lb-service.js";

/** What one service holds: addresses (canonical text, one per family) from one pool. */
export interface Holding {
  pool: string;
  ips: string[];
  claim: SharingClaim;
}

/** What the allocation decision may ask of the book (read only). */
export interface AddressBookView {
  holding(service: string): Holding | undefined;
  /** Why `service` making `claim` may not hold `ip` next to its current holders; undefined when it may. */
  conflict(service: string, ip: string, claim: SharingClaim): string | undefined;
}

/**
 * Holdings by service key ("namespace/name") with an index by address. Contract: `assign`
 * replaces what the service held; the book never checks conflicts on its own (callers ask
 * `conflict` first), so a restart can load every holding the statuses show, clashes included.
 */
export class AddressBook implements AddressBookView {
  readonly #byService = new Map<string, Holding>();
  readonly #byIP = new Map<string, Set<string>>();
  /** pool → address → how many services hold it from that pool. */
  readonly #poolIPs = new Map<string, Map<string, number>>();
  /** pool → distinct addresses held, by family. */
  readonly #poolUsage = new Map<string, { IPv4: number; IPv6: number }>();

  get size(): number {
    return this.#byService.size;
  }

  holding(service: string): Holding | undefined {
    return this.#byService.get(service);
  }

  /** The services holding `ip`, in key order. */
  holders(ip: string): string[] {
    return [...(this.#byIP.get(ip) ?? [])].sort();
  }

  conflict(service: string, ip: string, claim: SharingClaim): string | undefined {
    for (const other of this.holders(ip)) {
      if (other === service) continue;
      const theirs = this.#byService.get(other) as Holding;
      const why = sharingConflict(ip, other, theirs.claim, claim);
      if (why) return why;
    }
    return undefined;
  }

  assign(service: string, h: Holding): void {
    this.release(service);
    const copy: Holding = { pool: h.pool, ips: [...h.ips], claim: { ...h.claim, ports: [...h.claim.ports] } };
    this.#byService.set(service, copy);
    for (const ip of copy.ips) {
      let set = this.#byIP.get(ip);
      if (!set) this.#byIP.set(ip, (set = new Set()));
      set.add(service);
      this.#count(copy.pool, ip, +1);
    }
  }

  /** Forgets what the service held; returns it (undefined when it held nothing). */
  release(service: string): Holding | undefined {
    const h = this.#byService.get(service);
    if (!h) return undefined;
    this.#byService.delete(service);
    for (const ip of h.ips) {
      const set = this.#byIP.get(ip);
      set?.delete(service);
      if (set && set.size === 0) this.#byIP.delete(ip);
      this.#count(h.pool, ip, -1);
    }
    return h;
  }

  #count(pool: string, ip: string, delta: 1 | -1): void {
    let ips = this.#poolIPs.get(pool);
    if (!ips) this.#poolIPs.set(pool, (ips = new Map()));
    const before = ips.get(ip) ?? 0;
    const after = before + delta;
    if (after > 0) ips.set(ip, after);
    else ips.delete(ip);
    if ((before === 0) === (after === 0)) return;
    const usage = this.#poolUsage.get(pool) ?? { IPv4: 0, IPv6: 0 };
    // ":" marks IPv6 text.
    usage[ip.includes(":") ? "IPv6" : "IPv4"] += after > 0 ? 1 : -1;
    this.#poolUsage.set(pool, usage);
  }

  /** The distinct addresses held from `pool`, by family. */
  usage(pool: string): { IPv4: number; IPv6: number } {
    return { ...(this.#poolUsage.get(pool) ?? { IPv4: 0, IPv6: 0 }) };
  }
}

/**
 * Why a service with claim `mine` may not hold `ip` next to `holder` (holding with `theirs`):
 * both must carry the same non-empty sharing key and backend key, and no port may be used twice.
 */
export function sharingConflict(ip: string, holder: string, theirs: SharingClaim, mine: SharingClaim): string | undefined {
  if (theirs.sharingKey === "") return `${ip} is held by ${holder}, which does not allow sharing it (no allow-shared-ip annotation)`;
  if (mine.sharingKey === "") {
    return `${ip} is held by ${holder}; to share it, give both services the same metallb.io/allow-shared-ip key ("${theirs.sharingKey}")`;
  }
  if (theirs.sharingKey !== mine.sharingKey) return `${ip} is held by ${holder} with sharing key "${theirs.sharingKey}", not "${mine.sharingKey}"`;
  if (theirs.backendKey !== mine.backendKey) {
    return `${ip} is held by ${holder}, whose externalTrafficPolicy (or, for Local, selector) differs; services sharing an address must agree on both`;
  }
  const used = new Set(theirs.ports);
  const clash = mine.ports.find((p) => used.has(p));
  if (clash) return `port ${clash} on ${ip} is already used by ${holder}; services sharing an address need different ports`;
  return undefined;
}
