import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseJsonWithDuplicates } from "./json-duplicates.js";

describe("parseJsonWithDuplicates", () => {
  const cases: { name: string; text: string; duplicates: string[] }[] = [
    { name: "no duplicates", text: '{"a":1,"b":{"c":[1,2]}}', duplicates: [] },
    { name: "top-level duplicate", text: '{"kind":"A","kind":"B"}', duplicates: ["kind"] },
    { name: "nested duplicate", text: '{"spec":{"replicas":2,"replicas":3}}', duplicates: ["spec.replicas"] },
    { name: "inside an array element", text: '{"spec":{"ports":[{"port":1},{"port":2,"port":3}]}}', duplicates: ["spec.ports[1].port"] },
    { name: "reported once however often repeated", text: '{"a":1,"a":2,"a":3}', duplicates: ["a"] },
    { name: "in document order", text: '{"b":{"x":1,"x":2},"a":1,"a":2}', duplicates: ["b.x", "a"] },
    { name: "same key in sibling objects is fine", text: '[{"a":1},{"a":2}]', duplicates: [] },
    { name: "escaped keys are compared decoded", text: '{"a":1,"\\u0061":2}', duplicates: ["a"] },
    { name: "strings with braces and quotes", text: '{"s":"}\\"{,","s":"]"}', duplicates: ["s"] },
    { name: "whitespace everywhere", text: ' { "a" : [ 1 , { "b" : true , "b" : null } ] } ', duplicates: ["a[1].b"] },
    { name: "map keys", text: '{"metadata":{"labels":{"app":"a","app":"b"}}}', duplicates: ["metadata.labels.app"] },
    { name: "scalar document", text: "42", duplicates: [] },
    { name: "empty containers", text: '{"a":{},"b":[],"a":[]}', duplicates: ["a"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = parseJsonWithDuplicates(c.text);
      assert.deepEqual(got.duplicates, c.duplicates);
      assert.deepEqual(got.value, JSON.parse(c.text));
    });
  }

  it("keeps the last value of a duplicate, like JSON.parse", () => {
    assert.deepEqual(parseJsonWithDuplicates('{"spec":{"replicas":2,"replicas":3}}').value, { spec: { replicas: 3 } });
  });

  it("throws JSON.parse's SyntaxError on invalid text", () => {
    assert.throws(() => parseJsonWithDuplicates('{"a":'), SyntaxError);
  });

  it("treats __proto__ as an ordinary key", () => {
    const got = parseJsonWithDuplicates('{"__proto__":{"x":1},"__proto__":{"y":2}}');
    assert.deepEqual(got.duplicates, ["__proto__"]);
    assert.equal(Object.getPrototypeOf(got.value), Object.prototype);
  });
});
