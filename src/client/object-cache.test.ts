import { test } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject } from "../api/types.js";
import { ObjectCache } from "./object-cache.js";
import { DeletedFinalStateUnknown, keyOf, objectKey, objectOf, splitObjectKey } from "./object-key.js";

function pod(ns: string, name: string, node: string, labels: Record<string, string> = {}): KubeObject {
  return { metadata: { namespace: ns, name, labels }, spec: { nodeName: node } };
}
const byNode = (o: KubeObject): string[] => {
  const n = (o.spec as { nodeName?: string } | undefined)?.nodeName;
  return n ? [n] : [];
};

type Op = { upsert: KubeObject } | { remove: string };
const names = (objs: KubeObject[]): string[] => objs.map(objectKey);

const cases: { name: string; ops: Op[]; indexFirst?: boolean; check: (c: ObjectCache) => void }[] = [
  {
    name: "get by namespace and name, and by key",
    ops: [{ upsert: pod("a", "p1", "n1") }, { upsert: { metadata: { name: "node-1" } } }],
    check: (c) => {
      assert.equal(c.get("a", "p1")?.metadata.name, "p1");
      assert.equal(c.getByKey("node-1")?.metadata.name, "node-1");
      assert.equal(c.get(undefined, "node-1")?.metadata.name, "node-1");
      assert.equal(c.get("b", "p1"), undefined);
      assert.equal(c.size, 2);
    },
  },
  {
    name: "list by namespace and label selector, in key order",
    ops: [{ upsert: pod("b", "z", "n1", { app: "web" }) }, { upsert: pod("a", "y", "n1", { app: "web" }) }, { upsert: pod("a", "x", "n2", { app: "db" }) }],
    check: (c) => {
      assert.deepEqual(names(c.list()), ["a/x", "a/y", "b/z"]);
      assert.deepEqual(names(c.list("a")), ["a/x", "a/y"]);
      assert.deepEqual(names(c.list(undefined, "app=web")), ["a/y", "b/z"]);
      assert.deepEqual(names(c.list("a", "app in (db),!missing")), ["a/x"]);
    },
  },
  {
    name: "an index follows updates and removals",
    ops: [{ upsert: pod("a", "p1", "n1") }, { upsert: pod("a", "p2", "n1") }, { upsert: pod("a", "p1", "n2") }, { remove: "a/p2" }],
    check: (c) => {
      assert.deepEqual(names(c.byIndex("byNode", "n1")), []);
      assert.deepEqual(names(c.byIndex("byNode", "n2")), ["a/p1"]);
    },
  },
  {
    name: "an index added after objects files the existing ones",
    ops: [{ upsert: pod("a", "p1", "n1") }, { upsert: pod("a", "p2", "n3") }],
    indexFirst: false,
    check: (c) => assert.deepEqual(names(c.byIndex("byNode", "n3")), ["a/p2"]),
  },
  {
    name: "objects handed out are frozen, deeply",
    ops: [{ upsert: pod("a", "p1", "n1", { app: "x" }) }],
    check: (c) => {
      const p = c.get("a", "p1") as KubeObject;
      assert.throws(() => {
        (p.metadata.labels as Record<string, string>).app = "y";
      }, TypeError);
      assert.throws(() => {
        p.metadata.name = "q";
      }, TypeError);
    },
  },
  {
    name: "removing an unknown key is a no-op",
    ops: [{ remove: "a/none" }],
    check: (c) => assert.equal(c.size, 0),
  },
];

for (const c of cases) {
  test(c.name, () => {
    const cache = new ObjectCache();
    if (c.indexFirst !== false) cache.addIndex("byNode", byNode);
    for (const op of c.ops) {
      if ("upsert" in op) cache.upsert(op.upsert);
      else cache.remove(op.remove);
    }
    if (c.indexFirst === false) cache.addIndex("byNode", byNode);
    c.check(cache);
  });
}

test("unknown and duplicate indexes are errors", () => {
  const c = new ObjectCache();
  assert.throws(() => c.byIndex("nope", "x"), /does not exist/);
  c.addIndex("i", () => []);
  assert.throws(() => c.addIndex("i", () => []), /already exists/);
});

test("keys split and tombstones unwrap", () => {
  const cases: { key: string; want: { namespace?: string; name: string } }[] = [
    { key: "default/web", want: { namespace: "default", name: "web" } },
    { key: "core-v2-01", want: { name: "core-v2-01" } },
  ];
  for (const k of cases) assert.deepEqual(splitObjectKey(k.key), k.want, k.key);
  const last = pod("a", "gone", "n1");
  const ts = new DeletedFinalStateUnknown("a/gone", last);
  assert.equal(objectOf(ts), last);
  assert.equal(keyOf(ts), "a/gone");
  assert.equal(keyOf(last), "a/gone");
});
