import { test } from "node:test";
import assert from "node:assert/strict";
import { percentile, summarize } from "./stats.js";

const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

test("percentile", async (t) => {
  const cases: { name: string; sorted: number[]; q: number; want: number }[] = [
    { name: "empty is NaN", sorted: [], q: 0.5, want: Number.NaN },
    { name: "single sample", sorted: [7], q: 0.99, want: 7 },
    { name: "median of 1..100", sorted: hundred, q: 0.5, want: 50 },
    { name: "p99 of 1..100", sorted: hundred, q: 0.99, want: 99 },
    { name: "p100 is the max", sorted: hundred, q: 1, want: 100 },
    { name: "tiny q is the min", sorted: hundred, q: 0.001, want: 1 },
    { name: "median of an even pair is the lower", sorted: [1, 2], q: 0.5, want: 1 },
    { name: "p99 of 10 samples is the max", sorted: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], q: 0.99, want: 10 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepEqual(percentile(c.sorted, c.q), c.want));
  }
});

test("summarize", async (t) => {
  const cases: { name: string; samples: number[]; want: ReturnType<typeof summarize> }[] = [
    { name: "no samples", samples: [], want: { count: 0, p50: 0, p99: 0, max: 0, mean: 0 } },
    { name: "unsorted input", samples: [3, 1, 2], want: { count: 3, p50: 2, p99: 3, max: 3, mean: 2 } },
    { name: "1..100 reversed", samples: [...hundred].reverse(), want: { count: 100, p50: 50, p99: 99, max: 100, mean: 50.5 } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const before = [...c.samples];
      assert.deepEqual(summarize(c.samples), c.want);
      assert.deepEqual(c.samples, before, "input not modified");
    });
  }
});
