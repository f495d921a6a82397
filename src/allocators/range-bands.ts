// Static and dynamic bands of an allocation range (KEP-3070 for service IPs, KEP-3668 for
// NodePorts). The first `band` offsets of a range are the static band: dynamic allocation
// avoids it until the rest of the range is full, so users who pick values by hand pick them
// there and rarely collide with an automatic allocation.
//
// Band size is a graduated step: size / step, never below `min` nor above `max`, and no band
// at all for ranges of `min` items or fewer.

interface BandFormula {
  min: number;
  max: number;
  step: number;
}

const ipBand: BandFormula = { min: 16, max: 256, step: 16 };
const portBand: BandFormula = { min: 16, max: 128, step: 32 };

function bandSize(size: bigint, f: BandFormula): number {
  if (size <= BigInt(f.min)) return 0;
  const raw = size / BigInt(f.step);
  if (raw < BigInt(f.min)) return f.min;
  if (raw > BigInt(f.max)) return f.max;
  return Number(raw);
}

/**
 * Static band of a service CIDR, counted in allocator offsets (offset 0 is the address after
 * the network address): min(max(16, cidrSize/16), 256), or 0 when the CIDR has 16 addresses
 * or fewer. `cidrSize` is the whole block (a /24 is 256), network and broadcast included.
 */
export function ipStaticBandSize(cidrSize: bigint): number {
  return bandSize(cidrSize, ipBand);
}

/**
 * Static band of a NodePort range: min(max(16, rangeSize/32), 128), or 0 when the range has
 * 16 ports or fewer. For 30000-32767 (2768 ports) it is 86: ports 30000-30085.
 */
export function portStaticBandSize(rangeSize: number): number {
  return bandSize(BigInt(rangeSize), portBand);
}
