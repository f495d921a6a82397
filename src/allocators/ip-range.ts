// The usable addresses of a service CIDR, numbered as allocator offsets.
//
// For 10.0.0.0/24: offset 0 is 10.0.0.1 and offset 253 is 10.0.0.254; the network address
// (10.0.0.0) and, for IPv4, the broadcast address (10.0.0.255) are never handed out, so 254
// addresses are usable. An IPv6 block keeps its last address but is capped at 65536 addresses
// (65535 usable), since the allocator keeps one bit per address. The first
// ipStaticBandSize(cidr) offsets are the static band (10.0.0.1-10.0.0.16 for a /24).

import type { Cidr } from "./cidr.js";
import { cidrContains, formatCIDR, parseCIDR } from "./cidr.js";
import type { IPFamily } from "./ip.js";
import { formatIP, parseIP } from "./ip.js";
import { ipStaticBandSize } from "./range-bands.js";

const maxTracked = 65536n;

/** The allocatable addresses of one service CIDR. Immutable. */
export class ServiceIPRange {
  readonly cidr: Cidr;
  /** Number of usable addresses (offsets 0..size-1). */
  readonly size: number;
  /** Offsets [0, staticBand) are preferred for user-chosen addresses. */
  readonly staticBand: number;

  /** Throws TypeError when `cidrText` is not a CIDR. */
  constructor(cidrText: string) {
    const cidr = parseCIDR(cidrText);
    if (!cidr) throw new TypeError(`invalid service CIDR "${cidrText}"`);
    this.cidr = cidr;
    let tracked = cidr.size;
    if (cidr.family === "IPv6" && tracked > maxTracked) tracked = maxTracked;
    if (cidr.family === "IPv4") tracked -= 1n; // broadcast
    tracked -= 1n; // network address
    this.size = tracked > 0n ? Number(tracked) : 0;
    this.staticBand = Math.min(ipStaticBandSize(cidr.size), this.size);
  }

  /** The family of the CIDR. */
  get family(): IPFamily {
    return this.cidr.family;
  }

  /** The offset of an address, or undefined when it is not a usable address of the range. */
  offsetOf(ipText: string): number | undefined {
    const ip = parseIP(ipText);
    if (!ip || !cidrContains(this.cidr, ip)) return undefined;
    const off = ip.value - this.cidr.base - 1n;
    return off >= 0n && off < BigInt(this.size) ? Number(off) : undefined;
  }

  /** The canonical address at `offset` (0 <= offset < size). */
  ipAt(offset: number): string {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.size) throw new RangeError(`offset ${offset} outside range ${this}`);
    return formatIP({ family: this.cidr.family, value: this.cidr.base + 1n + BigInt(offset) });
  }

  /** The CIDR text, e.g. `10.0.0.0/24` (as error messages show it). */
  toString(): string {
    return formatCIDR(this.cidr);
  }
}
