// The Store contract as node:test tests, run against every engine (memory, sqlite, etcd) so they
// behave the same. Each test gets a fresh store from `makeStore` and cleans it up afterwards.
import assert from "node:assert/strict";
import { test } from "node:test";
import { StoreFutureRevisionError } from "./store-errors.js";
import type { Store, StoreEvent } from "./store.js";
import { StoreCompactedError, StoreConflictError, StoreKeyExistsError, StoreNotFoundError } from "./store.js";

/** A fresh store for one test, and how to dispose of it. */
export interface StoreFixture {
  store: Store;
  cleanup(): Promise<void>;
}

/** Options for `takeEvents`. */
export interface TakeOptions {
  /** Stop waiting after this long and return what arrived (default 5000 ms). */
  timeoutMs?: number;
  /** Called once the watch has been started (its first read is pending). */
  onStarted?: () => void;
}

/**
 * Reads up to `count` events from `store.watch(prefix, fromRevision)` and stops the watch.
 * Returns early (with fewer events) when the timeout passes, so a missing event shows up as a
 * failed length assertion rather than a hung test.
 */
export async function takeEvents(
  store: Store,
  watch: { prefix: string; fromRevision: number; count: number },
  options: TakeOptions = {},
): Promise<StoreEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 5000);
  const events: StoreEvent[] = [];
  try {
    const iterator = store.watch(watch.prefix, watch.fromRevision, controller.signal)[Symbol.asyncIterator]();
    const first = iterator.next();
    options.onStarted?.();
    let result = await first;
    while (!result.done) {
      events.push(result.value);
      if (events.length >= watch.count) {
        await iterator.return?.();
        break;
      }
      result = await iterator.next();
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

/** A compact, comparable picture of an event: "put /k=v", "delete /k". */
function describe(event: StoreEvent): string {
  return event.type === "put" ? `put ${event.kv.key}=${event.kv.value}` : `delete ${event.kv.key}`;
}

/**
 * Registers the contract tests for one engine under `name`. `makeStore` is called once per
 * test; the store it returns must be empty.
 */
export function runStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  const withStore = (title: string, body: (store: Store) => Promise<void>): void => {
    test(`${name}: ${title}`, async () => {
      const { store, cleanup } = await makeStore();
      try {
        await body(store);
      } finally {
        await cleanup();
      }
    });
  };

  withStore("create then get returns the value, createRevision == modRevision", async (store) => {
    const before = await store.currentRevision();
    const created = await store.create("/c/a", '{"x":1}');
    assert.equal(created.key, "/c/a");
    assert.equal(created.value, '{"x":1}');
    assert.equal(created.createRevision, created.modRevision);
    assert.ok(created.modRevision > before);
    assert.deepEqual(await store.get("/c/a"), created);
    assert.equal(await store.currentRevision(), created.modRevision);
  });

  withStore("get of a missing key returns undefined", async (store) => {
    assert.equal(await store.get("/c/missing"), undefined);
  });

  withStore("create of an existing key throws StoreKeyExistsError and changes nothing", async (store) => {
    const created = await store.create("/c/a", "one");
    await assert.rejects(store.create("/c/a", "two"), (err) => err instanceof StoreKeyExistsError && err.key === "/c/a");
    assert.deepEqual(await store.get("/c/a"), created);
    assert.equal(await store.currentRevision(), created.modRevision);
  });

  withStore("values are opaque strings (empty, unicode, JSON)", async (store) => {
    const values = ["", "héllo wörld ✓ 𝄞", JSON.stringify({ a: [1, "two", null], "b\u0000": "\n" })];
    for (const [i, value] of values.entries()) {
      await store.create(`/v/${i}`, value);
      assert.equal((await store.get(`/v/${i}`))?.value, value);
    }
  });

  withStore("update with the right revision writes a new revision and keeps createRevision", async (store) => {
    const created = await store.create("/u/a", "one");
    const updated = await store.update("/u/a", "two", created.modRevision);
    assert.equal(updated.value, "two");
    assert.equal(updated.createRevision, created.createRevision);
    assert.ok(updated.modRevision > created.modRevision);
    assert.deepEqual(await store.get("/u/a"), updated);
  });

  withStore("update with a wrong revision throws StoreConflictError carrying the current value", async (store) => {
    const created = await store.create("/u/a", "one");
    const updated = await store.update("/u/a", "two", created.modRevision);
    await assert.rejects(store.update("/u/a", "three", created.modRevision), (err) => {
      assert.ok(err instanceof StoreConflictError);
      assert.equal(err.key, "/u/a");
      assert.deepEqual(err.current, updated);
      return true;
    });
    assert.deepEqual(await store.get("/u/a"), updated);
  });

  withStore("update of a missing key throws StoreNotFoundError", async (store) => {
    await assert.rejects(store.update("/u/missing", "x", 1), (err) => err instanceof StoreNotFoundError && err.key === "/u/missing");
  });

  withStore("delete without a revision returns the deleted value at the delete's revision", async (store) => {
    const created = await store.create("/d/a", "one");
    const deleted = await store.delete("/d/a");
    assert.equal(deleted.key, "/d/a");
    assert.equal(deleted.value, "one");
    assert.equal(deleted.createRevision, created.createRevision);
    assert.ok(deleted.modRevision > created.modRevision);
    assert.equal(await store.currentRevision(), deleted.modRevision);
    assert.equal(await store.get("/d/a"), undefined);
    // The key can be created again, with a new createRevision.
    const again = await store.create("/d/a", "two");
    assert.ok(again.createRevision > deleted.modRevision);
  });

  withStore("delete with the right revision succeeds, with a wrong one conflicts", async (store) => {
    const created = await store.create("/d/a", "one");
    const updated = await store.update("/d/a", "two", created.modRevision);
    await assert.rejects(store.delete("/d/a", created.modRevision), (err) => {
      assert.ok(err instanceof StoreConflictError);
      assert.deepEqual(err.current, updated);
      return true;
    });
    assert.deepEqual(await store.get("/d/a"), updated);
    const deleted = await store.delete("/d/a", updated.modRevision);
    assert.equal(deleted.value, "two");
    assert.equal(await store.get("/d/a"), undefined);
  });

  withStore("delete of a missing key throws StoreNotFoundError, with or without a revision", async (store) => {
    await assert.rejects(store.delete("/d/missing"), StoreNotFoundError);
    await assert.rejects(store.delete("/d/missing", 3), StoreNotFoundError);
  });

  withStore("list returns exactly the keys under the prefix, in key order", async (store) => {
    const keys = ["/a/b/2", "/a/bc/1", "/a/b/1", "/a/b", "/a/a/1", "/b/1", "/a/b/1/x", "/a/b0"];
    for (const key of keys) await store.create(key, key);
    const cases: { prefix: string; want: string[] }[] = [
      { prefix: "/a/b/", want: ["/a/b/1", "/a/b/1/x", "/a/b/2"] },
      { prefix: "/a/b", want: ["/a/b", "/a/b/1", "/a/b/1/x", "/a/b/2", "/a/b0", "/a/bc/1"] },
      { prefix: "/a/", want: ["/a/a/1", "/a/b", "/a/b/1", "/a/b/1/x", "/a/b/2", "/a/b0", "/a/bc/1"] },
      { prefix: "/c/", want: [] },
      { prefix: "", want: [...keys].sort() },
    ];
    const revision = await store.currentRevision();
    for (const { prefix, want } of cases) {
      const result = await store.list(prefix);
      assert.deepEqual(result.items.map((kv) => kv.key), want, `prefix ${JSON.stringify(prefix)}`);
      assert.equal(result.more, false, `prefix ${JSON.stringify(prefix)}`);
      assert.equal(result.revision, revision, `prefix ${JSON.stringify(prefix)}`);
    }
  });

  withStore("list pages with limit and startKey, at one revision", async (store) => {
    for (const i of [4, 0, 3, 1, 2]) await store.create(`/p/${i}`, `v${i}`);
    await store.create("/q/0", "outside");
    const first = await store.list("/p/", { limit: 2 });
    assert.deepEqual(first.items.map((kv) => kv.key), ["/p/0", "/p/1"]);
    assert.equal(first.more, true);
    // A write between pages must not show up in later pages read at the first page's revision.
    await store.create("/p/1a", "late");
    const startKey = (key: string): string => `${key}\u0000`;
    const second = await store.list("/p/", { limit: 2, startKey: startKey("/p/1"), revision: first.revision });
    assert.deepEqual(second.items.map((kv) => kv.key), ["/p/2", "/p/3"]);
    assert.equal(second.more, true);
    assert.equal(second.revision, first.revision);
    const third = await store.list("/p/", { limit: 2, startKey: startKey("/p/3"), revision: first.revision });
    assert.deepEqual(third.items.map((kv) => kv.key), ["/p/4"]);
    assert.equal(third.more, false);
    const exact = await store.list("/p/", { limit: 5, revision: first.revision });
    assert.equal(exact.items.length, 5);
    assert.equal(exact.more, false);
    const below = await store.list("/p/", { startKey: "/a", limit: 1 });
    assert.deepEqual(below.items.map((kv) => kv.key), ["/p/0"], "a startKey below the prefix starts at the prefix");
  });

  withStore("list at an old revision shows the state as it was", async (store) => {
    const a = await store.create("/o/a", "a1");
    const b = await store.create("/o/b", "b1");
    const old = await store.currentRevision();
    const a2 = await store.update("/o/a", "a2", a.modRevision);
    await store.delete("/o/b", b.modRevision);
    const c = await store.create("/o/c", "c1");
    const then = await store.list("/o/", { revision: old });
    assert.equal(then.revision, old);
    assert.deepEqual(then.items, [a, b]);
    const now = await store.list("/o/");
    assert.deepEqual(now.items, [a2, c]);
    const future = (await store.currentRevision()) + 10;
    await assert.rejects(store.list("/o/", { revision: future }), StoreFutureRevisionError);
  });

  withStore("revisions strictly increase across all writes", async (store) => {
    const revisions: number[] = [];
    const a = await store.create("/r/a", "1");
    revisions.push(a.modRevision);
    const b = await store.create("/r/b", "1");
    revisions.push(b.modRevision);
    const a2 = await store.update("/r/a", "2", a.modRevision);
    revisions.push(a2.modRevision);
    const deleted = await store.delete("/r/b");
    revisions.push(deleted.modRevision);
    const c = await store.create("/r/b", "again");
    revisions.push(c.modRevision);
    for (let i = 1; i < revisions.length; i++) assert.ok(revisions[i] > revisions[i - 1], `${revisions}`);
    assert.equal(await store.currentRevision(), c.modRevision);
  });

  withStore("watch from 0 replays the whole history with types and prevKv, then goes live", async (store) => {
    const a = await store.create("/w/a", "a1");
    const a2 = await store.update("/w/a", "a2", a.modRevision);
    const deleted = await store.delete("/w/a");
    let live: Promise<unknown> = Promise.resolve();
    const events = await takeEvents(
      store,
      { prefix: "/w/", fromRevision: 0, count: 4 },
      { onStarted: () => (live = store.create("/w/b", "b1")) },
    );
    await live;
    assert.deepEqual(events.map(describe), ["put /w/a=a1", "put /w/a=a2", "delete /w/a", "put /w/b=b1"]);
    const [create, update, del] = events;
    assert.deepEqual(create.kv, a);
    assert.equal(create.revision, a.modRevision);
    assert.equal(create.prevKv, undefined);
    assert.deepEqual(update.kv, a2);
    assert.deepEqual(update.prevKv, a);
    assert.equal(del.revision, deleted.modRevision);
    assert.deepEqual(del.kv, deleted, "delete event kv: the old value at the delete's revision");
    assert.deepEqual(del.prevKv, a2);
  });

  withStore("watch from a middle revision replays only later events", async (store) => {
    await store.create("/w/a", "1");
    const middle = await store.create("/w/b", "1");
    await store.create("/w/c", "1");
    await store.create("/w/d", "1");
    const events = await takeEvents(store, { prefix: "/w/", fromRevision: middle.modRevision, count: 2 });
    assert.deepEqual(events.map(describe), ["put /w/c=1", "put /w/d=1"]);
  });

  withStore("watch sees only keys under its prefix", async (store) => {
    const start = await store.currentRevision();
    for (const key of ["/w/b", "/w/bc/1", "/w/b/1", "/x/b/2", "/w/b/2"]) await store.create(key, "v");
    const events = await takeEvents(store, { prefix: "/w/b/", fromRevision: start, count: 2 });
    assert.deepEqual(events.map(describe), ["put /w/b/1=v", "put /w/b/2=v"]);
    const more = await takeEvents(store, { prefix: "/w/b/", fromRevision: start, count: 3 }, { timeoutMs: 300 });
    assert.equal(more.length, 2, "no third event exists");
  });

  withStore("watch from a compacted revision throws StoreCompactedError", async (store) => {
    const first = await store.create("/k/a", "1");
    const second = await store.update("/k/a", "2", first.modRevision);
    const third = await store.update("/k/a", "3", second.modRevision);
    await store.compact(second.modRevision);
    assert.equal(await store.compactedRevision(), second.modRevision);
    await assert.rejects(takeEvents(store, { prefix: "/k/", fromRevision: first.modRevision, count: 1 }), (err) => {
      assert.ok(err instanceof StoreCompactedError, String(err));
      assert.equal(err.requested, first.modRevision);
      return true;
    });
    await assert.rejects(takeEvents(store, { prefix: "/k/", fromRevision: 0, count: 1 }), StoreCompactedError);
    await assert.rejects(store.list("/k/", { revision: first.modRevision }), StoreCompactedError);
    // From the compacted revision itself every later event is still there.
    const events = await takeEvents(store, { prefix: "/k/", fromRevision: second.modRevision, count: 1 });
    assert.deepEqual(events.map((e) => e.revision), [third.modRevision]);
    assert.deepEqual((await store.list("/k/")).items, [third]);
    // Compacting to an older revision again changes nothing.
    await store.compact(first.modRevision);
    assert.equal(await store.compactedRevision(), second.modRevision);
  });

  withStore("abort ends a watch that is waiting for events", async (store) => {
    const controller = new AbortController();
    const received: StoreEvent[] = [];
    const done = (async () => {
      for await (const event of store.watch("/a/", 0, controller.signal)) {
        received.push(event);
        if (received.length === 1) setTimeout(() => controller.abort(), 50);
      }
    })();
    await store.create("/a/1", "x");
    const ended = await raceTimeout(done, 5000);
    assert.equal(ended, "done");
    assert.equal(received.length, 1);
    // An already aborted signal yields nothing, although an event exists.
    const nothing: StoreEvent[] = [];
    for await (const event of store.watch("/a/", 0, AbortSignal.abort())) nothing.push(event);
    assert.deepEqual(nothing, []);
  });

  withStore("200 parallel creates get distinct revisions, and watches see each exactly once", async (store) => {
    const start = await store.currentRevision();
    const n = 200;
    let writes: Promise<unknown> = Promise.resolve();
    const watched = takeEvents(
      store,
      { prefix: "/n/", fromRevision: start, count: n },
      {
        timeoutMs: 20000,
        onStarted: () => {
          writes = Promise.all(Array.from({ length: n }, (_, i) => store.create(`/n/${i}`, `v${i}`)));
        },
      },
    );
    // A second watch joins while the writes are in flight, from the start revision.
    await delay(1);
    const late = takeEvents(store, { prefix: "/n/", fromRevision: start, count: n }, { timeoutMs: 20000 });
    const created = (await writes) as { modRevision: number; key: string }[];
    const revisions = created.map((kv) => kv.modRevision);
    assert.equal(new Set(revisions).size, n, "distinct revisions");
    for (const events of [await watched, await late]) {
      assert.equal(events.length, n);
      assert.equal(new Set(events.map((e) => e.kv.key)).size, n, "each key exactly once");
      for (let i = 1; i < n; i++) assert.ok(events[i].revision > events[i - 1].revision, "in revision order");
      assert.deepEqual(
        events.map((e) => e.revision),
        [...revisions].sort((x, y) => x - y),
      );
    }
  });

  withStore("parallel updates with the same expected revision: exactly one wins", async (store) => {
    const created = await store.create("/race/a", "0");
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.update("/race/a", `v${i}`, created.modRevision)),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    assert.equal(won.length, 1);
    for (const r of results) {
      if (r.status === "rejected") assert.ok(r.reason instanceof StoreConflictError, String(r.reason));
    }
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** "done" when `work` settles within `ms`, else "timeout"; leaves no timer behind. */
async function raceTimeout(work: Promise<unknown>, ms: number): Promise<"done" | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  try {
    return await Promise.race([work.then(() => "done" as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
