// A NodePort range such as 30000-32767, numbered as allocator offsets (offset 0 is the first
// port). The first portStaticBandSize(size) ports are the static band (30000-30085 by default).

import { portStaticBandSize } from "./range-bands.js";

const portText = /^(0|[1-9][0-9]{0,4})$/;

/** A contiguous range of ports. Immutable. */
export class PortRange {
  readonly base: number;
  readonly size: number;
  /** Offsets [0, staticBand) are preferred for user-chosen ports. */
  readonly staticBand: number;

  /**
   * Parses `first-last` (`30000-32767`), `first+count` (`30000+2768`) or a single port.
   * Throws TypeError on anything else or on ports outside 1-65535.
   */
  constructor(text: string) {
    const m = /^([^+-]+)(?:([+-])(.+))?$/.exec(text.trim());
    const num = (s: string | undefined): number => (s !== undefined && portText.test(s) ? Number(s) : NaN);
    const base = num(m?.[1]);
    let size = 1;
    if (m?.[2] === "-") size = num(m[3]) - base + 1;
    else if (m?.[2] === "+") size = num(m[3]) + 1;
    const last = base + size - 1;
    if (!m || !Number.isFinite(base) || !Number.isFinite(size) || base < 1 || size < 1 || last > 65535) {
      throw new TypeError(`invalid port range "${text}"`);
    }
    this.base = base;
    this.size = size;
    this.staticBand = portStaticBandSize(size);
  }

  /** The offset of `port`, or undefined when it is outside the range. */
  offsetOf(port: number): number | undefined {
    const off = port - this.base;
    return Number.isInteger(port) && off >= 0 && off < this.size ? off : undefined;
  }

  /** The port at `offset` (0 <= offset < size). */
  portAt(offset: number): number {
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.size) throw new RangeError(`offset ${offset} outside range ${this}`);
    return this.base + offset;
  }

  /** `first-last`, as error messages show it: `30000-32767`. */
  toString(): string {
    return `${this.base}-${this.base + this.size - 1}`;
  }
}
