import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { SqliteStore } from "./sqlite-store.js";
import { runStoreContract } from "./store-contract.js";
import { StoreClosedError } from "./store-errors.js";

const root = mkdtempSync(join(tmpdir(), "svcnet-sqlite-test-"));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshFile = (): string => join(root, `store-${++counter}.db`);

runStoreContract("SqliteStore", async () => {
  const store = SqliteStore.open(freshFile(), { autoCompact: false });
  return { store, cleanup: () => store.close() };
});

test("SqliteStore: data, revisions and compaction survive reopening", async () => {
  const file = freshFile();
  const first = SqliteStore.open(file, { autoCompact: false });
  const a = await first.create("/a", "1");
  const a2 = await first.update("/a", "2", a.modRevision);
  const b = await first.create("/b", "1");
  await first.delete("/b");
  await first.compact(a2.modRevision);
  const revision = await first.currentRevision();
  await first.close();

  const second = SqliteStore.open(file, { autoCompact: false });
  try {
    assert.equal(await second.currentRevision(), revision);
    assert.equal(await second.compactedRevision(), a2.modRevision);
    assert.deepEqual((await second.list("/")).items, [a2]);
    assert.deepEqual((await second.list("/", { revision: b.modRevision })).items, [a2, b]);
    const next = await second.create("/c", "1");
    assert.equal(next.modRevision, revision + 1, "the counter continues");
  } finally {
    await second.close();
  }
});

test("SqliteStore: compacting everything keeps the revision counter", async () => {
  const store = SqliteStore.open(freshFile(), { autoCompact: false });
  try {
    const a = await store.create("/a", "1");
    await store.delete("/a");
    const revision = await store.currentRevision();
    await store.compact(revision);
    const b = await store.create("/b", "1");
    assert.equal(b.modRevision, revision + 1);
    assert.ok(b.modRevision > a.modRevision);
  } finally {
    await store.close();
  }
});

test("SqliteStore: close commits writes already accepted, then refuses calls", async () => {
  const store = SqliteStore.open(freshFile(), { autoCompact: false });
  const pending = store.create("/a", "1");
  await store.close();
  assert.equal((await pending).value, "1");
  await assert.rejects(store.get("/a"), StoreClosedError);
  await assert.rejects(store.create("/b", "1"), StoreClosedError);
});

test("SqliteStore: auto-compaction by revisions", async () => {
  const store = SqliteStore.open(freshFile(), { autoCompact: { everyMs: 20, retainRevisions: 5 } });
  try {
    for (let i = 0; i < 20; i++) await store.create(`/k/${i}`, "v");
    const deadline = Date.now() + 3000;
    while ((await store.compactedRevision()) !== 15 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(await store.compactedRevision(), 15);
  } finally {
    await store.close();
  }
});
