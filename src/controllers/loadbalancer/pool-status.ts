// An IPAddressPool's status as MetalLB reports it: addresses assigned and still available, per
// family. Pure.

import type { IPAddressPoolStatus } from "../../api/metallb-types.js";
import type { AddressPool } from "./address-pools.js";
import { poolCapacity } from "./address-pools.js";

/** Counts beyond this (huge IPv6 pools) are reported as this, the largest exact JSON integer. */
const maxCount = BigInt(Number.MAX_SAFE_INTEGER);

function clamp(n: bigint): number {
  return Number(n < 0n ? 0n : n > maxCount ? maxCount : n);
}

/** The status of `pool` when `used` distinct addresses of each family are held from it. */
export function poolStatus(pool: AddressPool, used: { IPv4: number; IPv6: number }): Required<IPAddressPoolStatus> {
  const cap = poolCapacity(pool);
  return {
    assignedIPv4: used.IPv4,
    assignedIPv6: used.IPv6,
    availableIPv4: clamp(cap.IPv4 - BigInt(used.IPv4)),
    availableIPv6: clamp(cap.IPv6 - BigInt(used.IPv6)),
  };
}

/** True when the pool object's status already says `want`. */
export function poolStatusEqual(have: IPAddressPoolStatus | undefined, want: Required<IPAddressPoolStatus>): boolean {
  return (
    have?.assignedIPv4 === want.assignedIPv4 &&
    have?.assignedIPv6 === want.assignedIPv6 &&
    have?.availableIPv4 === want.availableIPv4 &&
    have?.availableIPv6 === want.availableIPv6
  );
}
