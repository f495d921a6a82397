import { test } from "node:test";
import assert from "node:assert/strict";
import { QuantityError, quantityMilliValue, quantityValue } from "./quantity.js";

test("quantity values", async (t) => {
  const cases: { name: string; input: string | number; value: number; milli: number }[] = [
    { name: "plain integer", input: "1", value: 1, milli: 1000 },
    { name: "JSON number", input: 2, value: 2, milli: 2000 },
    { name: "millicores", input: "100m", value: 1, milli: 100 },
    { name: "fractional cores", input: "0.5", value: 1, milli: 500 },
    { name: "leading dot", input: ".25", value: 1, milli: 250 },
    { name: "trailing dot", input: "3.", value: 3, milli: 3000 },
    { name: "sub-milli rounds up", input: "1.0001", value: 2, milli: 1001 },
    { name: "micro", input: "1500u", value: 1, milli: 2 },
    { name: "nano", input: "1n", value: 1, milli: 1 },
    { name: "kilo", input: "2k", value: 2000, milli: 2_000_000 },
    { name: "mebibytes", input: "128Mi", value: 134_217_728, milli: 134_217_728_000 },
    { name: "gibibytes fractional", input: "1.5Gi", value: 1_610_612_736, milli: 1_610_612_736_000 },
    { name: "kibibytes", input: "1Ki", value: 1024, milli: 1_024_000 },
    { name: "gigabytes", input: "1G", value: 1_000_000_000, milli: 1_000_000_000_000 },
    { name: "megabytes", input: "64M", value: 64_000_000, milli: 64_000_000_000 },
    { name: "terabytes", input: "1T", value: 1e12, milli: 1e15 },
    { name: "exponent", input: "1e3", value: 1000, milli: 1_000_000 },
    { name: "upper-case exponent", input: "12E2", value: 1200, milli: 1_200_000 },
    { name: "negative exponent", input: "5e-3", value: 1, milli: 5 },
    { name: "bare E is exa", input: "1E", value: 1e18, milli: 1e21 },
    { name: "explicit plus", input: "+4", value: 4, milli: 4000 },
    { name: "negative rounds away from zero", input: "-1.5", value: -2, milli: -1500 },
    { name: "zero", input: "0", value: 0, milli: 0 },
    { name: "110 pods", input: "110", value: 110, milli: 110_000 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(quantityValue(c.input), c.value);
      assert.equal(quantityMilliValue(c.input), c.milli);
    });
  }
});

test("invalid quantities", async (t) => {
  for (const input of ["", "abc", "1 Gi", "1.2.3", ".", "1Kb", "1e", "1ki", "Mi", "--1", "1e1.5"]) {
    await t.test(JSON.stringify(input), () => {
      assert.throws(() => quantityValue(input), (e: unknown) => e instanceof QuantityError && e.code === "QUANTITY_INVALID");
    });
  }
});
