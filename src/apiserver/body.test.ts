import { test } from "node:test";
import assert from "node:assert/strict";
import { isApiError } from "../api/errors.js";
import { decodeDeleteOptionsBody, parseBody } from "./body.js";

test("decodeDeleteOptionsBody: DeleteOptions in any served group-version, nothing else", () => {
  const cases: { name: string; body: string; contentType?: string; want: number | Record<string, unknown> }[] = [
    { name: "kubectl's", body: '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}', want: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" } },
    { name: "another group's version", body: '{"kind":"DeleteOptions","apiVersion":"apps/v1","gracePeriodSeconds":0}', want: { kind: "DeleteOptions", apiVersion: "apps/v1", gracePeriodSeconds: 0 } },
    { name: "meta.k8s.io/v1", body: '{"kind":"DeleteOptions","apiVersion":"meta.k8s.io/v1"}', want: { kind: "DeleteOptions", apiVersion: "meta.k8s.io/v1" } },
    { name: "no kind, no content type", body: '{"gracePeriodSeconds":5}', contentType: "", want: { gracePeriodSeconds: 5 } },
    { name: "YAML", body: "kind: DeleteOptions\norphanDependents: true\n", contentType: "application/yaml", want: { kind: "DeleteOptions", orphanDependents: true } },
    { name: "a mistyped field", body: '{"propagationPolicy":true}', want: 400 },
    { name: "a mistyped precondition", body: '{"preconditions":{"uid":5}}', want: 400 },
    { name: "another kind", body: '{"kind":"Pod","apiVersion":"v1"}', want: 400 },
    { name: "a version nobody serves", body: '{"kind":"DeleteOptions","apiVersion":"v2"}', want: 400 },
    { name: "a list", body: "[]", want: 400 },
    { name: "cut short", body: '{"kind":"Dele', want: 400 },
    { name: "a foreign content type", body: "{}", contentType: "text/plain", want: 415 },
    { name: "a patch content type", body: "{}", contentType: "application/merge-patch+json", want: 415 },
  ];
  for (const c of cases) {
    const ct = c.contentType ?? "application/json";
    if (typeof c.want === "number") {
      const code = c.want;
      assert.throws(() => decodeDeleteOptionsBody(Buffer.from(c.body), ct), (e: unknown) => isApiError(e) && e.code === code, c.name);
    } else {
      assert.deepEqual(decodeDeleteOptionsBody(Buffer.from(c.body), ct), c.want, c.name);
    }
  }
});

test("parseBody: nesting too deep is a 400 in every encoding, before any recursive step", () => {
  const cases: { name: string; body: string; contentType: string; message: RegExp }[] = [
    { name: "JSON arrays", body: `{"a":${"[".repeat(10_000)}${"]".repeat(10_000)}}`, contentType: "application/json", message: /^json: invalid character '\[' exceeded max depth$/ },
    { name: "JSON objects, unterminated", body: '{"a":'.repeat(100_000), contentType: "application/json", message: /^json: invalid character '\{' exceeded max depth$/ },
    { name: "YAML flow", body: `a: ${"[".repeat(100_000)}`, contentType: "application/yaml", message: /^error converting YAML to JSON: yaml: exceeded max depth of 500$/ },
    { name: "YAML block", body: `${"- ".repeat(3000)}x`, contentType: "application/yaml", message: /^error converting YAML to JSON: yaml: exceeded max depth of 500$/ },
  ];
  for (const c of cases) {
    assert.throws(() => parseBody(Buffer.from(c.body), c.contentType), (e: unknown) => isApiError(e) && e.code === 400 && c.message.test(e.message), c.name);
  }
});
