import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "./clock.js";
import { defaultControllerRateLimiter, ItemExponentialRateLimiter, TokenBucketRateLimiter } from "./rate-limiter.js";

test("per-item exponential: 5 ms doubling per failure, capped at 1000 s, per key, reset by forget", () => {
  const l = new ItemExponentialRateLimiter<string>();
  const a = Array.from({ length: 5 }, () => l.when("a"));
  assert.deepEqual(a, [5, 10, 20, 40, 80]);
  assert.equal(l.when("b"), 5);
  assert.equal(l.numRequeues("a"), 5);
  for (let i = 0; i < 40; i++) l.when("a");
  assert.equal(l.when("a"), 1_000_000);
  l.forget("a");
  assert.equal(l.numRequeues("a"), 0);
  assert.equal(l.when("a"), 5);
});

const bucketCases: { name: string; burst: number; qps: number; steps: { advanceMs: number; takes: number; want: number[] }[] }[] = [
  { name: "the burst is free, then one token per 1/qps", burst: 3, qps: 10, steps: [{ advanceMs: 0, takes: 5, want: [0, 0, 0, 100, 200] }] },
  {
    name: "tokens refill with time but never beyond the burst",
    burst: 2,
    qps: 10,
    steps: [
      { advanceMs: 0, takes: 2, want: [0, 0] },
      { advanceMs: 100, takes: 2, want: [0, 100] },
      { advanceMs: 10_000, takes: 3, want: [0, 0, 100] },
    ],
  },
];
for (const c of bucketCases) {
  test(`token bucket: ${c.name}`, () => {
    const clock = new FakeClock();
    const l = new TokenBucketRateLimiter<string>({ qps: c.qps, burst: c.burst, clock });
    for (const s of c.steps) {
      clock.advance(s.advanceMs);
      assert.deepEqual(Array.from({ length: s.takes }, (_, i) => Math.round(l.when(`k${i}`))), s.want);
    }
  });
}

test("the default controller limiter is the larger of both", () => {
  const clock = new FakeClock();
  const l = defaultControllerRateLimiter<string>(clock);
  assert.equal(l.when("x"), 5);
  assert.equal(l.when("x"), 10);
  for (let i = 0; i < 98; i++) l.when(`k${i}`);
  // Bucket exhausted (100 taken): the next is due 100 ms later, above a first failure's 5 ms.
  assert.equal(Math.round(l.when("y")), 100);
  assert.equal(l.numRequeues("x"), 2);
});
