import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage, type FieldError } from "../field-errors.js";
import type { ConfigMap, ServiceAccount, TokenRequest } from "../types.js";
import { validateConfigMap, validateConfigMapUpdate } from "./config-map.js";
import { validateServiceAccount, validateServiceAccountUpdate } from "./service-account.js";
import { defaultTokenRequest, validateTokenRequest } from "./token-request.js";

// ConfigMaps, ServiceAccounts and TokenRequests share one table: each has only a few rules.
const msg = (errs: FieldError[]): string => (errs.length ? aggregateMessage(errs) : "");

test("config maps, service accounts and token requests", async (t) => {
  const cm = (extra: Partial<ConfigMap> = {}): ConfigMap => ({ metadata: { name: "kube-root-ca.crt", namespace: "default" }, ...extra });
  const sa = (name: string): ServiceAccount => ({ metadata: { name, namespace: "default" } });
  const tr = (spec: Partial<TokenRequest["spec"]>): TokenRequest => {
    const r: TokenRequest = { metadata: {}, spec: { audiences: null, ...spec } };
    defaultTokenRequest(r);
    return r;
  };
  const configKeyMsg =
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
  const cases: { name: string; got: FieldError[]; want: string }[] = [
    { name: "config map ok", got: validateConfigMap(cm({ data: { "ca.crt": "pem", "a-b_c": "x" }, binaryData: { bin: "AA==" } })), want: "" },
    { name: "config key with a slash", got: validateConfigMap(cm({ data: { "a/b": "x" } })), want: `data[a/b]: Invalid value: "a/b": ${configKeyMsg}` },
    { name: "config key '..'", got: validateConfigMap(cm({ data: { "..": "x" } })), want: `data[..]: Invalid value: "..": must not be '..'` },
    { name: "config key starting with '..'", got: validateConfigMap(cm({ binaryData: { "..data": "AA==" } })), want: `binaryData[..data]: Invalid value: "..data": must not start with '..'` },
    { name: "keys named like Object.prototype's properties", got: validateConfigMap(cm({ data: { constructor: "x", toString: "y" } })), want: "" },
    { name: "a key in data and binaryData", got: validateConfigMap(cm({ data: { k: "x" }, binaryData: { k: "AA==" } })), want: `data[k]: Invalid value: "k": duplicate of key present in binaryData` },
    { name: "more than 1 MiB", got: validateConfigMap(cm({ data: { big: "x".repeat(1024 * 1024 + 1) } })), want: ": Too long: may not be more than 1048576 bytes" },
    { name: "config map without namespace", got: validateConfigMap({ metadata: { name: "x" } }), want: "metadata.namespace: Required value" },
    {
      name: "immutable data changed",
      got: validateConfigMapUpdate(cm({ immutable: true, data: { a: "2" } }), cm({ immutable: true, data: { a: "1" } })),
      want: "data: Forbidden: field is immutable when `immutable` is set",
    },
    {
      name: "immutable unset",
      got: validateConfigMapUpdate(cm({ data: { a: "1" } }), cm({ immutable: true, data: { a: "1" } })),
      want: "immutable: Forbidden: field is immutable when `immutable` is set",
    },
    { name: "mutable data changed", got: validateConfigMapUpdate(cm({ data: { a: "2" } }), cm({ data: { a: "1" } })), want: "" },
    { name: "service account ok", got: validateServiceAccount(sa("build-bot.v2")), want: "" },
    {
      name: "service account with an uppercase name",
      got: validateServiceAccount(sa("Bot")),
      want: `metadata.name: Invalid value: "Bot": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    },
    { name: "service account update", got: validateServiceAccountUpdate({ ...sa("bot"), automountServiceAccountToken: false }, sa("bot")), want: "" },
    { name: "token request defaults to an hour", got: validateTokenRequest(tr({})), want: "" },
    { name: "token request of ten minutes", got: validateTokenRequest(tr({ expirationSeconds: 600 })), want: "" },
    { name: "token request too short", got: validateTokenRequest(tr({ expirationSeconds: 599 })), want: "spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes" },
    {
      name: "token request too long",
      got: validateTokenRequest(tr({ expirationSeconds: 2 ** 32 + 1 })),
      want: "spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds",
    },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(msg(c.got), c.want));
  await t.test("defaulting fills only a missing duration", () => {
    assert.equal(tr({}).spec.expirationSeconds, 3600);
    assert.equal(tr({ expirationSeconds: 7200 }).spec.expirationSeconds, 7200);
  });
});
