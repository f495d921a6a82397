// What the MetalLB-shaped configuration says about one LoadBalancer address in layer-2 mode:
// the IPAddressPool holding it, the L2Advertisements that announce that pool, and the nodes those
// advertisements let announce. Selection follows MetalLB: an advertisement announces the pools it
// names in ipAddressPools plus those its ipAddressPoolSelectors match, or every pool when it has
// neither; its nodeSelectors admit a node when any of them matches (no selectors: every node).
// A requirement with an unknown operator matches nothing (the API rejects such selectors). Pure.

import type { ParsedIP } from "../../allocators/ip.js";
import { parsePoolEntry, rangeContains } from "../../allocators/pool-addresses.js";
import type { AddressRange } from "../../allocators/pool-addresses.js";
import type { IPAddressPool, L2Advertisement } from "../../api/metallb-types.js";
import type { MetaLabelSelector, Node } from "../../api/types.js";
import { labelSelectorMatches } from "../../api/validation/label-selector.js";

/** The ranges of a pool's `spec.addresses` (entries that do not parse are left out: the API rejects them). */
export function poolRanges(pool: IPAddressPool): AddressRange[] {
  const ranges: AddressRange[] = [];
  for (const entry of pool.spec?.addresses ?? []) {
    const parsed = parsePoolEntry(entry);
    if (parsed.ok) ranges.push(parsed.range);
  }
  return ranges;
}

/**
 * The pool holding every one of `ips` (a dual-stack service's addresses come from one pool), or
 * undefined. Pools are tried by name, so overlapping pools give every agent the same answer.
 */
export function poolHolding(pools: readonly IPAddressPool[], ips: readonly ParsedIP[]): IPAddressPool | undefined {
  if (ips.length === 0) return undefined;
  const byName = [...pools].sort((a, b) => compare(a.metadata.name ?? "", b.metadata.name ?? ""));
  return byName.find((pool) => {
    const ranges = poolRanges(pool);
    return ips.every((ip) => ranges.some((r) => rangeContains(r, ip)));
  });
}

/** True when `ad` announces `pool`. */
export function advertisesPool(ad: L2Advertisement, pool: IPAddressPool): boolean {
  const names = ad.spec?.ipAddressPools ?? [];
  const selectors = ad.spec?.ipAddressPoolSelectors ?? [];
  if (names.length === 0 && selectors.length === 0) return true;
  if (names.includes(pool.metadata.name ?? "")) return true;
  return selectors.some((s) => selectorMatches(s, pool.metadata.labels));
}

/** The advertisements that announce `pool`, in the order given. */
export function advertisementsFor(pool: IPAddressPool, ads: readonly L2Advertisement[]): L2Advertisement[] {
  return ads.filter((ad) => advertisesPool(ad, pool));
}

/** True when `ad` lets `node` announce. */
export function admitsNode(ad: L2Advertisement, node: Node): boolean {
  const selectors = ad.spec?.nodeSelectors ?? [];
  return selectors.length === 0 || selectors.some((s) => selectorMatches(s, node.metadata.labels));
}

function selectorMatches(sel: MetaLabelSelector, labels: Record<string, string> | undefined): boolean {
  return labelSelectorMatches(sel, labels ?? {});
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
