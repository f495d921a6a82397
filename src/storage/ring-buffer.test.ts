import assert from "node:assert/strict";
import { test } from "node:test";
import { RingBuffer } from "./ring-buffer.js";

const contents = (ring: RingBuffer<number>): number[] => Array.from({ length: ring.length }, (_, i) => ring.at(i) as number);

test("RingBuffer", async (t) => {
  const cases: { name: string; capacity: number; pushes: number[]; want: number[]; evicted: (number | undefined)[] }[] = [
    { name: "below capacity", capacity: 3, pushes: [1, 2], want: [1, 2], evicted: [undefined, undefined] },
    { name: "exactly full", capacity: 3, pushes: [1, 2, 3], want: [1, 2, 3], evicted: [undefined, undefined, undefined] },
    { name: "wraps and evicts oldest", capacity: 3, pushes: [1, 2, 3, 4, 5], want: [3, 4, 5], evicted: [undefined, undefined, undefined, 1, 2] },
    { name: "capacity one", capacity: 1, pushes: [7, 8], want: [8], evicted: [undefined, 7] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const ring = new RingBuffer<number>(c.capacity);
      assert.deepEqual(c.pushes.map((n) => ring.push(n)), c.evicted);
      assert.deepEqual(contents(ring), c.want);
      assert.equal(ring.at(-1), undefined);
      assert.equal(ring.at(ring.length), undefined);
    });
  }
});

test("RingBuffer.findFirst binary-searches a wrapped buffer", () => {
  const ring = new RingBuffer<number>(4);
  for (const n of [10, 20, 30, 40, 50, 60]) ring.push(n);
  const cases: [number, number][] = [
    [0, 0],
    [30, 0],
    [35, 1],
    [60, 3],
    [61, 4],
  ];
  for (const [min, want] of cases) assert.equal(ring.findFirst((n) => n >= min), want, `>= ${min}`);
  ring.clear();
  assert.equal(ring.length, 0);
  assert.equal(ring.findFirst(() => true), 0);
});

test("RingBuffer rejects a bad capacity", () => {
  assert.throws(() => new RingBuffer(0), RangeError);
});
