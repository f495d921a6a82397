// Capping an Endpoints object at 1000 addresses, the way the endpoints controller does.

import type { EndpointSubset } from "../../api/types.js";
import { MAX_ENDPOINTS_ADDRESSES } from "./well-known.js";

/**
 * Truncates subsets to at most `max` addresses in total. Ready addresses are kept before
 * not-ready ones: if the ready ones alone exceed the cap, every not-ready address is dropped
 * and the ready ones are cut; otherwise only not-ready ones are cut. Each subset keeps a share
 * proportional to its size (rounded up, so later subsets may get less), in subset order.
 * Returns new subsets and whether anything was cut; the input is not modified.
 */
export function truncateSubsets(
  subsets: readonly EndpointSubset[],
  max: number = MAX_ENDPOINTS_ADDRESSES,
): { subsets: EndpointSubset[]; truncated: boolean } {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const ss of subsets) {
    totalReady += ss.addresses?.length ?? 0;
    totalNotReady += ss.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= max) return { subsets: subsets.map((s) => ({ ...s })), truncated: false };

  const cutReady = totalReady > max;
  const budget = cutReady ? max : max - totalReady;
  const total = cutReady ? totalReady : totalNotReady;
  let left = budget;
  const out: EndpointSubset[] = [];
  for (const ss of subsets) {
    const next: EndpointSubset = { ...ss };
    const list = (cutReady ? ss.addresses : ss.notReadyAddresses) ?? [];
    const share = Math.min(Math.ceil((list.length / total) * budget), left);
    const kept = list.slice(0, share);
    if (cutReady) {
      if (kept.length > 0) next.addresses = kept;
      else delete next.addresses;
      delete next.notReadyAddresses;
    } else if (kept.length > 0) {
      next.notReadyAddresses = kept;
    } else {
      delete next.notReadyAddresses;
    }
    left -= kept.length;
    // A subset left without any address would be invalid; upstream keeps it, we drop it.
    if (next.addresses || next.notReadyAddresses) out.push(next);
  }
  return { subsets: out, truncated: true };
}
