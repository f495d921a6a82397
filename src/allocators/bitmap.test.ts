import { test } from "node:test";
import assert from "node:assert/strict";
import { BitmapAllocator } from "./bitmap.js";
import type { RandomInt } from "./random.js";
import { seededRandomInt } from "./random.js";

/** A "random" source that always answers the same fraction of n, for exact expectations. */
const always =
  (pick: (n: number) => number): RandomInt =>
  (n) =>
    pick(n);
const first = always(() => 0);

test("allocate, has, release and counts", () => {
  const b = new BitmapAllocator(10);
  assert.equal(b.free(), 10);
  assert.equal(b.allocate(3), true);
  assert.equal(b.allocate(3), false, "second allocate of the same offset fails");
  assert.equal(b.has(3), true);
  assert.equal(b.has(4), false);
  assert.equal(b.used(), 1);
  assert.equal(b.free(), 9);
  assert.equal(b.release(3), true);
  assert.equal(b.release(3), false, "releasing a free offset is a no-op");
  assert.equal(b.free(), 10);
});

test("offsets outside the bitmap throw", async (t) => {
  const b = new BitmapAllocator(40);
  const cases: { name: string; run: () => unknown }[] = [
    { name: "negative", run: () => b.allocate(-1) },
    { name: "equal to size", run: () => b.allocate(40) },
    { name: "fraction", run: () => b.has(1.5) },
    { name: "release past the end", run: () => b.release(41) },
  ];
  for (const c of cases) await t.test(c.name, () => assert.throws(c.run, RangeError));
  await t.test("last offset in a second word works", () => assert.equal(b.allocate(39), true));
});

test("allocateNext prefers the dynamic band and falls back to the static band", async (t) => {
  const cases: { name: string; size: number; band: number; pre: number[]; random: RandomInt; want: number | undefined }[] = [
    { name: "start of the upper band", size: 20, band: 5, pre: [], random: first, want: 5 },
    { name: "random start within the upper band", size: 20, band: 5, pre: [], random: always((n) => n - 1), want: 19 },
    { name: "scans forward past taken", size: 20, band: 5, pre: [5, 6], random: first, want: 7 },
    { name: "wraps around inside the upper band", size: 20, band: 5, pre: [18, 19], random: always((n) => n - 2), want: 5 },
    {
      name: "upper band full: static band used",
      size: 8,
      band: 4,
      pre: [4, 5, 6, 7],
      random: always((n) => n - 1),
      want: 3,
    },
    { name: "no band: whole range is dynamic", size: 4, band: 0, pre: [], random: first, want: 0 },
    { name: "band clamped to size", size: 4, band: 99, pre: [], random: first, want: 0 },
    { name: "everything taken", size: 3, band: 1, pre: [0, 1, 2], random: first, want: undefined },
    { name: "empty bitmap", size: 0, band: 0, pre: [], random: first, want: undefined },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const b = new BitmapAllocator(c.size, { staticBand: c.band });
      for (const p of c.pre) b.allocate(p);
      const got = b.allocateNext(c.random);
      assert.equal(got, c.want);
      if (got !== undefined) assert.equal(b.has(got), true, "the returned offset is taken");
    });
  }
});

test("filling the range hands out every offset exactly once, upper band first", () => {
  const size = 254;
  const band = 16;
  const b = new BitmapAllocator(size, { staticBand: band });
  const random = seededRandomInt(7);
  const order: number[] = [];
  for (;;) {
    const next = b.allocateNext(random);
    if (next === undefined) break;
    order.push(next);
  }
  assert.equal(order.length, size);
  assert.equal(new Set(order).size, size);
  assert.ok(order.slice(0, size - band).every((o) => o >= band), "the dynamic band is used up first");
  assert.ok(order.slice(size - band).every((o) => o < band), "the static band comes last");
  assert.equal(b.free(), 0);
  assert.deepEqual([...b.taken()].length, size);
  b.release(100);
  assert.equal(b.allocateNext(random), 100, "a released offset is found again");
});
