import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock, realClock } from "./clock.js";
import { ItemExponentialRateLimiter } from "./rate-limiter.js";
import { WorkQueue } from "./workqueue.js";

/** Takes every key currently queued without waiting. */
async function drain(q: WorkQueue<string>): Promise<string[]> {
  const out: string[] = [];
  while (q.length > 0) out.push((await q.get()) as string);
  return out;
}

type Step =
  | { add: string }
  | { get: string | undefined }
  | { done: string }
  | { addAfter: [string, number] }
  | { rateLimited: string }
  | { forget: string }
  | { advance: number }
  | { shutDown: true }
  | { queued: string[] }
  | { requeues: [string, number] };

const cases: { name: string; steps: Step[] }[] = [
  { name: "adds are de-duplicated and FIFO", steps: [{ add: "a" }, { add: "b" }, { add: "a" }, { queued: ["a", "b"] }] },
  {
    name: "a key added while processing is queued again only after done",
    steps: [{ add: "a" }, { get: "a" }, { add: "a" }, { add: "a" }, { queued: [] }, { done: "a" }, { get: "a" }, { done: "a" }, { queued: [] }],
  },
  { name: "done without a re-add does not requeue", steps: [{ add: "a" }, { get: "a" }, { done: "a" }, { queued: [] }] },
  {
    name: "addAfter waits for the clock; the earlier deadline wins",
    steps: [{ addAfter: ["a", 100] }, { addAfter: ["a", 50] }, { addAfter: ["a", 500] }, { advance: 49 }, { queued: [] }, { advance: 1 }, { queued: ["a"] }, { advance: 1000 }, { queued: [] }],
  },
  { name: "addAfter of zero is an add", steps: [{ addAfter: ["a", 0] }, { queued: ["a"] }] },
  {
    name: "addAfter of 30 days waits 30 days",
    steps: [{ addAfter: ["a", 30 * 86_400_000] }, { advance: 1 }, { queued: [] }, { advance: 30 * 86_400_000 - 2 }, { queued: [] }, { advance: 1 }, { queued: ["a"] }],
  },
  {
    name: "rate-limited re-adds back off exponentially per key until forgotten",
    steps: [
      { rateLimited: "a" },
      { advance: 5 },
      { queued: ["a"] },
      { rateLimited: "a" },
      { advance: 9 },
      { queued: [] },
      { advance: 1 },
      { queued: ["a"] },
      { requeues: ["a", 2] },
      { forget: "a" },
      { requeues: ["a", 0] },
      { rateLimited: "a" },
      { advance: 5 },
      { queued: ["a"] },
    ],
  },
  {
    name: "shutDown drops delayed adds and ignores new ones, but queued keys are still handed out",
    steps: [{ add: "a" }, { addAfter: ["b", 10] }, { shutDown: true }, { add: "c" }, { advance: 100 }, { get: "a" }, { get: undefined }],
  },
];

for (const c of cases) {
  test(c.name, async () => {
    const clock = new FakeClock();
    const q = new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter({ baseMs: 5 }) });
    for (const s of c.steps) {
      if ("add" in s) q.add(s.add);
      else if ("get" in s) assert.equal(await q.get(), s.get);
      else if ("done" in s) q.done(s.done);
      else if ("addAfter" in s) q.addAfter(...s.addAfter);
      else if ("rateLimited" in s) q.addRateLimited(s.rateLimited);
      else if ("forget" in s) q.forget(s.forget);
      else if ("advance" in s) clock.advance(s.advance);
      else if ("shutDown" in s) q.shutDown();
      else if ("requeues" in s) assert.equal(q.numRequeues(s.requeues[0]), s.requeues[1]);
      else {
        const got = await drain(q);
        for (const k of got) q.done(k);
        assert.deepEqual(got, s.queued);
      }
    }
  });
}

test("a waiting get is woken by add, and each key goes to exactly one waiter", async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  const w1 = q.get();
  const w2 = q.get();
  q.add("a");
  q.add("a");
  q.add("b");
  assert.deepEqual(await Promise.all([w1, w2]), ["a", "b"]);
});

test("shutDown wakes idle getters with undefined", async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  const w = q.get();
  q.shutDown();
  assert.equal(await w, undefined);
});

test("concurrent workers never hold the same key at once", async () => {
  const q = new WorkQueue<string>({ clock: new FakeClock() });
  const holding = new Set<string>();
  let overlaps = 0;
  let processed = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const k = await q.get();
      if (k === undefined) return;
      if (holding.has(k)) overlaps++;
      holding.add(k);
      await new Promise((r) => setImmediate(r));
      if (processed++ < 200) q.add(k);
      holding.delete(k);
      q.done(k);
    }
  };
  const workers = [worker(), worker(), worker(), worker()];
  for (const k of ["a", "b", "a", "c"]) q.add(k);
  while (processed < 200) await new Promise((r) => setImmediate(r));
  q.shutDown();
  await Promise.all(workers);
  assert.equal(overlaps, 0);
});

test("addAfter on the real clock: a key due in 30 days is not queued now (Node's timers cannot wait that long)", async () => {
  const q = new WorkQueue<string>({ clock: realClock });
  q.addAfter("a", 30 * 86_400_000);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(q.length, 0);
  q.shutDown();
});
