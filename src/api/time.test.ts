import { test } from "node:test";
import assert from "node:assert/strict";
import { latestRfc3339, microTime, parseTime, rfc3339, secondsAfter } from "./time.js";

test("rfc3339 and microTime: whole seconds, and six fraction digits", () => {
  assert.equal(rfc3339(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), "2026-01-02T03:04:05Z");
  assert.equal(microTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), "2026-01-02T03:04:05.678000Z");
  assert.equal(parseTime("2026-01-02T03:04:05Z"), Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.equal(parseTime("yesterday"), undefined);
});

test("secondsAfter: any int64-sized number of seconds gives a time RFC 3339 can write", () => {
  const from = new Date(Date.UTC(2026, 0, 1));
  const cases: { name: string; seconds: number; want: string }[] = [
    { name: "thirty seconds", seconds: 30, want: "2026-01-01T00:00:30Z" },
    { name: "none", seconds: 0, want: "2026-01-01T00:00:00Z" },
    { name: "past year 9999", seconds: 1e12, want: "9999-12-31T23:59:59Z" },
    { name: "2^53 - 1", seconds: Number.MAX_SAFE_INTEGER, want: "9999-12-31T23:59:59Z" },
  ];
  for (const c of cases) assert.equal(rfc3339(secondsAfter(from, c.seconds)), c.want, c.name);
  assert.equal(rfc3339(latestRfc3339), "9999-12-31T23:59:59Z");
});
