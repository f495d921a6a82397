import { test } from "node:test";
import assert from "node:assert/strict";
import { parseStopSignal } from "./sandbox-part.js";

test("parseStopSignal accepts the names and numbers of TERM, KILL and STOP only", () => {
  const cases: [string, string | undefined][] = [
    ["TERM", "SIGTERM"], ["sigterm", "SIGTERM"], ["15", "SIGTERM"], [" SIGTERM ", "SIGTERM"],
    ["KILL", "SIGKILL"], ["SIGKILL", "SIGKILL"], ["9", "SIGKILL"],
    ["STOP", "SIGSTOP"], ["sigstop", "SIGSTOP"], ["19", "SIGSTOP"],
    ["HUP", undefined], ["CONT", undefined], ["", undefined], ["1", undefined],
  ];
  for (const [input, want] of cases) assert.equal(parseStopSignal(input), want, input);
});
