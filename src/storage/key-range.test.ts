import assert from "node:assert/strict";
import { test } from "node:test";
import { compareKeys, prefixEnd, rangeStart } from "./key-range.js";

test("compareKeys orders by code point (UTF-8 byte order)", async (t) => {
  const cases: { name: string; a: string; b: string; sign: number }[] = [
    { name: "ascii", a: "/a", b: "/b", sign: -1 },
    { name: "prefix first", a: "/a", b: "/a/", sign: -1 },
    { name: "equal", a: "/x", b: "/x", sign: 0 },
    { name: "astral after U+FFFD (UTF-16 would say before)", a: "\uFFFD", b: "\u{1F600}", sign: -1 },
    { name: "astral vs astral", a: "\u{1F600}", b: "\u{1F601}", sign: -1 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(Math.sign(compareKeys(c.a, c.b)), c.sign);
      assert.equal(Math.sign(Buffer.compare(Buffer.from(c.a), Buffer.from(c.b))), c.sign, "agrees with UTF-8 bytes");
    });
  }
});

test("prefixEnd", async (t) => {
  const cases: { name: string; prefix: string; want: string | undefined }[] = [
    { name: "ascii", prefix: "/a/", want: "/a0" },
    { name: "empty", prefix: "", want: undefined },
    { name: "before the surrogate block", prefix: "a\uD7FF", want: "a\uE000" },
    { name: "max code point carries", prefix: "a\u{10FFFF}", want: "b" },
    { name: "only max code points", prefix: "\u{10FFFF}", want: undefined },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(prefixEnd(c.prefix), c.want));
});

test("rangeStart", () => {
  assert.equal(rangeStart("/p/", undefined), "/p/");
  assert.equal(rangeStart("/p/", "/a"), "/p/");
  assert.equal(rangeStart("/p/", "/p/3"), "/p/3");
});
