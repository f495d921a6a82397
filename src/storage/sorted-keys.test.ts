import assert from "node:assert/strict";
import { test } from "node:test";
import { SortedKeys } from "./sorted-keys.js";

test("SortedKeys prefix scans respect boundaries", async (t) => {
  const keys = new SortedKeys();
  for (const key of ["/a/b/2", "/a/bc/1", "/a/b/1", "/a/b", "/b/1", "/a/b/1", "/a/\u{1F600}", "/a/\uFFFD"]) keys.add(key);
  const cases: { name: string; prefix: string; want: string[] }[] = [
    { name: "directory", prefix: "/a/b/", want: ["/a/b/1", "/a/b/2"] },
    { name: "bare prefix", prefix: "/a/b", want: ["/a/b", "/a/b/1", "/a/b/2", "/a/bc/1"] },
    { name: "code point order", prefix: "/a/", want: ["/a/b", "/a/b/1", "/a/b/2", "/a/bc/1", "/a/\uFFFD", "/a/\u{1F600}"] },
    { name: "none", prefix: "/c", want: [] },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(keys.withPrefix(c.prefix), c.want));
  keys.remove("/a/b/1");
  keys.remove("/missing");
  assert.deepEqual(keys.withPrefix("/a/b/"), ["/a/b/2"]);
  assert.equal(keys.size, 6);
});
