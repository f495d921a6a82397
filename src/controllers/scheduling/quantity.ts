// Kubernetes resource quantities ("100m", "1", "128Mi", "1G", "1e3", "0.5Gi") as
// k8s.io/apimachinery/pkg/api/resource reads them, reduced to the two integer views the
// scheduler needs: whole units (bytes, pods) and thousandths (CPU millicores). Both round up,
// away from zero, like Quantity.Value() and Quantity.MilliValue().
//
// Grammar: <sign>? <digits>[.<digits>] <suffix>, where suffix is one of
//   binary   Ki Mi Gi Ti Pi Ei            (powers of 1024)
//   decimal  n u m "" k M G T P E         (powers of 1000)
//   exponent e<int> | E<int>              (power of ten; a bare "E" is exa)
// No spaces, no empty string; a number needs a digit on at least one side of the dot.

/** Thrown when a quantity does not follow the Kubernetes grammar. */
export class QuantityError extends Error {
  readonly code = "QUANTITY_INVALID";
  constructor(readonly input: string) {
    super(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  }
}

/** A parsed quantity: value = mantissa × 10^exp10 × 2^exp2, exactly. */
export interface Quantity {
  mantissa: bigint;
  exp10: number;
  exp2: number;
}

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const numberPattern = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/;

function suffixExponents(suffix: string, input: string): { exp10: number; exp2: number } {
  if (suffix in decimalSuffixes) return { exp10: decimalSuffixes[suffix], exp2: 0 };
  if (suffix in binarySuffixes) return { exp10: 0, exp2: binarySuffixes[suffix] };
  const exponent = /^[eE]([+-]?[0-9]+)$/.exec(suffix);
  if (exponent) return { exp10: Number(exponent[1]), exp2: 0 };
  throw new QuantityError(input);
}

/**
 * Parses a quantity string (or a JSON number, which clients may send for plain values).
 * Throws QuantityError for anything outside the grammar above.
 */
export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === "number" ? String(input) : input;
  const m = numberPattern.exec(text);
  if (!m) throw new QuantityError(text);
  const [, sign, whole, fraction = "", suffix] = m;
  if (whole === "" && fraction === "") throw new QuantityError(text);
  const { exp10, exp2 } = suffixExponents(suffix, text);
  const digits = BigInt(`${whole}${fraction}` || "0");
  return { mantissa: sign === "-" ? -digits : digits, exp10: exp10 - fraction.length, exp2 };
}

/** Integer value of q × 10^scale, rounded away from zero (so 1m of memory is 1 byte). */
function scaledValue(q: Quantity, scale: number): number {
  let n = q.mantissa * 2n ** BigInt(q.exp2);
  const exp = q.exp10 + scale;
  if (exp >= 0) return Number(n * 10n ** BigInt(exp));
  const d = 10n ** BigInt(-exp);
  const quotient = n / d;
  n = quotient * d === n ? quotient : quotient + (n < 0n ? -1n : 1n);
  return Number(n);
}

/** Whole units (bytes, pods, devices), rounded up like Quantity.Value(). */
export function quantityValue(input: string | number): number {
  return scaledValue(parseQuantity(input), 0);
}

/** Thousandths of a unit (CPU millicores), rounded up like Quantity.MilliValue(). */
export function quantityMilliValue(input: string | number): number {
  return scaledValue(parseQuantity(input), 3);
}
