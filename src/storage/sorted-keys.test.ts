import assert from "node:assert/strict";
import { test } from "node:test";
import { compareKeys } from "./key-range.js";
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

test("SortedKeys agrees with a plainly sorted array through thousands of adds and removes", () => {
  const keys = new SortedKeys();
  const model = new Set<string>();
  let seed = 11;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const prefixes = ["/r/pods/default/", "/r/pods/kube-system/", "/r/nodes/", "/r/events/default/"];
  const check = (step: number): void => {
    const sorted = [...model].sort(compareKeys);
    assert.equal(keys.size, sorted.length, `size at step ${step}`);
    for (const p of ["", ...prefixes, "/r/pods/"]) assert.deepEqual(keys.withPrefix(p), sorted.filter((k) => k.startsWith(p)), `prefix ${p} at step ${step}`);
  };
  for (let step = 0; step < 6000; step++) {
    const key = `${prefixes[next(prefixes.length)]}k${next(2500)}`;
    if (next(4) === 0) {
      keys.remove(key);
      model.delete(key);
    } else {
      keys.add(key);
      model.add(key);
    }
    if (step % 1500 === 0) check(step);
  }
  check(6000);
  keys.reset(["/b", "/a", "/c"]);
  assert.deepEqual(keys.withPrefix("/"), ["/a", "/b", "/c"]);
  for (const k of [...model]) keys.remove(k);
  assert.equal(keys.size, 3);
});
