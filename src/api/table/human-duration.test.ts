import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { humanDuration, parseTimestamp, translateTimestampSince } from "./human-duration.js";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;

describe("humanDuration", () => {
  const cases: { name: string; ms: number; want: string }[] = [
    { name: "far in the future is invalid", ms: -2 * S, want: "<invalid>" },
    { name: "just under -1s still counts as now", ms: -1999, want: "0s" },
    { name: "-1s is now", ms: -1 * S, want: "0s" },
    { name: "sub-second negative skew", ms: -500, want: "0s" },
    { name: "zero", ms: 0, want: "0s" },
    { name: "fractions truncate", ms: 1999, want: "1s" },
    { name: "59s", ms: 59 * S, want: "59s" },
    { name: "seconds up to two minutes", ms: 119 * S + 999, want: "119s" },
    { name: "two minutes exactly", ms: 2 * M, want: "2m" },
    { name: "minutes and seconds", ms: 5 * M + 3 * S, want: "5m3s" },
    { name: "whole minutes drop 0s", ms: 7 * M, want: "7m" },
    { name: "just under ten minutes", ms: 10 * M - 1, want: "9m59s" },
    { name: "ten minutes", ms: 10 * M, want: "10m" },
    { name: "minutes up to three hours", ms: 170 * M + 59 * S, want: "170m" },
    { name: "179 minutes", ms: 3 * H - 1, want: "179m" },
    { name: "three hours", ms: 3 * H, want: "3h" },
    { name: "hours and minutes", ms: 6 * H + 5 * M, want: "6h5m" },
    { name: "whole hours drop 0m", ms: 6 * H, want: "6h" },
    { name: "just under eight hours", ms: 8 * H - 1, want: "7h59m" },
    { name: "eight hours", ms: 8 * H, want: "8h" },
    { name: "hours up to two days", ms: 30 * H + 59 * M, want: "30h" },
    { name: "47 hours", ms: 48 * H - 1, want: "47h" },
    { name: "two days", ms: 2 * D, want: "2d" },
    { name: "days and hours", ms: 3 * D + 4 * H, want: "3d4h" },
    { name: "whole days drop 0h", ms: 5 * D, want: "5d" },
    { name: "just under eight days", ms: 8 * D - 1, want: "7d23h" },
    { name: "eight days", ms: 8 * D, want: "8d" },
    { name: "days up to two years", ms: 400 * D + 23 * H, want: "400d" },
    { name: "729 days", ms: 2 * Y - 1, want: "729d" },
    { name: "two years", ms: 2 * Y, want: "2y" },
    { name: "years and days", ms: 2 * Y + 330 * D, want: "2y330d" },
    { name: "just under eight years", ms: 8 * Y - 1, want: "7y364d" },
    { name: "eight years", ms: 8 * Y, want: "8y" },
    { name: "years only beyond eight", ms: 9 * Y + 200 * D, want: "9y" },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(humanDuration(c.ms), c.want));
  }
});

describe("translateTimestampSince", () => {
  const now = new Date("2016-06-18T03:33:42Z");
  const cases: { name: string; ts: string | null | undefined; want: string }[] = [
    { name: "missing", ts: undefined, want: "<unknown>" },
    { name: "null", ts: null, want: "<unknown>" },
    { name: "empty", ts: "", want: "<unknown>" },
    { name: "garbage", ts: "yesterday-ish", want: "<unknown>" },
    { name: "Go zero time", ts: "0001-01-01T00:00:00Z", want: "<unknown>" },
    { name: "four minutes ago", ts: "2016-06-18T03:29:42Z", want: "4m" },
    { name: "with offset", ts: "2016-06-18T11:29:42+08:00", want: "4m" },
    { name: "microseconds", ts: "2016-06-18T03:33:12.123456Z", want: "29s" },
    { name: "slightly in the future", ts: "2016-06-18T03:33:43Z", want: "0s" },
    { name: "well in the future", ts: "2016-06-18T03:33:45Z", want: "<invalid>" },
    { name: "years ago", ts: "2013-07-24T03:33:42Z", want: "2y330d" },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(translateTimestampSince(c.ts, now), c.want));
  }

  it("parseTimestamp reads RFC 3339", () => {
    assert.equal(parseTimestamp("2016-06-18T03:29:42Z"), Date.UTC(2016, 5, 18, 3, 29, 42));
  });
});
