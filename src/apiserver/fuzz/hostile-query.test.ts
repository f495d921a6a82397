import { test } from "node:test";
import assert from "node:assert/strict";
import { parseLabelSelector, SelectorParseError } from "../../api/selectors/label-selector.js";
import { hostileFieldSelector, hostileLabelSelector, hostileQuery } from "./hostile-query.js";
import { Random } from "./random.js";

test("hostileQuery: reproducible, and always something URLSearchParams reads", () => {
  for (const use of ["list", "watch", "get", "write", "patch", "delete", "log"] as const) {
    const a = new Random(9);
    const b = new Random(9);
    for (let i = 0; i < 200; i++) {
      const q = hostileQuery(a, use);
      assert.equal(q, hostileQuery(b, use));
      assert.doesNotThrow(() => new URLSearchParams(q));
    }
  }
});

test("hostile selectors: the parsers either read them or refuse them with a parse error", () => {
  const rng = new Random(4);
  for (let i = 0; i < 500; i++) {
    const s = hostileLabelSelector(rng);
    try {
      parseLabelSelector(s);
    } catch (e) {
      assert.ok(e instanceof SelectorParseError, `${JSON.stringify(s)}: ${String(e)}`);
    }
    assert.equal(typeof hostileFieldSelector(rng), "string");
  }
});
