import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDuration } from "./server-command.js";

test("durations as Kubernetes flags write them", async (t) => {
  const cases: [string, number | undefined][] = [
    ["40s", 40_000],
    ["500ms", 500],
    ["2m", 120_000],
    ["1h30m", 5_400_000],
    ["1.5s", 1500],
    ["", undefined],
    ["40", undefined],
    ["40x", undefined],
    ["s", undefined],
    ["10s junk", undefined],
  ];
  for (const [text, want] of cases) await t.test(JSON.stringify(text), () => assert.equal(parseDuration(text), want));
});
