// CIDR blocks (`10.0.0.0/24`, `fd00:10:96::/112`): parsing, membership, and their size.

import type { IPFamily, ParsedIP } from "./ip.js";
import { familyBits, formatIP, parseIP } from "./ip.js";

/** A CIDR block with its host bits cleared. */
export interface Cidr {
  family: IPFamily;
  /** The network address (host bits zero). */
  base: bigint;
  prefixLength: number;
  /** Number of addresses in the block, network and broadcast included. */
  size: bigint;
}

const prefixText = /^(0|[1-9][0-9]{0,2})$/;

/**
 * Parses `address/prefix`. Host bits set in the address are cleared (`10.0.0.5/24` is
 * `10.0.0.0/24`), as Go's net.ParseCIDR does. Returns undefined when the text is not a CIDR.
 */
export function parseCIDR(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIP(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  if (!ip || !prefixText.test(lenText)) return undefined;
  const bits = familyBits(ip.family);
  const prefixLength = Number(lenText);
  if (prefixLength > bits) return undefined;
  const hostBits = BigInt(bits - prefixLength);
  const base = (ip.value >> hostBits) << hostBits;
  return { family: ip.family, base, prefixLength, size: 1n << hostBits };
}

/** True when `ip` lies inside `cidr` (same family, any address of the block). */
export function cidrContains(cidr: Cidr, ip: ParsedIP): boolean {
  return ip.family === cidr.family && ip.value >= cidr.base && ip.value < cidr.base + cidr.size;
}

/** The canonical text of a block, e.g. `10.0.0.0/24`. */
export function formatCIDR(cidr: Cidr): string {
  return `${formatIP({ family: cidr.family, value: cidr.base })}/${cidr.prefixLength}`;
}
