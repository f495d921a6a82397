import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { BackoffDecision, BackoffRecord } from "./crash-loop-backoff.js";
import { backoffDecision, backoffEventMessage, backoffMessage, crashLoopBackOff } from "./crash-loop-backoff.js";

test("crashLoopBackOff by restart count", async (t) => {
  const cases: { name: string; restartCount: number; want: number }[] = [
    { name: "first restart is immediate", restartCount: 0, want: 0 },
    { name: "second waits 10s", restartCount: 1, want: 10_000 },
    { name: "then 20s", restartCount: 2, want: 20_000 },
    { name: "then 40s", restartCount: 3, want: 40_000 },
    { name: "160s", restartCount: 5, want: 160_000 },
    { name: "capped at 5m", restartCount: 6, want: 300_000 },
    { name: "stays capped", restartCount: 1000, want: 300_000 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(crashLoopBackOff(c.restartCount), c.want));
  }
});

test("backoffDecision", async (t) => {
  const rec = (delayMs: number, updatedAtMs: number): BackoffRecord => ({ delayMs, updatedAtMs });
  const cases: {
    name: string;
    record?: BackoffRecord;
    finishedAtMs: number;
    nowMs: number;
    want: BackoffDecision;
  }[] = [
    {
      name: "no record: restart now, next delay 10s",
      finishedAtMs: 1_000,
      nowMs: 1_500,
      want: { action: "restart", record: rec(10_000, 1_500) },
    },
    {
      name: "inside the window: wait for the rest",
      record: rec(10_000, 0),
      finishedAtMs: 2_000,
      nowMs: 5_000,
      want: { action: "wait", record: rec(10_000, 0), remainingMs: 7_000 },
    },
    {
      name: "window over: restart and double",
      record: rec(10_000, 0),
      finishedAtMs: 2_000,
      nowMs: 12_000,
      want: { action: "restart", record: rec(20_000, 12_000) },
    },
    {
      name: "doubling is capped at 5m",
      record: rec(300_000, 0),
      finishedAtMs: 1_000,
      nowMs: 301_000,
      want: { action: "restart", record: rec(300_000, 301_000) },
    },
    {
      name: "ran more than 10 minutes since the last restart: back to 10s",
      record: rec(300_000, 0),
      finishedAtMs: 600_001,
      nowMs: 600_002,
      want: { action: "restart", record: rec(10_000, 600_002) },
    },
    {
      name: "exactly 10 minutes is not yet stable",
      record: rec(40_000, 0),
      finishedAtMs: 600_000,
      nowMs: 600_000,
      want: { action: "wait", record: rec(40_000, 0), remainingMs: 40_000 },
    },
    {
      name: "stale record no longer holds the restart, but the delay still doubles (judged at exit time)",
      record: rec(40_000, 0),
      finishedAtMs: 100,
      nowMs: 700_000,
      want: { action: "restart", record: rec(80_000, 700_000) },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const record = c.record ? deepFreeze(c.record) : undefined;
      assert.deepEqual(backoffDecision(record, { finishedAtMs: c.finishedAtMs, nowMs: c.nowMs }), c.want);
    });
  }
});

test("a container crashing 1s after each start restarts after 0, 10, 20, 40 … 300s", () => {
  let record: BackoffRecord | undefined;
  let now = 0;
  const waits: number[] = [];
  for (let restart = 0; restart < 9; restart++) {
    now += 1_000; // runs one second, then exits
    const finishedAtMs = now;
    let decision = backoffDecision(record, { finishedAtMs, nowMs: now });
    if (decision.action === "wait") {
      now += decision.remainingMs;
      decision = backoffDecision(decision.record, { finishedAtMs, nowMs: now });
    }
    assert.equal(decision.action, "restart");
    waits.push(now - finishedAtMs);
    assert.equal(waits[restart], crashLoopBackOff(restart));
    record = decision.record;
  }
  assert.deepEqual(waits, [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
});

test("back-off messages", () => {
  const pod = { name: "web", namespace: "default", uid: "u-1" };
  assert.equal(
    backoffMessage(80_000, { container: "nginx", pod }),
    "back-off 1m20s restarting failed container=nginx pod=web_default(u-1)",
  );
  assert.equal(
    backoffEventMessage({ container: "nginx", pod }),
    "Back-off restarting failed container nginx in pod web_default(u-1)",
  );
});
