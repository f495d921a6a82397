import { test } from "node:test";
import assert from "node:assert/strict";
import { copyDoc, deepNesting, docOf, encodeDoc, field, raw, removeSlot, setField, setSlot, slotsOf, val } from "./json-doc.js";

test("docOf and encodeDoc round-trip plain JSON", () => {
  const v = { a: [1, "x", null, true], b: { c: {} } };
  assert.deepEqual(JSON.parse(encodeDoc(docOf(v))), v);
});

test("encodeDoc writes what JSON.stringify cannot", () => {
  const cases: { name: string; doc: Parameters<typeof encodeDoc>[0]; want: string }[] = [
    { name: "a key twice", doc: { t: "obj", entries: [["a", val(1)], ["a", val(2)]] }, want: '{"a":1,"a":2}' },
    { name: "a __proto__ key", doc: { t: "obj", entries: [["__proto__", { t: "obj", entries: [] }]] }, want: '{"__proto__":{}}' },
    { name: "a number beyond float range", doc: { t: "arr", items: [raw("1e400")] }, want: "[1e400]" },
    { name: "nesting", doc: deepNesting(3, "array"), want: "[[[]]]" },
    { name: "nested objects", doc: deepNesting(2, "object"), want: '{"a":{"a":1}}' },
  ];
  for (const c of cases) assert.equal(encodeDoc(c.doc), c.want, c.name);
});

test("slots: every child, parents first, with their paths; edits through them", () => {
  const d = docOf({ spec: { ports: [{ port: 80 }] }, kind: "Service" });
  assert.deepEqual(
    slotsOf(d).map((s) => s.path),
    ["spec", "spec.ports", "spec.ports[0]", "spec.ports[0].port", "kind"],
  );
  const copy = copyDoc(d);
  const port = slotsOf(copy).find((s) => s.path === "spec.ports[0].port");
  assert.ok(port);
  setSlot(port, val("http"));
  removeSlot(slotsOf(copy).find((s) => s.path === "kind") ?? assert.fail());
  setField(copy, "apiVersion", val("v1"));
  assert.equal(encodeDoc(copy), '{"spec":{"ports":[{"port":"http"}]},"apiVersion":"v1"}');
  assert.equal(encodeDoc(d), '{"spec":{"ports":[{"port":80}]},"kind":"Service"}', "the original is untouched");
  assert.deepEqual(field(copy, "apiVersion"), val("v1"));
});
