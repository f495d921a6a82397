import { test } from "node:test";
import assert from "node:assert/strict";
import type { CacheSyncWaiter } from "./controller-runner.js";
import { runController } from "./controller-runner.js";
import { ItemExponentialRateLimiter } from "./rate-limiter.js";
import { WorkQueue } from "./workqueue.js";
import { eventually } from "./test-fixtures.js";

/** A cache whose sync the test controls. */
function gate(): CacheSyncWaiter & { open(): void } {
  let open = (): void => undefined;
  const ready = new Promise<void>((r) => (open = r));
  return {
    open: () => open(),
    waitForCacheSync: (signal) =>
      new Promise((resolve) => {
        void ready.then(() => resolve(true));
        signal?.addEventListener("abort", () => resolve(false), { once: true });
      }),
  };
}

const fastQueue = (): WorkQueue<string> => new WorkQueue<string>({ rateLimiter: new ItemExponentialRateLimiter({ baseMs: 1, maxMs: 4 }) });
const tick = (ms = 20): Promise<void> => new Promise((r) => setTimeout(r, ms));

const cases: { name: string; run: () => Promise<void> }[] = [
  {
    name: "nothing is synced before every cache has synced",
    run: async () => {
      const q = fastQueue();
      const caches = [gate(), gate()];
      const synced: string[] = [];
      const stop = new AbortController();
      const done = runController({ name: "t", queue: q, sync: async (k) => void synced.push(k), signal: stop.signal, caches });
      q.add("a");
      caches[0].open();
      await tick();
      assert.deepEqual(synced, []);
      caches[1].open();
      await eventually("sync", () => synced.length === 1);
      stop.abort();
      await done;
    },
  },
  {
    name: "a failing key is retried with backoff up to maxRetries, then dropped and forgotten",
    run: async () => {
      const q = fastQueue();
      let calls = 0;
      const drops: string[] = [];
      const stop = new AbortController();
      const done = runController({
        name: "t",
        queue: q,
        maxRetries: 3,
        sync: async () => {
          calls++;
          throw new Error("nope");
        },
        onDrop: (k) => drops.push(k),
        signal: stop.signal,
      });
      q.add("a");
      await eventually("drop", () => drops.length === 1);
      await tick();
      assert.equal(calls, 4, "first attempt plus 3 retries");
      assert.equal(q.numRequeues("a"), 0);
      stop.abort();
      await done;
    },
  },
  {
    name: "a key that succeeds after failures is forgotten",
    run: async () => {
      const q = fastQueue();
      let calls = 0;
      const stop = new AbortController();
      const done = runController({
        name: "t",
        queue: q,
        sync: async () => {
          if (++calls < 3) throw new Error("later");
        },
        signal: stop.signal,
      });
      q.add("a");
      await eventually("success", () => calls === 3);
      await tick();
      assert.equal(q.numRequeues("a"), 0);
      stop.abort();
      await done;
    },
  },
  {
    name: "many workers never sync one key twice at once, and re-adds during sync are not lost",
    run: async () => {
      const q = fastQueue();
      const active = new Set<string>();
      let overlap = 0;
      const counts = new Map<string, number>();
      const stop = new AbortController();
      const done = runController({
        name: "t",
        queue: q,
        workers: 4,
        sync: async (k) => {
          if (active.has(k)) overlap++;
          active.add(k);
          counts.set(k, (counts.get(k) ?? 0) + 1);
          await tick(2);
          active.delete(k);
        },
        signal: stop.signal,
      });
      for (let i = 0; i < 20; i++) {
        q.add(`k${i % 3}`);
        await tick(1);
      }
      await eventually("idle", () => q.length === 0 && active.size === 0);
      await tick();
      assert.equal(overlap, 0);
      assert.equal(counts.size, 3);
      stop.abort();
      await done;
    },
  },
  {
    name: "aborting before the caches sync ends the controller without syncing anything",
    run: async () => {
      const q = fastQueue();
      const stop = new AbortController();
      let calls = 0;
      const done = runController({ name: "t", queue: q, sync: async () => void calls++, signal: stop.signal, caches: [gate()] });
      q.add("a");
      stop.abort();
      await done;
      assert.equal(calls, 0);
      assert.ok(q.shuttingDown);
    },
  },
];

for (const c of cases) test(c.name, c.run);
