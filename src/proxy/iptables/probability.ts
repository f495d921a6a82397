// The statistic-match probabilities of the SVC/SVL dispatch rules, written the way kube-proxy
// writes them, and read back the way the kernel and iptables print them.
//
// Endpoint i (0-based) of n gets 1/(n-i): each rule takes its share of what the rules before it
// left over, so every endpoint is equally likely. Modern kube-proxy writes 10 decimals; the
// 2016 kube-proxy of the seed wrote 5, which stops being unique after a few hundred endpoints.

import type { RulesProfile } from "../service-port-name.js";

/**
 * The exact decimal value of a float64 rounded to `digits` places, ties to even — what Go's
 * `%0.Nf` and C's `%.Nf` print. (Number#toFixed breaks exact ties upwards instead, e.g. 1/2048.)
 */
export function formatFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot format ${value}`);
  if (!Number.isInteger(digits) || digits < 0) throw new RangeError(`bad digit count ${digits}`);
  const sign = value < 0 || Object.is(value, -0) ? "-" : "";
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(value));
  const bits = view.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent = -1074;
  if (biasedExponent !== 0) {
    mantissa |= 1n << 52n;
    exponent = biasedExponent - 1075;
  }
  // |value| = mantissa × 2^exponent exactly; scale by 10^digits and round the quotient.
  let numerator = mantissa * 10n ** BigInt(digits);
  let denominator = 1n;
  if (exponent >= 0) numerator <<= BigInt(exponent);
  else denominator <<= BigInt(-exponent);
  let quotient = numerator / denominator;
  const twiceRemainder = (numerator % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) quotient += 1n;
  const text = quotient.toString().padStart(digits + 1, "0");
  if (digits === 0) return sign + text;
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

const decimalsByProfile: Record<RulesProfile, number> = { modern: 10, seed: 5 };
const cache: Record<RulesProfile, Map<number, string>> = { modern: new Map(), seed: new Map() };

/** `--probability` text for 1/n: "0.3333333333" (modern) or "0.33333" (seed) for n = 3. */
export function probabilityString(n: number, profile: RulesProfile = "modern"): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`probability needs a positive endpoint count, got ${n}`);
  const known = cache[profile].get(n);
  if (known !== undefined) return known;
  const text = formatFixed(1 / n, decimalsByProfile[profile]);
  cache[profile].set(n, text);
  return text;
}

/** The 31-bit fixed-point scale the statistic match stores probabilities in. */
const KERNEL_SCALE = 0x80000000;

/**
 * What `iptables-save` / `iptables -L` print for a probability that was written as `text`:
 * iptables stores round(2^31 × p) and prints stored / 2^31 with 11 decimals, so
 * "0.3333333333" comes back as "0.33333333349".
 */
export function kernelProbabilityString(text: string): string {
  const p = Number(text);
  if (text.trim() === "" || !Number.isFinite(p) || p < 0 || p > 1) {
    throw new RangeError(`probability must be a number in [0, 1], got "${text}"`);
  }
  // lround rounds halves away from zero; for p ≥ 0 that is Math.round.
  const stored = Math.round(KERNEL_SCALE * p);
  return formatFixed(stored / KERNEL_SCALE, 11);
}
