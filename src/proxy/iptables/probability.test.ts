import { test } from "node:test";
import assert from "node:assert/strict";
import { formatFixed, kernelProbabilityString, probabilityString } from "./probability.js";

test("probabilities and how iptables prints them back (reference §1.7)", async (t) => {
  const cases: { n: number; modern: string; modernPrinted: string; seed: string; seedPrinted: string }[] = [
    { n: 2, modern: "0.5000000000", modernPrinted: "0.50000000000", seed: "0.50000", seedPrinted: "0.50000000000" },
    { n: 3, modern: "0.3333333333", modernPrinted: "0.33333333349", seed: "0.33333", seedPrinted: "0.33332999982" },
    { n: 4, modern: "0.2500000000", modernPrinted: "0.25000000000", seed: "0.25000", seedPrinted: "0.25000000000" },
    { n: 5, modern: "0.2000000000", modernPrinted: "0.20000000019", seed: "0.20000", seedPrinted: "0.20000000019" },
    { n: 6, modern: "0.1666666667", modernPrinted: "0.16666666651", seed: "0.16667", seedPrinted: "0.16667000018" },
    { n: 10, modern: "0.1000000000", modernPrinted: "0.10000000009", seed: "0.10000", seedPrinted: "0.10000000009" },
  ];
  for (const c of cases) {
    await t.test(`n=${c.n}`, () => {
      assert.equal(probabilityString(c.n, "modern"), c.modern);
      assert.equal(probabilityString(c.n), c.modern, "modern is the default");
      assert.equal(kernelProbabilityString(c.modern), c.modernPrinted);
      assert.equal(probabilityString(c.n, "seed"), c.seed);
      assert.equal(kernelProbabilityString(c.seed), c.seedPrinted);
    });
  }
});

test("probabilities are cached and stable", () => {
  assert.equal(probabilityString(7), probabilityString(7));
  assert.equal(probabilityString(7), "0.1428571429");
  assert.equal(probabilityString(1), "1.0000000000");
});

test("the 5-decimal format repeats after a few hundred endpoints, 10 decimals do not", () => {
  assert.equal(probabilityString(319, "seed"), probabilityString(320, "seed"));
  assert.notEqual(probabilityString(319), probabilityString(320));
});

test("invalid endpoint counts are refused", () => {
  for (const n of [0, -1, 1.5, Number.NaN]) assert.throws(() => probabilityString(n), RangeError);
});

test("formatFixed rounds exact ties to even, like Go and C", async (t) => {
  const cases: { name: string; value: number; digits: number; want: string }[] = [
    { name: "1/2048 is an exact tie at 10 decimals (toFixed would round up)", value: 1 / 2048, digits: 10, want: "0.0004882812" },
    { name: "1/64 is an exact tie at 5 decimals", value: 1 / 64, digits: 5, want: "0.01562" },
    { name: "0.125 tie rounds to even 0.12", value: 0.125, digits: 2, want: "0.12" },
    { name: "0.375 tie rounds to even 0.38", value: 0.375, digits: 2, want: "0.38" },
    { name: "binary value of 0.1 lies above 0.1", value: 0.1, digits: 20, want: "0.10000000000000000555" },
    { name: "no decimals", value: 2.5, digits: 0, want: "2" },
    { name: "integer part kept", value: 12.5, digits: 3, want: "12.500" },
    { name: "negative", value: -0.5, digits: 2, want: "-0.50" },
    { name: "subnormal", value: 5e-324, digits: 3, want: "0.000" },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(formatFixed(c.value, c.digits), c.want));
  assert.throws(() => formatFixed(Number.POSITIVE_INFINITY, 2), RangeError);
});

test("kernel read-back refuses what iptables would refuse", () => {
  for (const text of ["", "abc", "1.5", "-0.1"]) assert.throws(() => kernelProbabilityString(text), RangeError);
  assert.equal(kernelProbabilityString("1"), "1.00000000000");
  assert.equal(kernelProbabilityString("0"), "0.00000000000");
});
