import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { isApiError } from "../../api/errors.js";
import type { JsonValue } from "../../api/json.js";
import { deepFreeze } from "../../api/json.js";
import { applyJsonPatch } from "./json-patch.js";
import { arrayIndex, escapeToken, parsePointer } from "./json-pointer.js";

const base = (): JsonValue => ({
  metadata: { name: "svc", labels: { "app.kubernetes.io/name": "web", "a~b": "tilde" } },
  spec: { ports: [{ port: 80 }, { port: 443 }], type: "ClusterIP" },
});

interface Case {
  name: string;
  ops: JsonValue;
  want: JsonValue;
  doc?: JsonValue;
}

const cases: Case[] = [
  {
    name: "add a label with an escaped slash",
    ops: [{ op: "add", path: "/metadata/labels/example.com~1tier", value: "web" }],
    want: {
      metadata: { name: "svc", labels: { "app.kubernetes.io/name": "web", "a~b": "tilde", "example.com/tier": "web" } },
      spec: { ports: [{ port: 80 }, { port: 443 }], type: "ClusterIP" },
    },
  },
  {
    name: "remove a key with an escaped tilde",
    ops: [{ op: "remove", path: "/metadata/labels/a~0b" }],
    want: { metadata: { name: "svc", labels: { "app.kubernetes.io/name": "web" } }, spec: { ports: [{ port: 80 }, { port: 443 }], type: "ClusterIP" } },
  },
  {
    name: "append with -, insert at an index",
    ops: [
      { op: "add", path: "/spec/ports/-", value: { port: 8080 } },
      { op: "add", path: "/spec/ports/0", value: { port: 1 } },
    ],
    want: {
      metadata: { name: "svc", labels: { "app.kubernetes.io/name": "web", "a~b": "tilde" } },
      spec: { ports: [{ port: 1 }, { port: 80 }, { port: 443 }, { port: 8080 }], type: "ClusterIP" },
    },
  },
  {
    name: "add at index == length appends",
    doc: { a: [1] },
    ops: [{ op: "add", path: "/a/1", value: 2 }],
    want: { a: [1, 2] },
  },
  {
    name: "replace a value and remove an element",
    ops: [
      { op: "replace", path: "/spec/type", value: "NodePort" },
      { op: "remove", path: "/spec/ports/0" },
    ],
    want: { metadata: { name: "svc", labels: { "app.kubernetes.io/name": "web", "a~b": "tilde" } }, spec: { ports: [{ port: 443 }], type: "NodePort" } },
  },
  {
    name: "test passes, then move and copy",
    doc: { a: { b: 1 }, c: [] },
    ops: [
      { op: "test", path: "/a", value: { b: 1 } },
      { op: "copy", from: "/a/b", path: "/c/-" },
      { op: "move", from: "/a", path: "/d" },
    ],
    want: { c: [1], d: { b: 1 } },
  },
  {
    name: "replace the whole document",
    doc: { a: 1 },
    ops: [{ op: "replace", path: "", value: { b: 2 } }],
    want: { b: 2 },
  },
  {
    name: "add replaces an existing member",
    doc: { a: 1 },
    ops: [{ op: "add", path: "/a", value: 2 }],
    want: { a: 2 },
  },
  {
    name: "test on an absent member against null passes",
    doc: { a: 1 },
    ops: [{ op: "test", path: "/b", value: null }],
    want: { a: 1 },
  },
  { name: "empty patch", doc: { a: 1 }, ops: [], want: { a: 1 } },
];

describe("applyJsonPatch", () => {
  for (const c of cases) {
    it(c.name, () => {
      const doc = deepFreeze(c.doc ?? base());
      assert.deepEqual(applyJsonPatch(doc, c.ops), c.want);
    });
  }
});

interface ErrorCase {
  name: string;
  ops: JsonValue;
  code: number;
  /** The cause (422) or message (400) Kubernetes reports. */
  text: string;
}

