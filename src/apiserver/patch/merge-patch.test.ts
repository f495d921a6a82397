import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { JsonValue } from "../../api/json.js";
import { deepFreeze } from "../../api/json.js";
import { applyMergePatch, createMergePatch } from "./merge-patch.js";

// The examples of RFC 7386 appendix A, plus the shapes kubectl sends.
const cases: { name: string; doc: JsonValue; patch: JsonValue; want: JsonValue }[] = [
  { name: "replace a member", doc: { a: "b" }, patch: { a: "c" }, want: { a: "c" } },
  { name: "add a member", doc: { a: "b" }, patch: { b: "c" }, want: { a: "b", b: "c" } },
  { name: "null removes", doc: { a: "b" }, patch: { a: null }, want: {} },
  { name: "null removes one of two", doc: { a: "b", b: "c" }, patch: { a: null }, want: { b: "c" } },
  { name: "list replaces list", doc: { a: ["b"] }, patch: { a: "c" }, want: { a: "c" } },
  { name: "value replaces list", doc: { a: "c" }, patch: { a: ["b"] }, want: { a: ["b"] } },
  { name: "nested merge and delete", doc: { a: { b: "c" } }, patch: { a: { b: "d", c: null } }, want: { a: { b: "d" } } },
  { name: "lists are never merged", doc: { a: [{ b: "c" }] }, patch: { a: [1] }, want: { a: [1] } },
  { name: "non-object patch replaces", doc: { a: "foo" }, patch: "bar", want: "bar" },
  { name: "null patch value on a new key is dropped", doc: { e: null }, patch: { a: 1 }, want: { e: null, a: 1 } },
  { name: "object over a primitive", doc: { a: "foo" }, patch: { a: { b: null, c: 1 } }, want: { a: { c: 1 } } },
  { name: "non-object document", doc: ["a"], patch: { a: "b" }, want: { a: "b" } },
  {
    name: "kubectl label",
    doc: { metadata: { name: "x", labels: { app: "web" } } },
    patch: { metadata: { labels: { tier: "fe", app: null } } },
    want: { metadata: { name: "x", labels: { tier: "fe" } } },
  },
  { name: "kubectl scale", doc: { spec: { replicas: 1, selector: { a: "b" } } }, patch: { spec: { replicas: 5 } }, want: { spec: { replicas: 5, selector: { a: "b" } } } },
];

describe("applyMergePatch", () => {
  for (const c of cases) {
    it(c.name, () => {
      const doc = deepFreeze(structuredClone(c.doc));
      const got = applyMergePatch(doc, deepFreeze(structuredClone(c.patch)));
      assert.deepEqual(got, c.want);
    });
  }
  it("the result shares nothing with the document", () => {
    const doc = { a: { b: 1 }, c: { d: 2 } };
    const got = applyMergePatch(doc, { a: { x: 1 } }) as { c: { d: number } };
    got.c.d = 99;
    assert.equal(doc.c.d, 2);
  });
});

const diffs: { name: string; original: JsonValue; modified: JsonValue; want: JsonValue }[] = [
  { name: "equal", original: { a: 1 }, modified: { a: 1 }, want: {} },
  { name: "changed and added", original: { a: 1 }, modified: { a: 2, b: 3 }, want: { a: 2, b: 3 } },
  { name: "removed", original: { a: 1, b: 2 }, modified: { b: 2 }, want: { a: null } },
  { name: "nested", original: { m: { x: 1, y: 2 } }, modified: { m: { x: 1, y: 3 } }, want: { m: { y: 3 } } },
  { name: "lists whole", original: { l: [1, 2] }, modified: { l: [1] }, want: { l: [1] } },
  { name: "non-objects", original: "a", modified: "b", want: "b" },
];

describe("createMergePatch", () => {
  for (const c of diffs) {
    it(c.name, () => {
      const patch = createMergePatch(c.original, c.modified);
      assert.deepEqual(patch, c.want);
      assert.deepEqual(applyMergePatch(c.original, patch), c.modified);
    });
  }
});
