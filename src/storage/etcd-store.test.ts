import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { EtcdStore } from "./etcd-store.js";
import type { EtcdTestServer } from "./etcd-test-server.js";
import { startEtcd } from "./etcd-test-server.js";
import { runStoreContract, takeEvents } from "./store-contract.js";
import { StoreClosedError, StoreUnavailableError } from "./store-errors.js";

// etcd compaction is cluster-wide, so each contract test gets its own etcd (about 0.5 s each).
runStoreContract("EtcdStore", async () => {
  const server = await startEtcd();
  const store = await EtcdStore.connect({ endpoints: server.endpoints, keyPrefix: "/contract" });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await server.stop();
    },
  };
});

let shared: EtcdTestServer;
before(async () => {
  shared = await startEtcd();
});
after(() => shared?.stop());

test("EtcdStore: key prefixes isolate stores sharing one etcd", async () => {
  const one = await EtcdStore.connect({ endpoints: shared.endpoints, keyPrefix: "/one" });
  const two = await EtcdStore.connect({ endpoints: shared.endpoints, keyPrefix: "/two" });
  try {
    const start = await one.currentRevision();
    await one.create("/k", "from one");
    await two.create("/k", "from two");
    assert.equal((await one.get("/k"))?.value, "from one");
    assert.equal((await two.get("/k"))?.value, "from two");
    assert.deepEqual((await one.list("/")).items.map((kv) => kv.key), ["/k"]);
    const events = await takeEvents(one, { prefix: "/", fromRevision: start, count: 2 }, { timeoutMs: 500 });
    assert.deepEqual(events.map((e) => e.kv.value), ["from one"]);
  } finally {
    await one.close();
    await two.close();
  }
});

test("EtcdStore: close ends open watches with StoreClosedError", async () => {
  const store = await EtcdStore.connect({ endpoints: shared.endpoints, keyPrefix: "/close" });
  const watching = (async () => {
    for await (const _ of store.watch("/", 0, new AbortController().signal)) {
      // none expected
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 200));
  await store.close();
  await assert.rejects(watching, StoreClosedError);
  await assert.rejects(store.get("/a"), StoreClosedError);
});

test("EtcdStore.connect fails when nothing listens", async () => {
  await assert.rejects(EtcdStore.connect({ endpoints: ["http://127.0.0.1:1"], callTimeoutMs: 1000 }));
});

test("EtcdStore: calls go to a live member when another is gone, and stick to it", async () => {
  // Port 1 on loopback refuses connections: a member that died.
  const store = new EtcdStore({ endpoints: ["http://127.0.0.1:1", ...shared.endpoints], keyPrefix: "/failover" });
  try {
    for (let i = 0; i < 5; i++) await store.create(`/k${i}`, "v");
    assert.equal((await store.list("/")).items.length, 5);
  } finally {
    await store.close();
  }
});

test("EtcdStore: with no member reachable a call fails at once with StoreUnavailableError naming each member", async () => {
  const store = new EtcdStore({ endpoints: ["http://127.0.0.1:1", "http://127.0.0.1:2"], leaderWaitMs: 300 });
  try {
    const started = Date.now();
    const err = await store.create("/k", "v").then(
      () => assert.fail("the write succeeded"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StoreUnavailableError, String(err));
    assert.equal(err.kind, "unreachable");
    assert.match(err.message, /^storage unavailable: no etcd member could be reached \[127\.0\.0\.1:1: connection refused; 127\.0\.0\.1:2: connection refused\]$/);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  } finally {
    await store.close();
  }
});
