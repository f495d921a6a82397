import { test } from "node:test";
import assert from "node:assert/strict";
import { jsonTooDeepAt, jsonTooDeepMessage, maxNestingDepth, valueTooDeep, yamlTokensWithinDepth } from "./nesting-depth.js";

const nested = (n: number, open = "[", close = "]"): string => open.repeat(n) + close.repeat(n);

test("jsonTooDeepAt: the offset of the first bracket past the limit, brackets in strings aside", () => {
  const cases: { name: string; text: string; max?: number; want: number }[] = [
    { name: "flat", text: '{"a":[1,2,{"b":3}]}', want: -1 },
    { name: "at the limit", text: nested(maxNestingDepth), want: -1 },
    { name: "one past the limit", text: nested(maxNestingDepth + 1), want: maxNestingDepth },
    { name: "objects count too", text: '{"a":'.repeat(4) + "1" + "}".repeat(4), max: 3, want: 15 },
    { name: "brackets inside strings do not count", text: `["${"[".repeat(50)}"]`, max: 2, want: -1 },
    { name: "an escaped quote does not end the string", text: '["\\"[[[["]', max: 1, want: -1 },
    { name: "invalid JSON is left to the parser", text: "[[[", max: 2, want: 2 },
  ];
  for (const c of cases) assert.equal(jsonTooDeepAt(c.text, c.max), c.want, c.name);
});

test("jsonTooDeepMessage: Go's wording", () => {
  const text = nested(maxNestingDepth + 1, "{", "}");
  assert.equal(jsonTooDeepMessage(text, jsonTooDeepAt(text)), "invalid character '{' exceeded max depth");
});

test("yamlTokensWithinDepth: flow and block nesting, stopping early on huge input", () => {
  const cases: { name: string; text: string; want: boolean }[] = [
    { name: "a manifest", text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: {a: b}\ndata:\n  k: v\n", want: false },
    { name: "flow sequences at the limit", text: nested(maxNestingDepth), want: false },
    { name: "flow sequences past the limit", text: nested(maxNestingDepth + 1), want: true },
    { name: "100,000 flow maps", text: '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000), want: true },
    { name: "compact block sequences past the limit", text: `${"- ".repeat(maxNestingDepth + 1)}x`, want: true },
    { name: "malformed YAML is not this check's business", text: "a: [\n", want: false },
  ];
  for (const c of cases) assert.equal(yamlTokensWithinDepth(c.text) === undefined, c.want, c.name);
});

test("valueTooDeep: decoded values, walked without recursion", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(valueTooDeep(deep), true);
  assert.equal(valueTooDeep({ a: [{ b: 1 }] }, 3), false);
  assert.equal(valueTooDeep({ a: [{ b: {} }] }, 3), true);
  assert.equal(valueTooDeep("scalar", 0), false);
});
