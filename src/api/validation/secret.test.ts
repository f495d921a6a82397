import { test } from "node:test";
import assert from "node:assert/strict";
import type { Secret } from "../types.js";
import { defaultSecret, validateSecret, validateSecretUpdate } from "./secret.js";

const secret = (extra: Partial<Secret> = {}): Secret => ({ metadata: { name: "s", namespace: "default" }, type: "Opaque", ...extra });
const fields = (errs: { field: string; detail?: string }[]): string[] => errs.map((e) => `${e.field}: ${e.detail ?? ""}`);

test("defaultSecret merges stringData over data and defaults the type", () => {
  const s: Secret = { metadata: { name: "s" }, data: { a: "eA==", b: "eQ==" }, stringData: { b: "zz", c: "hello" } };
  defaultSecret(s);
  assert.deepEqual(s, { metadata: { name: "s" }, type: "Opaque", data: { a: "eA==", b: Buffer.from("zz").toString("base64"), c: Buffer.from("hello").toString("base64") } });
  const typed: Secret = { metadata: { name: "t" }, type: "bootstrap.kubernetes.io/token" };
  defaultSecret(typed);
  assert.equal(typed.type, "bootstrap.kubernetes.io/token");
});

test("validateSecret and validateSecretUpdate", async (t) => {
  const cases: { name: string; got: { field: string; detail?: string }[]; want: string[] }[] = [
    { name: "ok", got: validateSecret(secret({ data: { "token-id": "YWJjZGVm", ".dot": "" } })), want: [] },
    { name: "a key with a slash", got: validateSecret(secret({ data: { "a/b": "eA==" } })), want: ["data[a/b]: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"] },
    { name: "not base64", got: validateSecret(secret({ data: { k: "not base64!" } })), want: ["data[k]: must be base64-encoded"] },
    { name: "the type changes", got: validateSecretUpdate(secret({ type: "Opaque", metadata: { name: "s", namespace: "default", resourceVersion: "2" } }), secret({ type: "bootstrap.kubernetes.io/token", metadata: { name: "s", namespace: "default", resourceVersion: "2" } })), want: ["type: field is immutable"] },
    {
      name: "immutable data",
      got: validateSecretUpdate(secret({ immutable: true, data: { k: "eQ==" }, metadata: { name: "s", namespace: "default", resourceVersion: "2" } }), secret({ immutable: true, data: { k: "eA==" }, metadata: { name: "s", namespace: "default", resourceVersion: "2" } })),
      want: ["data: field is immutable when `immutable` is set"],
    },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(fields(c.got), c.want));
});
