import { test } from "node:test";
import assert from "node:assert/strict";
import { formatMicroTime, microClock } from "./micro-time.js";

const base = Date.UTC(2026, 0, 2, 15, 4, 5);

const formats: { name: string; micros: number; want: string }[] = [
  { name: "whole second", micros: base * 1000, want: "2026-01-02T15:04:05.000000Z" },
  { name: "milliseconds and microseconds", micros: base * 1000 + 123_456, want: "2026-01-02T15:04:05.123456Z" },
  { name: "one microsecond", micros: base * 1000 + 1, want: "2026-01-02T15:04:05.000001Z" },
  { name: "a fraction of a microsecond is dropped", micros: base * 1000 + 999_999.5, want: "2026-01-02T15:04:05.999999Z" },
];

for (const c of formats) {
  test(`formatMicroTime: ${c.name}`, () => {
    assert.equal(formatMicroTime(c.micros), c.want);
  });
}

test("microClock: the monotonic clock's microseconds on the wall clock's anchor", () => {
  let wall = base;
  let mono = 500;
  const now = microClock({ wallMs: () => wall, monotonicMs: () => mono });
  assert.equal(now(), base * 1000);
  mono += 0.125;
  assert.equal(formatMicroTime(now()), "2026-01-02T15:04:05.000125Z");
  // The wall clock's coarser reading does not move the stamp while the two agree.
  wall += 1;
  mono += 0.5;
  assert.equal(formatMicroTime(now()), "2026-01-02T15:04:05.000625Z");
});

test("microClock: a wall clock set by more than a second takes a new anchor", () => {
  let wall = base;
  let mono = 0;
  const now = microClock({ wallMs: () => wall, monotonicMs: () => mono });
  wall += 3_600_000;
  mono += 1;
  assert.equal(now(), (base + 3_600_000) * 1000);
  mono += 0.25;
  assert.equal(now(), (base + 3_600_000) * 1000 + 250);
});
