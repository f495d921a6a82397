import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamPairs } from "./stream-pairs.js";

test("streams pair by request id in either order; a duplicate is named; take() forgets", async (t) => {
  await t.test("error first, then data (kubectl's order)", () => {
    const pairs = new StreamPairs<string>();
    assert.deepEqual(pairs.add("0", "error", "e0"), { waiting: true, first: true });
    assert.equal(pairs.errorStreamOf("0"), "e0");
    assert.deepEqual(pairs.add("0", "data", "d0"), { complete: { error: "e0", data: "d0" } });
    assert.equal(pairs.size, 0);
  });
  await t.test("data first", () => {
    const pairs = new StreamPairs<string>();
    assert.deepEqual(pairs.add("1", "data", "d1"), { waiting: true, first: true });
    assert.equal(pairs.errorStreamOf("1"), undefined);
    assert.deepEqual(pairs.add("1", "error", "e1"), { complete: { error: "e1", data: "d1" } });
  });
  await t.test("interleaved requests", () => {
    const pairs = new StreamPairs<string>();
    pairs.add("a", "error", "ea");
    pairs.add("b", "error", "eb");
    assert.deepEqual(pairs.add("b", "data", "db"), { complete: { error: "eb", data: "db" } });
    assert.equal(pairs.size, 1);
    assert.deepEqual(pairs.add("a", "data", "da"), { complete: { error: "ea", data: "da" } });
  });
  await t.test("a second stream of one type", () => {
    const pairs = new StreamPairs<string>();
    pairs.add("0", "error", "e0");
    assert.deepEqual(pairs.add("0", "error", "again"), { duplicate: "error stream already assigned" });
    assert.deepEqual(pairs.add("0", "data", "d0"), { complete: { error: "e0", data: "d0" } });
  });
  await t.test("take() hands back what waited and forgets the request", () => {
    const pairs = new StreamPairs<string>();
    pairs.add("9", "data", "d9");
    assert.deepEqual(pairs.take("9"), { data: "d9" });
    assert.equal(pairs.take("9"), undefined);
    assert.deepEqual(pairs.add("9", "error", "e9"), { waiting: true, first: true });
  });
});
