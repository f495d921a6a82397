import { test } from "node:test";
import assert from "node:assert/strict";
import { formatGoDuration, formatTimestamp } from "./go-duration.js";

test("formatGoDuration prints like Go", async (t) => {
  const cases: { name: string; ms: number; want: string }[] = [
    { name: "zero", ms: 0, want: "0s" },
    { name: "milliseconds", ms: 250, want: "250ms" },
    { name: "ten seconds", ms: 10_000, want: "10s" },
    { name: "fractional seconds", ms: 1_500, want: "1.5s" },
    { name: "minutes and seconds", ms: 80_000, want: "1m20s" },
    { name: "whole minutes keep 0s", ms: 300_000, want: "5m0s" },
    { name: "hours", ms: 3_600_000, want: "1h0m0s" },
    { name: "negative", ms: -10_000, want: "-10s" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(formatGoDuration(c.ms), c.want));
  }
});

test("formatTimestamp drops milliseconds", () => {
  assert.equal(formatTimestamp(new Date("2026-11-26T13:41:44.789Z")), "2026-11-26T13:41:44Z");
});
