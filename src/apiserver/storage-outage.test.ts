// The API server while its store is unavailable (as when etcd lost quorum), in process: writes and
// quorum reads answer 503 with the store's reason, reads from the watch cache (resourceVersion=0)
// and watches keep working, /readyz fails while /livez does not, and when the store is back
// writes work again and a watch opened before the outage sees them.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { KubeList, KubeObject, Status } from "../api/types.js";
import { buildRegistry } from "../registry/build-registry.js";
import { MemoryStore } from "../storage/memory-store.js";
import { StoreUnavailableError } from "../storage/store-errors.js";
import type { KeyValue, ListOptions, ListResult, Store, StoreEvent } from "../storage/store.js";
import { WatchCache } from "../storage/watch-cache.js";
import { ApiServer } from "./api-server.js";
import type { ApiRequest, ApiResponse } from "./request.js";

/** A MemoryStore that can be made unavailable: every call then fails, and open watches end with the same error. */
class OutageStore implements Store {
  readonly inner = new MemoryStore();
  #down = false;
  #watches = new Set<AbortController>();

  set down(down: boolean) {
    this.#down = down;
    if (down) for (const w of this.#watches) w.abort();
  }

  #check(): void {
    if (this.#down) throw new StoreUnavailableError("no-leader", [{ endpoint: "10.9.9.1:2379", reason: "etcdserver: no leader" }], 3);
  }

  get = async (key: string): Promise<KeyValue | undefined> => (this.#check(), this.inner.get(key));
  list = async (prefix: string, o?: ListOptions): Promise<ListResult> => (this.#check(), this.inner.list(prefix, o));
  create = async (key: string, value: string): Promise<KeyValue> => (this.#check(), this.inner.create(key, value));
  update = async (key: string, value: string, rev: number): Promise<KeyValue> => (this.#check(), this.inner.update(key, value, rev));
  delete = async (key: string, rev?: number): Promise<KeyValue> => (this.#check(), this.inner.delete(key, rev));
  currentRevision = async (): Promise<number> => (this.#check(), this.inner.currentRevision());
  compact = async (revision: number): Promise<void> => (this.#check(), this.inner.compact(revision));
  compactedRevision = async (): Promise<number> => (this.#check(), this.inner.compactedRevision());
  close = (): Promise<void> => this.inner.close();

  async *watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    this.#check();
    const local = new AbortController();
    const stop = (): void => local.abort();
    signal.addEventListener("abort", stop, { once: true });
    this.#watches.add(local);
    try {
      yield* this.inner.watch(prefix, fromRevision, local.signal);
      if (!signal.aborted) this.#check();
    } finally {
      this.#watches.delete(local);
      signal.removeEventListener("abort", stop);
    }
  }
}

const token = "outage-test-token";
const configMaps = "/api/v1/namespaces/default/configmaps";

describe("the API server while its storage is unavailable", () => {
  const store = new OutageStore();
  const stop = new AbortController();
  let api: ApiServer;
  let watchEvents: { type: string; object: KubeObject }[] = [];
  let beforeRv = "";

  const request = (method: string, path: string, body?: unknown, contentType = "application/json", signal?: AbortSignal): Promise<ApiResponse> => {
    const url = new URL(path, "https://svcnet.test");
    const headers: ApiRequest["headers"] = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers["content-type"] = contentType;
    const raw = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    return api.inject({ method, path: url.pathname, query: url.searchParams, headers, body: raw, signal });
  };
  const json = <T>(res: ApiResponse): T => JSON.parse(String(res.body)) as T;
  const configMap = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { k: "v" } });

  /** Reads a watch stream's events into `sink` until the stream ends. */
  const collect = async (res: ApiResponse, sink: { type: string; object: KubeObject }[]): Promise<void> => {
    let buffer = "";
    for await (const chunk of res.stream ?? []) {
      buffer += chunk;
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        sink.push(JSON.parse(buffer.slice(0, i)) as { type: string; object: KubeObject });
        buffer = buffer.slice(i + 1);
      }
    }
  };
  const waitFor = async (what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await ok())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  before(async () => {
    const cache = new WatchCache(store, { prefix: "/registry/", retryDelayMs: 20 });
    void cache.start(stop.signal);
    await cache.ready;
    const { registry } = buildRegistry({ store, cache, serviceCIDR: "10.0.0.0/24", nodePortRange: "30000-32767" });
    api = new ApiServer({ registry, tokens: new Map([[token, { name: "admin", groups: ["system:masters"] }]]), serverAddress: "10.9.9.9:6443" });
    assert.equal((await request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } })).status, 201);
    const created = await request("POST", configMaps, configMap("before"));
    assert.equal(created.status, 201, String(created.body));
    beforeRv = json<KubeObject>(created).metadata.resourceVersion ?? "";
    const watch = await request("GET", `${configMaps}?watch=1&resourceVersion=${beforeRv}`, undefined, undefined, stop.signal);
    void collect(watch, watchEvents);
    store.down = true;
  });
  after(() => stop.abort());

  test("writes and quorum reads answer 503 ServiceUnavailable with the store's reason", async () => {
    const patch = { data: { k: "w" } };
    const cases: { name: string; method: string; path: string; body?: unknown; contentType?: string }[] = [
      { name: "create", method: "POST", path: configMaps, body: configMap("during") },
      { name: "update", method: "PUT", path: `${configMaps}/before`, body: configMap("before") },
      { name: "patch", method: "PATCH", path: `${configMaps}/before`, body: patch, contentType: "application/merge-patch+json" },
      { name: "delete", method: "DELETE", path: `${configMaps}/before` },
      { name: "get, latest", method: "GET", path: `${configMaps}/before` },
      { name: "list, latest (consistent: needs etcd's current revision)", method: "GET", path: configMaps },
    ];
    for (const c of cases) {
      const res = await request(c.method, c.path, c.body, c.contentType);
      assert.equal(res.status, 503, `${c.name}: ${String(res.body)}`);
      const status = json<Status>(res);
      assert.equal(status.reason, "ServiceUnavailable", c.name);
      assert.equal(status.message, "storage unavailable: etcd has no leader (fewer than a majority of its members are up and connected) [10.9.9.1:2379: etcdserver: no leader]", c.name);
      assert.equal(res.headers["retry-after"], undefined, c.name);
    }
  });

  test("reads from the watch cache keep working: get and list with resourceVersion=0, new watches", async () => {
    const got = await request("GET", `${configMaps}/before?resourceVersion=0`);
    assert.equal(got.status, 200, String(got.body));
    assert.equal(json<KubeObject>(got).metadata.name, "before");
    const missing = await request("GET", `${configMaps}/nope?resourceVersion=0`);
    assert.equal(missing.status, 404);
    const list = await request("GET", `${configMaps}?resourceVersion=0`);
    assert.equal(list.status, 200, String(list.body));
    assert.deepEqual(json<KubeList>(list).items.map((o) => o.metadata.name), ["before"]);
    const watch = await request("GET", `${configMaps}?watch=1&resourceVersion=${beforeRv}`, undefined, undefined, AbortSignal.timeout(200));
    assert.equal(watch.status, 200);
  });

  test("/readyz reports the storage failing, /livez stays ok", async () => {
    const ready = await request("GET", "/readyz");
    assert.equal(ready.status, 503);
    assert.match(String(ready.body), /^\[\+\]ping ok\n\[-\]etcd failed: reason withheld\n.*readyz check failed\n$/s);
    const live = await request("GET", "/livez");
    assert.equal(live.status, 200);
  });

  test("when the store is back, writes work again and a watch opened before the outage sees them", async () => {
    store.down = false;
    const created = await request("POST", configMaps, configMap("after"));
    assert.equal(created.status, 201, String(created.body));
    await waitFor("the watch to deliver the create", () => watchEvents.some((e) => e.type === "ADDED" && e.object.metadata.name === "after"));
    assert.deepEqual(
      watchEvents.filter((e) => e.type !== "BOOKMARK").map((e) => `${e.type} ${e.object.metadata.name}`),
      ["ADDED after"],
    );
    await waitFor("/readyz ok", async () => (await request("GET", "/readyz")).status === 200);
    watchEvents = [];
  });
});
