import { test } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as settle } from "node:timers/promises";
import { FakeClock } from "../client/clock.js";
import { BoundedFrequencyRunner, type BoundedFrequencyRunnerOptions } from "./bounded-frequency-runner.js";

/**
 * A runner on a fake clock whose fn records start times and, when `hold` is set, stays
 * "running" until the test calls finish(). Outcomes are consumed in order: "ok" or "fail".
 */
function harness(opts: Partial<BoundedFrequencyRunnerOptions> = {}) {
  const clock = new FakeClock(0);
  const starts: number[] = [];
  const outcomes: ("ok" | "fail")[] = [];
  const errors: unknown[] = [];
  let hold = false;
  let release: (() => void) | undefined;
  const runner = new BoundedFrequencyRunner({
    name: "sync-runner",
    minInterval: 1000,
    retryInterval: 5000,
    maxInterval: 60_000,
    clock,
    onError: (err) => errors.push(err),
    fn: async () => {
      starts.push(clock.now());
      if (hold) await new Promise<void>((resolve) => (release = resolve));
      if (outcomes.shift() === "fail") throw new Error("sync failed");
    },
    ...opts,
  });
  return {
    clock,
    runner,
    starts,
    outcomes,
    errors,
    holdRuns(on: boolean) {
      hold = on;
    },
    /** Ends the held run and lets its completion handlers run. */
    async finish() {
      const r = release;
      release = undefined;
      r?.();
      await settle();
    },
    /** Advances fake time, then lets fn's promise chain settle. */
    async advance(ms: number) {
      clock.advance(ms);
      await settle();
    },
  };
}

test("run() coalesces requests into one run", async () => {
  const h = harness();
  h.runner.start();
  h.runner.run();
  h.runner.run();
  h.runner.run();
  await h.advance(0);
  assert.deepEqual(h.starts, [0]);
  await h.advance(10_000);
  assert.deepEqual(h.starts, [0], "no request, no run before maxInterval");
});

test("run() before start() is served by start()", async () => {
  const h = harness();
  h.runner.run();
  await h.advance(100);
  assert.deepEqual(h.starts, []);
  h.runner.start();
  await h.advance(0);
  assert.deepEqual(h.starts, [100]);
});

test("minInterval is measured from the end of the previous run", async () => {
  const h = harness();
  h.holdRuns(true);
  h.runner.start();
  h.runner.run();
  await h.advance(0);
  assert.equal(h.runner.running, true);
  h.runner.run(); // during the run: remembered, not started
  await h.advance(3000);
  assert.deepEqual(h.starts, [0], "never concurrent");
  h.holdRuns(false);
  await h.finish(); // ends at 3000
  await h.advance(999);
  assert.deepEqual(h.starts, [0], "start-to-start would have allowed this");
  await h.advance(1);
  assert.deepEqual(h.starts, [0, 4000]);
});

test("a request soon after a run waits for minInterval; a later one runs at once", async () => {
  const h = harness();
  h.runner.start();
  h.runner.run();
  await h.advance(0);
  await h.advance(200);
  h.runner.run();
  await h.advance(799);
  assert.deepEqual(h.starts, [0]);
  await h.advance(1);
  assert.deepEqual(h.starts, [0, 1000]);
  await h.advance(5000);
  h.runner.run();
  await h.advance(0);
  assert.deepEqual(h.starts, [0, 1000, 6000]);
});

test("a failed run is retried after retryInterval", async () => {
  const h = harness();
  h.outcomes.push("fail", "fail");
  h.runner.start();
  h.runner.run();
  await h.advance(0);
  assert.equal(h.errors.length, 1);
  await h.advance(4999);
  assert.deepEqual(h.starts, [0]);
  await h.advance(1);
  assert.deepEqual(h.starts, [0, 5000]);
  await h.advance(5000);
  assert.deepEqual(h.starts, [0, 5000, 10_000], "retried again after a second failure");
  await h.advance(20_000);
  assert.deepEqual(h.starts, [0, 5000, 10_000], "success ends the retries");
  assert.equal(h.errors.length, 2);
});

test("a request after a failure runs as soon as minInterval allows", async () => {
  const h = harness();
  h.outcomes.push("fail");
  h.runner.start();
  h.runner.run();
  await h.advance(0);
  await h.advance(2000);
  h.runner.run();
  await h.advance(0);
  assert.deepEqual(h.starts, [0, 2000]);
});

test("a retry never comes sooner than minInterval", async () => {
  const h = harness({ minInterval: 3000, retryInterval: 1000 });
  h.outcomes.push("fail");
  h.runner.start();
  h.runner.run();
  await h.advance(0);
  await h.advance(2999);
  assert.deepEqual(h.starts, [0]);
  await h.advance(1);
  assert.deepEqual(h.starts, [0, 3000]);
});

test("runs at least every maxInterval, counted from start() and then from each run's end", async () => {
  const h = harness({ maxInterval: 10_000 });
  h.runner.start();
  await h.advance(9999);
  assert.deepEqual(h.starts, []);
  await h.advance(1);
  assert.deepEqual(h.starts, [10_000]);
  await h.advance(4000);
  h.runner.run();
  await h.advance(0);
  assert.deepEqual(h.starts, [10_000, 14_000]);
  await h.advance(9999);
  assert.deepEqual(h.starts, [10_000, 14_000]);
  await h.advance(1);
  assert.deepEqual(h.starts, [10_000, 14_000, 24_000]);
});

test("stop() waits for the run in progress and prevents further runs", async () => {
  const h = harness();
  h.holdRuns(true);
  h.runner.start();
  h.runner.run();
  await h.advance(0);
  h.runner.run();
  let stopped = false;
  const stopping = h.runner.stop().then(() => (stopped = true));
  await settle();
  assert.equal(stopped, false, "still waiting for fn");
  await h.finish();
  await stopping;
  assert.equal(stopped, true);
  h.runner.run();
  await h.advance(120_000);
  assert.deepEqual(h.starts, [0]);
  assert.equal(h.clock.pendingTimers, 0);
});

test("an aborted signal stops the runner", async () => {
  const h = harness();
  const ac = new AbortController();
  h.runner.start(ac.signal);
  ac.abort();
  h.runner.run();
  await h.advance(120_000);
  assert.deepEqual(h.starts, []);
  assert.equal(h.clock.pendingTimers, 0);
});

test("a throwing error reporter does not stop the retries", async () => {
  const h = harness({ onError: () => { throw new Error("reporter broke"); } });
  h.outcomes.push("fail");
  h.runner.start();
  h.runner.run();
  await h.advance(0);
  await h.advance(5000);
  assert.deepEqual(h.starts, [0, 5000]);
});

test("invalid intervals are rejected; start() twice is an error", () => {
  const fn = async () => {};
  assert.throws(() => new BoundedFrequencyRunner({ name: "r", fn, minInterval: -1, retryInterval: 1, maxInterval: 1 }), RangeError);
  assert.throws(() => new BoundedFrequencyRunner({ name: "r", fn, minInterval: 0, retryInterval: 0, maxInterval: 1 }), RangeError);
  assert.throws(() => new BoundedFrequencyRunner({ name: "r", fn, minInterval: 10, retryInterval: 1, maxInterval: 5 }), RangeError);
  const r = new BoundedFrequencyRunner({ name: "r", fn, minInterval: 0, retryInterval: 1, maxInterval: 1, clock: new FakeClock() });
  r.start();
  assert.throws(() => r.start(), /already started/);
});
