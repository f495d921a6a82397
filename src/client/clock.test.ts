import { test } from "node:test";
import assert from "node:assert/strict";
import type { CancelTimer, TimerPlatform } from "./clock.js";
import { FakeClock, platformClock, realClock } from "./clock.js";

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

/**
 * Node's timers, run by a FakeClock: like Node, a wait longer than 2^31-1 ms fires after 1 ms.
 * `sleep` moves only the wall clock, as a machine's suspend does while its timers stand still.
 */
function nodeLikePlatform(start: number): { platform: TimerPlatform<CancelTimer>; timers: FakeClock; sleep: (ms: number) => void } {
  const timers = new FakeClock(start);
  let slept = 0;
  const platform: TimerPlatform<CancelTimer> = {
    now: () => timers.now() + slept,
    setTimeout: (fn, ms) => timers.setTimer(fn, ms > 2 ** 31 - 1 ? 1 : ms),
    clearTimeout: (cancel) => cancel(),
  };
  return { platform, timers, sleep: (ms) => void (slept += ms) };
}

const hour = 3600_000;
const day = 24 * hour;

test("platformClock timers wait as long as asked, however long, on a platform that cannot", async (t) => {
  type Step = { advance: number } | { sleep: number } | { cancel: true } | { fired: number[] };
  const cases: { name: string; delay: number; steps: Step[] }[] = [
    { name: "a short wait", delay: 5000, steps: [{ advance: 4999 }, { fired: [] }, { advance: 1 }, { fired: [5000] }] },
    { name: "an hour exactly", delay: hour, steps: [{ advance: hour - 1 }, { fired: [] }, { advance: 1 }, { fired: [hour] }] },
    { name: "a negative wait is none", delay: -5, steps: [{ advance: 0 }, { fired: [0] }] },
    { name: "just past what the platform can wait", delay: 2 ** 31, steps: [{ advance: 2 ** 31 - 1 }, { fired: [] }, { advance: 1 }, { fired: [2 ** 31] }] },
    { name: "30 days, neither early nor late", delay: 30 * day, steps: [{ advance: 1 }, { fired: [] }, { advance: 30 * day - 2 }, { fired: [] }, { advance: 1 }, { fired: [30 * day] }, { advance: 30 * day }, { fired: [30 * day] }] },
    { name: "a year", delay: 365 * day, steps: [{ advance: 365 * day - 1 }, { fired: [] }, { advance: 1 }, { fired: [365 * day] }] },
    { name: "the machine slept past the deadline: fires within a step", delay: 30 * day, steps: [{ advance: day }, { sleep: 30 * day }, { fired: [] }, { advance: hour }, { fired: [31 * day + hour] }] },
    { name: "cancelled between steps: never fires, nothing left armed", delay: 30 * day, steps: [{ advance: 10 * day }, { cancel: true }, { advance: 30 * day }, { fired: [] }] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const t0 = Date.UTC(2026, 0, 1);
      const { platform, timers, sleep } = nodeLikePlatform(t0);
      const clock = platformClock(platform);
      const fired: number[] = [];
      const cancel = clock.setTimer(() => fired.push(clock.now() - t0), c.delay);
      for (const s of c.steps) {
        if ("advance" in s) timers.advance(s.advance);
        else if ("sleep" in s) sleep(s.sleep);
        else if ("cancel" in s) cancel();
        else assert.deepEqual(fired, s.fired);
      }
      assert.equal(timers.pendingTimers, 0, "a timer is left armed");
    });
  }
});

test("realClock: a 30-day timer does not fire early", async () => {
  let fired = false;
  const cancel = realClock.setTimer(() => (fired = true), 30 * day);
  await new Promise((r) => setTimeout(r, 50));
  cancel();
  assert.equal(fired, false);
});
