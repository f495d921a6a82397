import { test } from "node:test";
import assert from "node:assert/strict";
import { YAMLParseError } from "yaml";
import { yamlToJson, YamlToJsonError } from "./yaml-body.js";

test("yamlToJson: JSON values only", () => {
  const cases: { name: string; text: string; want: unknown }[] = [
    { name: "a manifest", text: "apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n", want: { apiVersion: "v1", kind: "ConfigMap", data: { a: "b" } } },
    { name: "!!omap stays a list, not a Map", text: "--- !!omap\n- a: 1\n", want: [{ a: 1 }] },
    { name: "!!set stays a map of nulls, not a Set", text: "!!set {a, b}\n", want: { a: null, b: null } },
    { name: "!!binary stays its text, not a Buffer", text: "a: !!binary AAAA\n", want: { a: "AAAA" } },
    { name: "!!timestamp stays its text, not a Date", text: "a: !!timestamp 2001-12-14\n", want: { a: "2001-12-14" } },
    { name: "__proto__ is an own key", text: "__proto__: {polluted: true}\n", want: JSON.parse('{"__proto__":{"polluted":true}}') as unknown },
  ];
  for (const c of cases) assert.deepEqual(yamlToJson(c.text), c.want, c.name);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("yamlToJson: what has no JSON form is refused", () => {
  const cases: { name: string; text: string; want: RegExp }[] = [
    { name: ".nan", text: "a: .nan\n", want: /^json: unsupported value: NaN$/ },
    { name: ".inf deep inside", text: "a: [{b: .inf}]\n", want: /^json: unsupported value: \+Inf$/ },
    { name: "-.inf", text: "a: -.inf\n", want: /^json: unsupported value: -Inf$/ },
    { name: "nesting too deep", text: `a: ${"[".repeat(100_000)}`, want: /^yaml: exceeded max depth of 500$/ },
    { name: "a map that contains itself", text: "a: &a\n  b: *a\n", want: /^yaml: anchor 'a' value contains itself$/ },
    { name: "a list that contains itself", text: "&x [*x]\n", want: /^yaml: anchor 'x' value contains itself$/ },
  ];
  for (const c of cases) assert.throws(() => yamlToJson(c.text), (e: unknown) => e instanceof YamlToJsonError && c.want.test(e.message), c.name);
  // An alias used beside its anchor, not inside it, is a plain copy.
  assert.deepEqual(yamlToJson("a: &x {b: 1}\nc: *x\n"), { a: { b: 1 }, c: { b: 1 } });
  assert.throws(() => yamlToJson("a: [\n"), YAMLParseError);
  assert.throws(() => yamlToJson("a: 1\na: 2\n"), YAMLParseError);
});
