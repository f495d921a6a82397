// An address pool's `spec.addresses` entries as inclusive ranges of numbers: a CIDR
// ("172.17.8.0/24", every address of the block, as MetalLB hands them out) or a range
// ("172.17.8.201-172.17.8.250", both ends included, one family). Pure.

import { parseCIDR } from "./cidr.js";
import type { IPFamily, ParsedIP } from "./ip.js";
import { parseIP } from "./ip.js";

/** An inclusive range of one family's addresses. */
export interface AddressRange {
  family: IPFamily;
  first: bigint;
  last: bigint;
}

/** The range an entry names, or why it names none (a message for a field error). */
export type ParsedPoolEntry = { ok: true; range: AddressRange } | { ok: false; reason: string };

/** Parses one `spec.addresses` entry. Surrounding spaces around the dash are allowed, as MetalLB does. */
export function parsePoolEntry(text: string): ParsedPoolEntry {
  if (text.includes("/")) {
    const cidr = parseCIDR(text.trim());
    if (!cidr) return { ok: false, reason: "must be a CIDR (e.g. 172.17.8.0/24) or a range of two addresses (e.g. 172.17.8.201-172.17.8.250)" };
    return { ok: true, range: { family: cidr.family, first: cidr.base, last: cidr.base + cidr.size - 1n } };
  }
  const dash = text.indexOf("-");
  if (dash < 0) {
    return { ok: false, reason: "must be a CIDR (e.g. 172.17.8.0/24, or /32 for one address) or a range of two addresses (e.g. 172.17.8.201-172.17.8.250)" };
  }
  const first = parseIP(text.slice(0, dash).trim());
  const last = parseIP(text.slice(dash + 1).trim());
  if (!first || !last) return { ok: false, reason: "both ends of a range must be IP addresses" };
  if (first.family !== last.family) return { ok: false, reason: "both ends of a range must be of the same IP family" };
  if (first.value > last.value) return { ok: false, reason: "the first address of a range must not be after the last" };
  return { ok: true, range: { family: first.family, first: first.value, last: last.value } };
}

/** Number of addresses in a range. */
export function rangeSize(r: AddressRange): bigint {
  return r.last - r.first + 1n;
}

/** True when `ip` lies in `r`. */
export function rangeContains(r: AddressRange, ip: ParsedIP): boolean {
  return ip.family === r.family && ip.value >= r.first && ip.value <= r.last;
}

/** True when the two ranges share an address. */
export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** The addresses MetalLB's avoidBuggyIPs skips: IPv4 ending in .0 or .255. */
export function isBuggyIP(ip: ParsedIP): boolean {
  if (ip.family !== "IPv4") return false;
  const low = ip.value & 255n;
  return low === 0n || low === 255n;
}
