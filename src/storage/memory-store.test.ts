import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryStore } from "./memory-store.js";
import { runStoreContract } from "./store-contract.js";
import { StoreClosedError } from "./store-errors.js";

runStoreContract("MemoryStore", async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});

test("MemoryStore: returned values are frozen", async () => {
  const store = new MemoryStore();
  const kv = await store.create("/a", "1");
  assert.ok(Object.isFrozen(kv));
  assert.ok(Object.isFrozen(await store.get("/a")));
  await store.close();
});

test("MemoryStore: close fails open watches and later calls", async () => {
  const store = new MemoryStore();
  const watching = (async () => {
    for await (const _ of store.watch("/", 0, new AbortController().signal)) {
      // no events expected
    }
  })();
  await new Promise((resolve) => setImmediate(resolve));
  await store.close();
  await assert.rejects(watching, StoreClosedError);
  await assert.rejects(store.get("/a"), StoreClosedError);
});
