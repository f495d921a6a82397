import { test } from "node:test";
import assert from "node:assert/strict";
import { microTime } from "./fake-kubelet.js";

test("microTime", async (t) => {
  const cases: { name: string; ms: number; want: string }[] = [
    { name: "milliseconds become microseconds", ms: Date.parse("2026-01-01T00:00:01.234Z"), want: "2026-01-01T00:00:01.234000Z" },
    { name: "whole seconds keep their zeros", ms: Date.parse("2026-01-01T00:00:01Z"), want: "2026-01-01T00:00:01.000000Z" },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(microTime(c.ms), c.want));
});
