import { test } from "node:test";
import assert from "node:assert/strict";
import { mathRandomInt, seededRandomInt } from "./random.js";

test("seededRandomInt is deterministic and in range", () => {
  const a = seededRandomInt(42);
  const b = seededRandomInt(42);
  const xs = Array.from({ length: 1000 }, () => a(7));
  const ys = Array.from({ length: 1000 }, () => b(7));
  assert.deepEqual(xs, ys);
  assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0 && x < 7));
  assert.equal(new Set(xs).size, 7, "every value of a small range shows up");
});

test("mathRandomInt stays in range", () => {
  for (let i = 0; i < 1000; i++) {
    const x = mathRandomInt(3);
    assert.ok(x >= 0 && x < 3);
  }
});
