import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore } from "../storage/memory-store.js";
import { PortRange } from "./port-range.js";
import { seededRandomInt } from "./random.js";
import type { PoolOwner } from "./store-pool.js";
import { decodeOwner, encodeOwner, sameOwner, StorePool } from "./store-pool.js";

const a: PoolOwner = { namespace: "default", name: "a", uid: "ua" };
const b: PoolOwner = { namespace: "default", name: "b", uid: "ub" };

function portPool(store: MemoryStore, range = "30000-30039"): StorePool {
  const r = new PortRange(range);
  return new StorePool({
    store,
    prefix: "/test/ports/",
    size: r.size,
    staticBand: r.staticBand,
    itemAt: (o) => String(r.portAt(o)),
    offsetOf: (p) => r.offsetOf(Number(p)),
    random: seededRandomInt(1),
  });
}

test("owner encoding and matching", async (t) => {
  await t.test("round trip", () => assert.deepEqual(decodeOwner(encodeOwner(a)), a));
  await t.test("uid omitted when empty", () => assert.equal(encodeOwner({ namespace: "n", name: "x" }), '{"namespace":"n","name":"x"}'));
  await t.test("garbage", () => assert.equal(decodeOwner("not json"), undefined));
  await t.test("wrong shape", () => assert.equal(decodeOwner('{"name":1}'), undefined));
  await t.test("same uid", () => assert.ok(sameOwner(a, { ...a, name: "renamed" })));
  await t.test("different uid same name", () => assert.ok(!sameOwner(a, { ...a, uid: "other" })));
  await t.test("no uid falls back to name", () => assert.ok(sameOwner({ namespace: "default", name: "a" }, a)));
});

test("reserve, get and release", async () => {
  const store = new MemoryStore();
  try {
    const pool = portPool(store);
    assert.equal(await pool.reserve("30010", a), true);
    assert.equal(await pool.reserve("30010", b), false, "second reserve of the same item fails");
    assert.deepEqual((await pool.get("30010"))?.owner, a);
    assert.equal(await pool.release("30010", b), false, "someone else's item is not released");
    assert.ok(await pool.get("30010"));
    assert.equal(await pool.release("30010", a), true);
    assert.equal(await pool.get("30010"), undefined);
    assert.equal(await pool.release("30010", a), false, "releasing a free item is a no-op");
  } finally {
    await store.close();
  }
});

test("deleteEntry and setOwner refuse a changed entry", async () => {
  const store = new MemoryStore();
  try {
    const pool = portPool(store);
    await pool.reserve("30001", a);
    const seen = await pool.get("30001");
    assert.ok(seen);
    assert.equal(await pool.setOwner(seen, b), true);
    assert.equal(await pool.deleteEntry(seen), false, "the entry moved on since it was read");
    assert.deepEqual((await pool.get("30001"))?.owner, b);
  } finally {
    await store.close();
  }
});

test("reserveNext uses the dynamic band first, then the static band, then reports full", async () => {
  const store = new MemoryStore();
  try {
    const pool = portPool(store); // 40 ports, static band 16: 30000-30015
    const got: number[] = [];
    for (let i = 0; i < 40; i++) {
      const item = await pool.reserveNext(a);
      assert.ok(item !== undefined, `allocation ${i} succeeds`);
      got.push(Number(item));
    }
    assert.equal(new Set(got).size, 40);
    assert.ok(got.slice(0, 24).every((p) => p >= 30016), "dynamic band first");
    assert.ok(got.slice(24).every((p) => p < 30016), "static band last");
    assert.equal(await pool.reserveNext(a), undefined);
    assert.equal((await pool.entries()).length, 40);
  } finally {
    await store.close();
  }
});

test("reserveNext dry run and exclusions write nothing", async () => {
  const store = new MemoryStore();
  try {
    const pool = portPool(store, "30000-30001");
    const picked = await pool.reserveNext(a, { dryRun: true, exclude: new Set(["30000"]) });
    assert.equal(picked, "30001");
    assert.equal((await pool.entries()).length, 0);
    assert.equal(await pool.reserveNext(a, { dryRun: true, exclude: new Set(["30000", "30001"]) }), undefined);
  } finally {
    await store.close();
  }
});

test("entries pages through more than one list page and keeps out-of-range keys", async () => {
  const store = new MemoryStore();
  try {
    const pool = portPool(store, "30000-32767");
    for (let p = 30000; p < 32500; p++) await pool.reserve(String(p), a);
    await store.create("/test/ports/20000", encodeOwner(b));
    const entries = await pool.entries();
    assert.equal(entries.length, 2501);
    assert.equal(new Set(entries.map((e) => e.item)).size, 2501);
    const next = await pool.reserveNext(a);
    assert.ok(next !== undefined && Number(next) >= 32500, "only the free tail is left");
  } finally {
    await store.close();
  }
});
