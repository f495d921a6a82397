import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject } from "../api/types.js";
import type { TestApi } from "../apiserver/test-api.js";
import { startTestApi } from "../apiserver/test-api.js";
import { FakeClock } from "./clock.js";
import type { InformerOptions } from "./informer.js";
import { Informer } from "./informer.js";
import { InterruptibleTransport } from "./interruptible-transport.js";
import { DeletedFinalStateUnknown, objectKey } from "./object-key.js";
import type { KubeClient } from "./rest-client.js";
import { coreClient, eventually, makeService, testTransport } from "./test-fixtures.js";

/** Records what handlers hear as "add ns/name", "update ns/name", "delete ns/name" or "tombstone ns/name". */
function record(inf: Informer): string[] {
  const seen: string[] = [];
  inf.addEventHandler({
    onAdd: (o) => seen.push(`add ${objectKey(o)}`),
    onUpdate: (a, b) => seen.push(`${a === b ? "resync" : "update"} ${objectKey(b)}`),
    onDelete: (o) => seen.push(o instanceof DeletedFinalStateUnknown ? `tombstone ${o.key}` : `delete ${objectKey(o)}`),
  });
  return seen;
}

const quiet = (ms = 50): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("Informer against the in-process API", () => {
  let t: TestApi;
  let tr: InterruptibleTransport;
  let svcs: KubeClient;
  let nsSeq = 0;
  const stops: AbortController[] = [];
  before(async () => {
    t = await startTestApi({ cacheCapacity: 5 });
    tr = new InterruptibleTransport(testTransport(t));
    svcs = coreClient(tr, "services");
  });
  after(() => {
    for (const s of stops) s.abort();
    t.close();
  });

  /** A fresh namespace with the given services, and a running informer on it. */
  async function setup(names: string[], o: InformerOptions = {}): Promise<{ ns: string; inf: Informer; seen: string[] }> {
    const ns = `inf${nsSeq++}`;
    await coreClient(tr, "namespaces").create({ metadata: { name: ns } });
    for (const n of names) await svcs.create(makeService(ns, n));
    const inf = new Informer(svcs, { namespace: ns, backoff: { initialMs: 5, maxMs: 20 }, onError: () => undefined, ...o });
    const seen = record(inf);
    const stop = new AbortController();
    stops.push(stop);
    void inf.run(stop.signal);
    assert.equal(await inf.waitForCacheSync(stop.signal), true);
    await eventually("initial adds", () => seen.length === names.length);
    return { ns, inf, seen };
  }

  const cases: { name: string; run: () => Promise<void> }[] = [
    {
      name: "adds, updates and deletes reach handlers and the lister, in order",
      run: async () => {
        const { ns, inf, seen } = await setup(["a"]);
        await svcs.create(makeService(ns, "b"));
        await svcs.patch(ns, "a", { type: "merge", body: { metadata: { labels: { v: "2" } } } });
        await svcs.delete(ns, "b");
        await eventually("events", () => seen.length === 4);
        assert.deepEqual(seen, [`add ${ns}/a`, `add ${ns}/b`, `update ${ns}/a`, `delete ${ns}/b`]);
        assert.deepEqual(inf.lister.list(ns).map(objectKey), [`${ns}/a`]);
        assert.equal(inf.lister.get(ns, "a")?.metadata.labels?.v, "2");
        assert.ok(Object.isFrozen(inf.lister.get(ns, "a")?.metadata));
      },
    },
    {
      name: "a handler registered after sync gets a synthetic add per cached object",
      run: async () => {
        const { inf } = await setup(["a", "b"]);
        const late = record(inf);
        await eventually("late adds", () => late.length === 2);
        assert.ok(late.every((s) => s.startsWith("add ")));
      },
    },
    {
      name: "after the server ends a watch the informer re-watches from the last resourceVersion, without relisting",
      run: async () => {
        const { ns, inf, seen } = await setup(["a"]);
        const rv = inf.lastSyncResourceVersion;
        const path = `/api/v1/namespaces/${ns}/services`;
        const lists = tr.count({ method: "GET", path, watch: false });
        const watches = tr.count({ path, watch: true });
        tr.endWatches();
        await eventually("re-watch", () => tr.count({ path, watch: true }) === watches + 1);
        const again = tr.requests.filter((r) => r.path === path && r.watch).at(-1);
        assert.equal(new URLSearchParams(again?.query).get("resourceVersion"), rv);
        await svcs.create(makeService(ns, "b"));
        await eventually("add after re-watch", () => seen.length === 2);
        assert.deepEqual(seen, [`add ${ns}/a`, `add ${ns}/b`]);
        assert.equal(tr.count({ method: "GET", path, watch: false }), lists);
      },
    },
    {
      name: "a 410 on re-watch leads to a consistent relist whose differences are delivered exactly once",
      run: async () => {
        const { ns, inf, seen } = await setup(["a", "b", "c"]);
        const direct = coreClient(testTransport(t), "services");
        const path = `/api/v1/namespaces/${ns}/services`;
        const lists = tr.count({ method: "GET", path, watch: false });
        const watches = tr.count({ path, watch: true });
        tr.hold();
        tr.endWatches();
        await eventually("re-watch attempt", () => tr.count({ path, watch: true }) === watches + 1);
        // Meanwhile: a changes, b goes, d comes, and enough writes pass to push the old revision out of the window.
        await direct.patch(ns, "a", { type: "merge", body: { metadata: { labels: { v: "2" } } } });
        await direct.delete(ns, "b");
        await direct.create(makeService(ns, "d"));
        for (let i = 0; i < 6; i++) await direct.patch(ns, "d", { type: "merge", body: { metadata: { annotations: { n: String(i) } } } });
        tr.release();
        await eventually("relist", () => tr.count({ method: "GET", path, watch: false }) === lists + 1);
        await eventually("differences", () => seen.length === 6);
        await quiet();
        assert.deepEqual(seen.slice(3), [`add ${ns}/d`, `update ${ns}/a`, `tombstone ${ns}/b`]);
        const relist = tr.requests.filter((r) => r.method === "GET" && r.path === path && !r.watch).at(-1);
        assert.equal(new URLSearchParams(relist?.query).get("resourceVersion"), "", "relist after 410 is a consistent read");
        assert.deepEqual(inf.lister.list().map(objectKey), [`${ns}/a`, `${ns}/c`, `${ns}/d`]);
        assert.equal(inf.lister.get(ns, "d")?.metadata.annotations?.n, "5");
        // And the watch resumes from the relist.
        await svcs.delete(ns, "c");
        await eventually("delete after relist", () => seen.length === 7);
        assert.equal(seen[6], `delete ${ns}/c`);
      },
    },
    {
      name: "with a label selector, objects leaving the selection are deleted from the cache",
      run: async () => {
        const { ns, inf, seen } = await setup(["a", "b"], { labelSelector: "app in (a,b)" });
        await svcs.patch(ns, "b", { type: "merge", body: { metadata: { labels: { app: "other" } } } });
        await eventually("leave", () => seen.length === 3);
        assert.equal(seen[2], `delete ${ns}/b`);
        assert.deepEqual(inf.lister.list().map(objectKey), [`${ns}/a`]);
      },
    },
    {
      name: "an unregistered handler hears nothing more, and a throwing handler does not stop others",
      run: async () => {
        const errors: unknown[] = [];
        const { ns, inf, seen } = await setup(["a"], { onError: (e) => errors.push(e) });
        const off = inf.addEventHandler({ onAdd: () => assert.fail("boom") });
        await eventually("throwing handler ran", () => errors.length === 1);
        off();
        await svcs.create(makeService(ns, "b"));
        await eventually("others still hear", () => seen.length === 2);
        await quiet();
        assert.equal(errors.length, 1);
      },
    },
    {
      name: "list items get apiVersion and kind",
      run: async () => {
        const { inf } = await setup(["a"]);
        const a = inf.lister.list()[0] as KubeObject;
        assert.equal(a.apiVersion, "v1");
        assert.equal(a.kind, "Service");
      },
    },
  ];
  for (const c of cases) test(c.name, c.run);

  test("resync re-delivers every cached object as an update with old === new", async () => {
    const clock = new FakeClock();
    const { seen } = await setup(["a", "b"], { resyncMs: 60_000, clock });
    clock.advance(59_999);
    await quiet(10);
    assert.equal(seen.length, 2);
    clock.advance(1);
    await eventually("resync", () => seen.length === 4);
    assert.ok(seen.slice(2).every((s) => s.startsWith("resync ")));
  });

  test("waitForCacheSync answers false when its signal aborts first", async () => {
    const inf = new Informer(svcs);
    const ac = new AbortController();
    const p = inf.waitForCacheSync(ac.signal);
    ac.abort();
    assert.equal(await p, false);
    assert.equal(inf.hasSynced(), false);
  });

  test("an informer runs once", async () => {
    const inf = new Informer(svcs, { namespace: "default" });
    const ac = new AbortController();
    const first = inf.run(ac.signal);
    await assert.rejects(inf.run(ac.signal), /already started/);
    ac.abort();
    await first;
  });
});
