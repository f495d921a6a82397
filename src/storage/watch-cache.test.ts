import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { MemoryStore } from "./memory-store.js";
import { SqliteStore } from "./sqlite-store.js";
import { WatchCacheTimeoutError } from "./store-errors.js";
import type { KeyValue, ListOptions, ListResult, Store, StoreEvent } from "./store.js";
import { StoreCompactedError } from "./store.js";
import type { WatchCacheOptions } from "./watch-cache.js";
import { WatchCache } from "./watch-cache.js";

const root = mkdtempSync(join(tmpdir(), "svcnet-watch-cache-test-"));
after(() => rmSync(root, { recursive: true, force: true }));
let files = 0;

const engines: { name: string; open: () => Store }[] = [
  { name: "memory", open: () => new MemoryStore() },
  { name: "sqlite", open: () => SqliteStore.open(join(root, `cache-${++files}.db`), { autoCompact: false }) },
];

/** A store whose watches can be broken on demand, to test the cache's recovery. */
class BreakableStore implements Store {
  #inner: Store;
  #breakers = new Set<(err: Error) => void>();
  watchCalls = 0;
  constructor(inner: Store) {
    this.#inner = inner;
  }
  /** Fails every open watch with `err`. */
  breakWatches(err: Error = new Error("connection lost")): void {
    for (const fail of this.#breakers) fail(err);
  }
  get(key: string): Promise<KeyValue | undefined> {
    return this.#inner.get(key);
  }
  list(prefix: string, options?: ListOptions): Promise<ListResult> {
    return this.#inner.list(prefix, options);
  }
  create(key: string, value: string): Promise<KeyValue> {
    return this.#inner.create(key, value);
  }
  update(key: string, value: string, expectedRevision: number): Promise<KeyValue> {
    return this.#inner.update(key, value, expectedRevision);
  }
  delete(key: string, expectedRevision?: number): Promise<KeyValue> {
    return this.#inner.delete(key, expectedRevision);
  }
  async *watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncGenerator<StoreEvent> {
    this.watchCalls++;
    const local = new AbortController();
    let failure: Error | undefined;
    const fail = (err: Error): void => {
      failure = err;
      local.abort();
    };
    const forward = (): void => local.abort();
    signal.addEventListener("abort", forward, { once: true });
    this.#breakers.add(fail);
    try {
      for await (const event of this.#inner.watch(prefix, fromRevision, local.signal)) yield event;
      if (failure) throw failure;
    } finally {
      this.#breakers.delete(fail);
      signal.removeEventListener("abort", forward);
    }
  }
  currentRevision(): Promise<number> {
    return this.#inner.currentRevision();
  }
  compact(revision: number): Promise<void> {
    return this.#inner.compact(revision);
  }
  compactedRevision(): Promise<number> {
    return this.#inner.compactedRevision();
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

interface Fixture {
  store: BreakableStore;
  cache: WatchCache;
  stop(): Promise<void>;
}

async function startCache(open: () => Store, options: WatchCacheOptions = {}): Promise<Fixture> {
  const store = new BreakableStore(open());
  const cache = new WatchCache(store, { prefix: "/r/", retryDelayMs: 10, ...options });
  const controller = new AbortController();
  const running = cache.start(controller.signal);
  return {
    store,
    cache,
    stop: async () => {
      controller.abort();
      await running;
      await store.close();
    },
  };
}

/** Reads `count` events from the cache, or what arrived within `timeoutMs`. */
async function take(cache: WatchCache, watch: { prefix: string; from: number; count: number }, timeoutMs = 5000): Promise<StoreEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const out: StoreEvent[] = [];
  try {
    for await (const event of cache.watch(watch.prefix, watch.from, controller.signal)) {
      out.push(event);
      if (out.length >= watch.count) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return out;
}

const keysOf = (items: { key: string }[]): string[] => items.map((kv) => kv.key);
const valuesOf = (events: StoreEvent[]): string[] => events.map((e) => `${e.type} ${e.kv.key}=${e.kv.value}`);

for (const engine of engines) {
  test(`WatchCache on ${engine.name}: lists the prefix from memory after the initial list`, async () => {
    const inner = engine.open();
    for (const key of ["/r/pods/a", "/r/pods/b", "/r/podsx/c", "/r/svc/a", "/other/x"]) await inner.create(key, key);
    const { cache, stop } = await startCache(() => inner, { pageSize: 2 });
    try {
      await cache.ready;
      const revision = await inner.currentRevision();
      assert.equal(cache.revision, revision);
      const cases: { prefix: string; want: string[] }[] = [
        { prefix: "/r/pods/", want: ["/r/pods/a", "/r/pods/b"] },
        { prefix: "/r/", want: ["/r/pods/a", "/r/pods/b", "/r/podsx/c", "/r/svc/a"] },
        { prefix: "/other/", want: [] },
      ];
      for (const c of cases) {
        const result = await cache.list(c.prefix);
        assert.deepEqual(keysOf(result.items), c.want, c.prefix);
        assert.equal(result.revision, revision);
      }
      assert.equal((await cache.get("/r/svc/a"))?.value, "/r/svc/a");
    } finally {
      await stop();
    }
  });

  test(`WatchCache on ${engine.name}: reads wait for minRevision, and time out`, async () => {
    const { store, cache, stop } = await startCache(engine.open);
    try {
      await cache.ready;
      const a = await store.create("/r/a", "1");
      const updated = await store.update("/r/a", "2", a.modRevision);
      assert.equal((await cache.get("/r/a", { minRevision: updated.modRevision }))?.value, "2");
      const listed = await cache.list("/r/", { minRevision: updated.modRevision });
      assert.ok(listed.revision >= updated.modRevision);
      await store.delete("/r/a");
      assert.deepEqual((await cache.list("/r/", { minRevision: updated.modRevision + 1 })).items, []);
      await assert.rejects(cache.list("/r/", { minRevision: updated.modRevision + 100, timeoutMs: 50 }), (err) => {
        assert.ok(err instanceof WatchCacheTimeoutError);
        assert.equal(err.wanted, updated.modRevision + 100);
        return true;
      });
    } finally {
      await stop();
    }
  });

  test(`WatchCache on ${engine.name}: watch replays the window then goes live; older than the window is compacted`, async () => {
    const { store, cache, stop } = await startCache(engine.open, { capacity: 3 });
    try {
      await cache.ready;
      const start = cache.revision;
      const written: KeyValue[] = [];
      for (let i = 0; i < 5; i++) written.push(await store.create(`/r/${i}`, `v${i}`));
      await cache.waitForRevision(written[4].modRevision, 2000);
      // The window holds the last three events.
      assert.equal(cache.oldestWatchableRevision, written[1].modRevision);
      await assert.rejects(take(cache, { prefix: "/r/", from: start, count: 1 }), StoreCompactedError);
      const replay = take(cache, { prefix: "/r/", from: written[1].modRevision, count: 4 });
      setTimeout(() => void store.create("/r/live", "x"), 20);
      assert.deepEqual(valuesOf(await replay), ["put /r/2=v2", "put /r/3=v3", "put /r/4=v4", "put /r/live=x"]);
    } finally {
      await stop();
    }
  });

  test(`WatchCache on ${engine.name}: 100 watchers each see every event in order; stalled ones block nobody`, async () => {
    const { store, cache, stop } = await startCache(engine.open, { capacity: 100 });
    try {
      await cache.ready;
      const from = cache.revision;
      const n = 300;
      const watchers = Array.from({ length: 100 }, (_, i) =>
        take(cache, { prefix: i % 2 ? "/r/" : "/r/even/", from, count: i % 2 ? n : n / 2 }, 20000),
      );
      // A watcher that reads one event and then stops reading.
      const stalledController = new AbortController();
      const stalled = cache.watch("/r/", from, stalledController.signal)[Symbol.asyncIterator]();
      const firstOfStalled = stalled.next();
      for (let i = 0; i < n; i++) {
        await store.create(i % 2 ? `/r/odd/${i}` : `/r/even/${i}`, String(i));
      }
      await firstOfStalled;
      const results = await Promise.all(watchers);
      results.forEach((events, i) => {
        const want = i % 2 ? n : n / 2;
        assert.equal(events.length, want, `watcher ${i}`);
        for (let j = 1; j < events.length; j++) assert.ok(events[j].revision > events[j - 1].revision);
        if (i % 2 === 0) assert.ok(events.every((e) => e.kv.key.startsWith("/r/even/")));
      });
      // The stalled watcher fell more than `capacity` events behind: it must relist.
      await assert.rejects(stalled.next(), StoreCompactedError);
      stalledController.abort();
    } finally {
      await stop();
    }
  });

  test(`WatchCache on ${engine.name}: a broken store watch resumes from the cache revision without gaps`, async () => {
    const { store, cache, stop } = await startCache(engine.open);
    try {
      await cache.ready;
      const from = cache.revision;
      const watching = take(cache, { prefix: "/r/", from, count: 20 });
      for (let i = 0; i < 20; i++) {
        await store.create(`/r/${String(i).padStart(2, "0")}`, String(i));
        if (i % 5 === 2) store.breakWatches();
      }
      const events = await watching;
      assert.deepEqual(
        events.map((e) => e.kv.value),
        Array.from({ length: 20 }, (_, i) => String(i)),
      );
      assert.ok(store.watchCalls > 1, "the store watch was restarted");
      assert.equal((await cache.list("/r/")).items.length, 20);
    } finally {
      await stop();
    }
  });

  test(`WatchCache on ${engine.name}: relists when its revision was compacted away while disconnected`, async () => {
    const { store, cache, stop } = await startCache(engine.open, { retryDelayMs: 100 });
    try {
      await cache.ready;
      const a = await store.create("/r/a", "1");
      await cache.waitForRevision(a.modRevision, 2000);
      const behind = cache.watch("/r/", a.modRevision, new AbortController().signal)[Symbol.asyncIterator]();
      // Break the watch, then write and compact before the cache re-watches.
      store.breakWatches();
      await store.delete("/r/a");
      const b = await store.create("/r/b", "2");
      await store.compact(b.modRevision);
      await cache.waitForRevision(b.modRevision, 3000);
      assert.deepEqual(keysOf((await cache.list("/r/")).items), ["/r/b"]);
      assert.equal(cache.oldestWatchableRevision, b.modRevision);
      await assert.rejects(behind.next(), StoreCompactedError, "a watcher that missed events must relist");
      const live = take(cache, { prefix: "/r/", from: b.modRevision, count: 1 });
      await store.create("/r/c", "3");
      assert.deepEqual(valuesOf(await live), ["put /r/c=3"]);
    } finally {
      await stop();
    }
  });
}

test("WatchCache: stopping ends open watches and refuses a second start", async () => {
  const { cache, stop } = await startCache(() => new MemoryStore());
  await cache.ready;
  const watching = take(cache, { prefix: "/r/", from: cache.revision, count: 1 });
  assert.throws(() => cache.start(new AbortController().signal), /already started/);
  await stop();
  assert.deepEqual(await watching, []);
});

test("WatchCache: ready rejects when stopped before the first list", async () => {
  const cache = new WatchCache(new MemoryStore());
  const controller = new AbortController();
  controller.abort();
  await cache.start(controller.signal);
  await assert.rejects(cache.ready, /stopped/);
});

test("WatchCache: an indexed watch sees only its value's events — both sides of a move — and wakes for nothing else", async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, { prefix: "/r/", retryDelayMs: 10, capacity: 5 });
  // The value is "node:<name>" in these tests; an event is about its old and its new value.
  const nodeOf = (value: string | undefined): string => /node=(\w+)/.exec(value ?? "")?.[1] ?? "";
  cache.registerIndex("node", "/r/pods/", (kv) => [nodeOf(kv.value)]);
  const controller = new AbortController();
  const running = cache.start(controller.signal);
  try {
    await cache.ready;
    const from = cache.revision;
    const a = await store.create("/r/pods/a", "node=n1");
    await store.create("/r/pods/b", "node=n2");
    await store.update("/r/pods/a", "node=n2", a.modRevision);
    await store.create("/r/svc/x", "node=n1");
    const seen = async (value: string, count: number): Promise<string[]> => {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), 300);
      const out: string[] = [];
      try {
        for await (const e of cache.watch("/r/pods/", from, ctl.signal, { indexed: { index: "node", value } })) {
          out.push(`${e.type} ${e.kv.key}=${e.kv.value}`);
          if (out.length >= count) break;
        }
      } finally {
        clearTimeout(timer);
      }
      return out;
    };
    assert.deepEqual(await seen("n1", 10), ["put /r/pods/a=node=n1", "put /r/pods/a=node=n2"], "n1 sees a arrive and leave; not the service");
    assert.deepEqual(await seen("n2", 10), ["put /r/pods/b=node=n2", "put /r/pods/a=node=n2"]);
    assert.deepEqual(await seen("n3", 10), []);
    // The window (capacity 5) moves on: n1's events are kept until newer ones about n1 come…
    for (let i = 0; i < 6; i++) await store.create(`/r/pods/p${i}`, "node=n3");
    assert.deepEqual(await seen("n1", 10), ["put /r/pods/a=node=n1", "put /r/pods/a=node=n2"], "other values leaving the window do not matter");
    const unindexed = cache.watch("/r/pods/", from, new AbortController().signal);
    await assert.rejects(unindexed.next(), StoreCompactedError, "an unindexed watch from there is too old");
    // …and then an n1 watch from before the dropped events is compacted.
    const c = await store.create("/r/pods/c", "node=n1");
    await cache.waitForRevision(c.modRevision);
    const stale = cache.watch("/r/pods/", from, new AbortController().signal, { indexed: { index: "node", value: "n1" } });
    await assert.rejects(stale.next(), StoreCompactedError);
    // Stopping the cache ends a waiting indexed watch.
    const waiting = cache.watch("/r/pods/", cache.revision, new AbortController().signal, { indexed: { index: "node", value: "n9" } });
    const ended = waiting.next();
    controller.abort();
    assert.deepEqual(await ended, { done: true, value: undefined });
  } finally {
    controller.abort();
    await running;
  }
});

test("WatchCache: an idle indexed watcher outlives the window and reports its progress", async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, { prefix: "/r/", retryDelayMs: 10, capacity: 3 });
  const nodeOf = (value: string): string => /node=(\w+)/.exec(value)?.[1] ?? "";
  cache.registerIndex("node", "/r/pods/", (kv) => [nodeOf(kv.value)]);
  const controller = new AbortController();
  const running = cache.start(controller.signal);
  try {
    await cache.ready;
    const progress: number[] = [];
    const watch = cache.watch("/r/pods/", cache.revision, controller.signal, { indexed: { index: "node", value: "n1" }, onProgress: (r) => progress.push(r) });
    const first = watch.next();
    for (let i = 0; i < 10; i++) await store.create(`/r/pods/other${i}`, "node=n2");
    const mine = await store.create("/r/pods/mine", "node=n1");
    const got = await first;
    assert.equal(got.value?.kv.key, "/r/pods/mine", "not compacted although ten other events passed a window of three");
    const next = watch.next();
    await store.create("/r/pods/later", "node=n3");
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(progress.length >= 2);
    assert.equal(progress.at(-1), mine.modRevision, "caught up after its own event");
    void next;
  } finally {
    controller.abort();
    await running;
  }
});

