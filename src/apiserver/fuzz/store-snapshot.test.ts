import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore } from "../../storage/memory-store.js";
import { isScratch, keyParts, snapshotChanges, snapshotStore } from "./store-snapshot.js";

test("keyParts and isScratch", () => {
  assert.deepEqual(keyParts("/registry/core/pods/ns/p"), { resource: "pods.core", namespace: "ns", name: "p" });
  assert.deepEqual(keyParts("/registry/core/nodes/n"), { resource: "nodes.core", namespace: undefined, name: "n" });
  const cases: [string, string, boolean][] = [
    ["/registry/core/pods/scratch/p", "{}", true],
    ["/registry/core/pods/fixed/p", "{}", false],
    ["/registry/core/nodes/scratch-s", "{}", true],
    ["/registry/core/nodes/fixed", "{}", false],
    ["/registry/svcnet.io/clusterips/10.0.0.9", '{"namespace":"scratch","name":"s"}', true],
    ["/registry/svcnet.io/clusterips/10.0.0.1", '{"namespace":"default","name":"kubernetes"}', false],
  ];
  for (const [key, value, want] of cases) assert.equal(isScratch(key, value, "scratch"), want, key);
});

test("snapshotChanges: rewritten, deleted, and created in the protected namespace", async () => {
  const store = new MemoryStore();
  await store.create("/registry/core/configmaps/fixed/a", "1");
  await store.create("/registry/core/configmaps/fixed/b", "2");
  await store.create("/registry/core/configmaps/scratch/s", "3");
  const before = await snapshotStore(store, "scratch");
  assert.deepEqual([...before.keys()], ["/registry/core/configmaps/fixed/a", "/registry/core/configmaps/fixed/b"]);
  assert.deepEqual(snapshotChanges(before, await snapshotStore(store, "scratch"), "fixed"), []);
  const a = await store.get("/registry/core/configmaps/fixed/a");
  await store.update("/registry/core/configmaps/fixed/a", "1!", a?.modRevision ?? 0);
  await store.delete("/registry/core/configmaps/fixed/b");
  await store.create("/registry/core/configmaps/fixed/c", "new");
  await store.create("/registry/core/configmaps/other/d", "elsewhere");
  await store.delete("/registry/core/configmaps/scratch/s");
  const changes = snapshotChanges(before, await snapshotStore(store, "scratch"), "fixed");
  assert.deepEqual(changes.map((c) => c.split("\n")[0]), [
    "changed: /registry/core/configmaps/fixed/a",
    "deleted: /registry/core/configmaps/fixed/b",
    "created in the protected namespace: /registry/core/configmaps/fixed/c",
  ]);
});
