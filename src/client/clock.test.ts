import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "./clock.js";

test("FakeClock fires due timers in deadline order, each at its own time, including timers they set", () => {
  const c = new FakeClock(1000);
  const fired: string[] = [];
  c.setTimer(() => fired.push(`b@${c.now()}`), 20);
  c.setTimer(() => {
    fired.push(`a@${c.now()}`);
    c.setTimer(() => fired.push(`c@${c.now()}`), 5);
  }, 10);
  const cancel = c.setTimer(() => fired.push("never"), 15);
  cancel();
  c.setTimer(() => fired.push(`late@${c.now()}`), 100);
  c.advance(30);
  assert.deepEqual(fired, ["a@1010", "c@1015", "b@1020"]);
  assert.equal(c.now(), 1030);
  assert.equal(c.pendingTimers, 1);
});