test("WatchCache: an unindexed watcher reports the cache revision whenever it has caught up", async () => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, { prefix: "/r/", retryDelayMs: 10 });
  const controller = new AbortController();
  const running = cache.start(controller.signal);
  try {
    await cache.ready;
    const progress: number[] = [];
    const watch = cache.watch("/r/svc/", cache.revision, controller.signal, { onProgress: (r) => progress.push(r) });
    const first = watch.next();
    await store.create("/r/pods/p", "x");
    const svc = await store.create("/r/svc/s", "y");
    assert.equal((await first).value?.kv.key, "/r/svc/s");
    const pending = watch.next();
    const pod = await store.create("/r/pods/q", "z");
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(progress.includes(svc.modRevision));
    assert.equal(progress.at(-1), pod.modRevision, "a change outside its prefix moves it on");
    void pending;
  } finally {
    controller.abort();
    await running;
  }
});

test("WatchCache: list by index returns the current items filed under a value", async (t) => {
  const store = new MemoryStore();
  const cache = new WatchCache(store, { prefix: "/r/", retryDelayMs: 10 });
  const nodeOf = (value: string): string => /node=(\w+)/.exec(value)?.[1] ?? "";
  // Registered before start: the first list files what is already stored.
  const before = await store.create("/r/pods/old", "node=n1");
  cache.registerIndex("node", "/r/pods/", (kv) => [nodeOf(kv.value)]);
  const controller = new AbortController();
  const running = cache.start(controller.signal);
  try {
    await cache.ready;
    const a = await store.create("/r/pods/a", "node=n1");
    await store.create("/r/pods/b", "node=n2");
    await store.create("/r/svc/n1", "node=n1");
    await store.update("/r/pods/a", "node=n2", a.modRevision);
    await store.create("/r/pods/c", "node=n1");
    await store.delete("/r/pods/old", before.modRevision);
    const last = await store.create("/r/pods/d", "unbound");
    const keys = async (prefix: string, value: string): Promise<string[]> =>
      (await cache.list(prefix, { minRevision: last.modRevision, indexed: { index: "node", value } })).items.map((kv) => kv.key);
    const cases: { name: string; prefix: string; value: string; want: string[] }[] = [
      { name: "moved in, created; the deleted one gone", prefix: "/r/pods/", value: "n2", want: ["/r/pods/a", "/r/pods/b"] },
      { name: "moved out", prefix: "/r/pods/", value: "n1", want: ["/r/pods/c"] },
      { name: "the empty value", prefix: "/r/pods/", value: "", want: ["/r/pods/d"] },
      { name: "a narrower prefix", prefix: "/r/pods/b", value: "n2", want: ["/r/pods/b"] },
      { name: "a value nothing has", prefix: "/r/pods/", value: "n9", want: [] },
    ];
    for (const c of cases) await t.test(c.name, async () => assert.deepEqual(await keys(c.prefix, c.value), c.want));
    await assert.rejects(cache.list("/r/pods/", { indexed: { index: "nope", value: "x" } }), /no index nope/);
  } finally {
    controller.abort();
    await running;
  }
});