const errorCases: ErrorCase[] = [
  {
    name: "failed test",
    ops: [{ op: "test", path: "/spec/type", value: "NodePort" }],
    code: 422,
    text: "testing value /spec/type failed: test failed",
  },
  {
    name: "add below a missing parent",
    ops: [{ op: "add", path: "/spec/selector/app", value: "x" }],
    code: 422,
    text: 'add operation does not apply: doc is missing path: "/spec/selector/app": missing value',
  },
  {
    name: "remove a missing key",
    ops: [{ op: "remove", path: "/spec/nope" }],
    code: 422,
    text: "error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value",
  },
  {
    name: "remove past the end of a list",
    ops: [{ op: "remove", path: "/spec/ports/2" }],
    code: 422,
    text: "error in remove for path: '/spec/ports/2': Unable to access invalid index: 2: invalid index referenced",
  },
  {
    name: "add past the end of a list",
    ops: [{ op: "add", path: "/spec/ports/3", value: {} }],
    code: 422,
    text: "error in add for path: '/spec/ports/3': Unable to access invalid index: 3: invalid index referenced",
  },
  {
    name: "an index with a leading zero",
    ops: [{ op: "replace", path: "/spec/ports/01", value: {} }],
    code: 422,
    text: "error in replace for path: '/spec/ports/01': value was not a proper array index: '01'",
  },
  {
    name: "replace a missing key",
    ops: [{ op: "replace", path: "/spec/nope", value: 1 }],
    code: 422,
    text: "replace operation does not apply: doc is missing key: /spec/nope: missing value",
  },
  { name: "unknown op", ops: [{ op: "frobnicate", path: "/a" }], code: 422, text: "Unexpected kind: frobnicate" },
  { name: "op without a path", ops: [{ op: "remove" }], code: 422, text: "remove operation failed to decode path: missing value" },
  {
    name: "move into its own child",
    ops: [{ op: "move", from: "/spec", path: "/spec/x" }],
    code: 422,
    text: "move operation does not apply: path /spec/x is inside from path /spec",
  },
  {
    name: "a body that is an object, not a list",
    ops: { op: "add" },
    code: 400,
    text: "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp",
  },
];

describe("applyJsonPatch errors", () => {
  for (const c of errorCases) {
    it(c.name, () => {
      assert.throws(
        () => applyJsonPatch(deepFreeze(base()), c.ops),
        (e: unknown) => {
          assert.ok(isApiError(e));
          assert.equal(e.code, c.code);
          if (c.code === 422) {
            assert.equal(e.reason, "Invalid");
            assert.equal(e.message, "the server rejected our request due to an error in our request");
            assert.deepEqual(e.details?.causes, [{ reason: "UnexpectedServerResponse", message: c.text }]);
          } else {
            assert.equal(e.message, c.text);
          }
          return true;
        },
      );
    });
  }
});

describe("JSON pointer", () => {
  const pointers: { name: string; pointer: string; want: string[] | undefined }[] = [
    { name: "root", pointer: "", want: [] },
    { name: "escapes, ~1 before ~0", pointer: "/a~1b/c~0d/~01", want: ["a/b", "c~d", "~1"] },
    { name: "empty token", pointer: "/", want: [""] },
    { name: "not starting with /", pointer: "a/b", want: undefined },
  ];
  for (const c of pointers) it(`parse: ${c.name}`, () => assert.deepEqual(parsePointer(c.pointer), c.want));
  it("escapeToken inverts parsing", () => assert.deepEqual(parsePointer(`/${escapeToken("x/~y")}`), ["x/~y"]));
  const indices: [string, number | undefined][] = [
    ["0", 0],
    ["12", 12],
    ["01", undefined],
    ["-1", undefined],
    ["-", undefined],
    ["1e3", undefined],
  ];
  for (const [t, want] of indices) it(`arrayIndex(${JSON.stringify(t)})`, () => assert.equal(arrayIndex(t), want));
});
