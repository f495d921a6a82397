// IPAddressPool objects as the allocator uses them: parsed ranges, who may take addresses from
// a pool (serviceAllocation's namespaces, namespace selectors and service selectors), the order
// in which automatic allocation tries pools, and how many addresses each pool has. Pure.

import type { IPFamily, ParsedIP } from "../../allocators/ip.js";
import { parseIP } from "../../allocators/ip.js";
import type { AddressRange } from "../../allocators/pool-addresses.js";
import { isBuggyIP, parsePoolEntry, rangeContains } from "../../allocators/pool-addresses.js";
import type { IPAddressPool } from "../../api/metallb-types.js";
import type { MetaLabelSelector } from "../../api/types.js";
import { labelSelectorMatches } from "../../api/validation/label-selector.js";

/** One pool, ready for allocation. */
export interface AddressPool {
  name: string;
  /** The valid `spec.addresses` entries, in spec order (invalid ones are left out). */
  ranges: AddressRange[];
  /** Handed out without being asked for (default true). */
  autoAssign: boolean;
  /** IPv4 addresses ending in .0 or .255 are never handed out nor accepted. */
  avoidBuggyIPs: boolean;
  /** serviceAllocation.priority; undefined (or 0, as MetalLB reads it) = no priority. */
  priority?: number;
  /** True when serviceAllocation narrows who may use the pool. */
  restricted: boolean;
  namespaces: string[];
  namespaceSelectors: MetaLabelSelector[];
  serviceSelectors: MetaLabelSelector[];
}

/** The pools of `objects`, in name order; pools being deleted are left out. */
export function poolsFrom(objects: readonly IPAddressPool[]): AddressPool[] {
  const out: AddressPool[] = [];
  for (const o of objects) {
    if (o.metadata.deletionTimestamp) continue;
    const spec = o.spec ?? { addresses: [] };
    const ranges: AddressRange[] = [];
    for (const entry of spec.addresses ?? []) {
      const p = parsePoolEntry(entry);
      if (p.ok) ranges.push(p.range);
    }
    const sa = spec.serviceAllocation;
    const namespaces = sa?.namespaces ?? [];
    const namespaceSelectors = sa?.namespaceSelectors ?? [];
    const serviceSelectors = sa?.serviceSelectors ?? [];
    out.push({
      name: o.metadata.name ?? "",
      ranges,
      autoAssign: spec.autoAssign !== false,
      avoidBuggyIPs: spec.avoidBuggyIPs === true,
      ...(sa?.priority ? { priority: sa.priority } : {}),
      restricted: namespaces.length + namespaceSelectors.length + serviceSelectors.length > 0,
      namespaces,
      namespaceSelectors,
      serviceSelectors,
    });
  }
  return out.sort((a, b) => compareNames(a.name, b.name));
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The service a pool is judged against: where it lives and its labels, and its namespace's labels. */
export interface PoolCandidate {
  namespace: string;
  labels?: Record<string, string>;
  namespaceLabels?: Record<string, string>;
}

/**
 * True when the pool's serviceAllocation lets the service take its addresses: the namespace is
 * listed or matches a namespace selector (when any are given), and the service matches a
 * service selector (when any are given).
 */
export function poolAdmits(pool: AddressPool, c: PoolCandidate): boolean {
  if (pool.namespaces.length + pool.namespaceSelectors.length > 0) {
    const byName = pool.namespaces.includes(c.namespace);
    const byLabels = pool.namespaceSelectors.some((s) => labelSelectorMatches(s, c.namespaceLabels ?? {}));
    if (!byName && !byLabels) return false;
  }
  if (pool.serviceSelectors.length > 0) return pool.serviceSelectors.some((s) => labelSelectorMatches(s, c.labels ?? {}));
  return true;
}

/** True when the pool has addresses of `family`. */
export function poolHasFamily(pool: AddressPool, family: IPFamily): boolean {
  return pool.ranges.some((r) => r.family === family);
}

/** True when the pool may hand out `ip`: inside one of its ranges and not skipped as buggy. */
export function poolContains(pool: AddressPool, ip: ParsedIP): boolean {
  if (pool.avoidBuggyIPs && isBuggyIP(ip)) return false;
  return pool.ranges.some((r) => rangeContains(r, ip));
}

/** The pool that may hand out every one of `ips` (`preferred` first, then in name order). */
export function poolOwning(pools: readonly AddressPool[], ips: readonly string[], preferred?: string): AddressPool | undefined {
  const parsed = ips.map((t) => parseIP(t));
  if (parsed.length === 0 || parsed.some((p) => p === undefined)) return undefined;
  const owns = (pool: AddressPool): boolean => parsed.every((p) => poolContains(pool, p as ParsedIP));
  const first = preferred === undefined ? undefined : pools.find((p) => p.name === preferred);
  if (first && owns(first)) return first;
  return pools.find(owns);
}

/**
 * The order automatic allocation tries pools in, as MetalLB does: by priority (lower first,
 * pools without one after those with one), pools whose serviceAllocation singles the service
 * out before catch-all pools, then by name.
 */
export function automaticOrder(pools: readonly AddressPool[]): AddressPool[] {
  const rank = (p: AddressPool): number => p.priority ?? Number.POSITIVE_INFINITY;
  return [...pools].sort((a, b) => {
    if (rank(a) !== rank(b)) return rank(a) < rank(b) ? -1 : 1;
    if (a.restricted !== b.restricted) return a.restricted ? -1 : 1;
    return compareNames(a.name, b.name);
  });
}

/** How many of `first…last` are IPv4 addresses ending in .0 or .255. */
function buggyIn(first: bigint, last: bigint): bigint {
  const upTo = (x: bigint, low: bigint): bigint => (x < low ? 0n : (x - low) / 256n + 1n);
  const count = (low: bigint): bigint => upTo(last, low) - (first === 0n ? 0n : upTo(first - 1n, low));
  return count(0n) + count(255n);
}

/** The number of addresses the pool can hand out, per family (ranges of a pool are assumed apart). */
export function poolCapacity(pool: AddressPool): Record<IPFamily, bigint> {
  const out: Record<IPFamily, bigint> = { IPv4: 0n, IPv6: 0n };
  for (const r of pool.ranges) {
    let n = r.last - r.first + 1n;
    if (pool.avoidBuggyIPs && r.family === "IPv4") n -= buggyIn(r.first, r.last);
    out[r.family] += n;
  }
  return out;
}
