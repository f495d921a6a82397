import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesPrefixEnd, etcdErrorKind, eventFromEtcd } from "./etcd-codec.js";

test("bytesPrefixEnd", async (t) => {
  const cases: { name: string; prefix: number[]; want: number[] }[] = [
    { name: "ascii", prefix: [0x2f, 0x61], want: [0x2f, 0x62] },
    { name: "trailing 0xff carries", prefix: [0x61, 0xff, 0xff], want: [0x62] },
    { name: "empty: every key", prefix: [], want: [0] },
    { name: "all 0xff: every key", prefix: [0xff], want: [0] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepEqual([...bytesPrefixEnd(Buffer.from(c.prefix))], c.want));
  }
});

test("etcdErrorKind", async (t) => {
  const cases: { name: string; err: unknown; want: string | undefined }[] = [
    { name: "compacted", err: new Error("etcdserver: mvcc: required revision has been compacted"), want: "compacted" },
    { name: "future", err: new Error("etcdserver: mvcc: required revision is a future revision"), want: "future" },
    { name: "other", err: new Error("14 UNAVAILABLE"), want: undefined },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(etcdErrorKind(c.err), c.want));
});

test("eventFromEtcd strips the key prefix and fills delete events from prev_kv", () => {
  const kv = (key: string, value: string, create: number, mod: number) => ({
    key: Buffer.from(key),
    value: Buffer.from(value),
    create_revision: String(create),
    mod_revision: String(mod),
    version: "1",
    lease: "0",
  });
  const del = eventFromEtcd({ type: "Delete", kv: kv("/p/a", "", 0, 9), prev_kv: kv("/p/a", "old", 3, 5) }, "/p");
  assert.deepEqual(del, {
    type: "delete",
    kv: { key: "/a", value: "old", createRevision: 3, modRevision: 9 },
    prevKv: { key: "/a", value: "old", createRevision: 3, modRevision: 5 },
    revision: 9,
  });
  const put = eventFromEtcd({ type: "Put", kv: kv("/p/a", "new", 3, 4) } as never, "/p");
  assert.deepEqual(put, { type: "put", kv: { key: "/a", value: "new", createRevision: 3, modRevision: 4 }, revision: 4 });
});
