import assert from "node:assert/strict";
import { test } from "node:test";
import type { IntervalClock } from "./auto-compactor.js";
import { RetentionPlanner, startAutoCompaction } from "./auto-compactor.js";

test("RetentionPlanner picks the compaction target", async (t) => {
  const cases: {
    name: string;
    options: ConstructorParameters<typeof RetentionPlanner>[0];
    samples: [number, number][];
    now: number;
    current: number;
    want: number;
  }[] = [
    { name: "default keeps 5 minutes: too early", options: {}, samples: [[0, 10]], now: 299_999, current: 50, want: 0 },
    { name: "default keeps 5 minutes: due", options: {}, samples: [[0, 10], [60_000, 20]], now: 300_000, current: 50, want: 10 },
    {
      name: "newest sample old enough wins",
      options: { retainMs: 1000 },
      samples: [[0, 5], [500, 8], [900, 12], [1500, 20]],
      now: 2000,
      current: 25,
      want: 12,
    },
    { name: "by revisions", options: { retainRevisions: 100 }, samples: [], now: 0, current: 250, want: 150 },
    { name: "by revisions, young store", options: { retainRevisions: 100 }, samples: [], now: 0, current: 50, want: 0 },
    {
      name: "both: the one keeping more history wins",
      options: { retainRevisions: 10, retainMs: 1000 },
      samples: [[0, 30]],
      now: 5000,
      current: 100,
      want: 30,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const planner = new RetentionPlanner(c.options);
      for (const [at, revision] of c.samples) planner.observe(at, revision);
      assert.equal(planner.target(c.now, c.current), c.want);
    });
  }
});

class FakeClock implements IntervalClock {
  time = 0;
  #timers = new Map<number, { fn: () => void; ms: number; next: number }>();
  #ids = 0;
  now(): number {
    return this.time;
  }
  setInterval(fn: () => void, ms: number): unknown {
    const id = ++this.#ids;
    this.#timers.set(id, { fn, ms, next: this.time + ms });
    return id;
  }
  clearInterval(handle: unknown): void {
    this.#timers.delete(handle as number);
  }
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.#timers.values()].filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      this.time = due.next;
      due.next += due.ms;
      due.fn();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.time = end;
  }
  get pending(): number {
    return this.#timers.size;
  }
}

test("startAutoCompaction compacts on its interval and stops", async () => {
  const clock = new FakeClock();
  let revision = 0;
  const compacted: number[] = [];
  const store = {
    currentRevision: () => Promise.resolve(revision),
    compact: (rev: number) => {
      compacted.push(rev);
      return Promise.resolve();
    },
  };
  const stop = startAutoCompaction(store, { clock, everyMs: 1000, retainMs: 2000 });
  for (let i = 0; i < 5; i++) {
    revision += 10;
    await clock.advance(1000);
  }
  // Ticks at t=1..5 s saw revisions 10..50; at t=3 s the sample from t=1 s (10) became old enough.
  assert.deepEqual(compacted, [10, 20, 30]);
  stop();
  assert.equal(clock.pending, 0);
  await clock.advance(5000);
  assert.equal(compacted.length, 3);
});
