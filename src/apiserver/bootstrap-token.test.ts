import { test } from "node:test";
import assert from "node:assert/strict";
import type { BootstrapTokenSecret, BootstrapTokenSpec } from "./bootstrap-token.js";
import {
  bootstrapTokenExpired,
  bootstrapTokenInfo,
  bootstrapTokenSecret,
  bootstrapTokenSpecError,
  checkBootstrapToken,
  generateBootstrapToken,
  parseBootstrapToken,
  parseRfc3339,
} from "./bootstrap-token.js";

const now = new Date("2026-11-27T06:00:00Z");
const token = { id: "abcdef", secret: "0123456789abcdef" };
const b64 = (s: string): string => Buffer.from(s).toString("base64");
const equal = (a: string, b: string): boolean => a === b;

/** A good token Secret for `token`, changed by `edit`. */
function makeSecret(edit: (s: BootstrapTokenSecret) => void = () => {}, spec: Partial<BootstrapTokenSpec> = {}): BootstrapTokenSecret {
  const s = bootstrapTokenSecret({ token, now, ttlMs: 3_600_000, ...spec });
  edit(s);
  return s;
}

test("parseBootstrapToken takes exactly [a-z0-9]{6}.[a-z0-9]{16}", async (t) => {
  const cases: { name: string; text: string; want: ReturnType<typeof parseBootstrapToken> }[] = [
    { name: "a token", text: "abcdef.0123456789abcdef", want: token },
    { name: "upper case", text: "ABCDEF.0123456789abcdef", want: undefined },
    { name: "short id", text: "abcde.0123456789abcdef", want: undefined },
    { name: "long secret", text: "abcdef.0123456789abcdef0", want: undefined },
    { name: "no dot", text: "abcdef0123456789abcdef", want: undefined },
    { name: "a JWT", text: "eyJhbGciOi.eyJpc3MiOi.sig", want: undefined },
    { name: "surrounding space", text: " abcdef.0123456789abcdef", want: undefined },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(parseBootstrapToken(c.text), c.want));
});

test("generateBootstrapToken makes a well-formed token from the bytes, skipping biased ones", () => {
  let call = 0;
  // 252..255 are above the largest multiple of 36 and must be skipped.
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (call === 0 && i % 2 === 0 ? 255 : i + 36 * call)).map((b) => b & 0xff);
  const t = generateBootstrapToken((n) => {
    const out = bytes(n);
    call++;
    return out;
  });
  assert.match(`${t.id}.${t.secret}`, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  assert.equal(t.id, "bdfhjl", "odd positions 1,3,5… of the first draw, as letters");
});

test("bootstrapTokenSecret writes kubeadm's Secret, and bootstrapTokenInfo reads it back", () => {
  const s = bootstrapTokenSecret({ token, now, ttlMs: 24 * 3_600_000, description: "for node 3", extraGroups: ["system:bootstrappers:svcnet:default-node-token"] });
  assert.equal(s.metadata.name, "bootstrap-token-abcdef");
  assert.equal(s.metadata.namespace, "kube-system");
  assert.equal(s.type, "bootstrap.kubernetes.io/token");
  assert.deepEqual(s.data, {
    "token-id": b64("abcdef"),
    "token-secret": b64("0123456789abcdef"),
    expiration: b64("2026-11-28T06:00:00Z"),
    description: b64("for node 3"),
    "usage-bootstrap-authentication": b64("true"),
    "usage-bootstrap-signing": b64("true"),
    "auth-extra-groups": b64("system:bootstrappers:svcnet:default-node-token"),
  });
  assert.deepEqual(bootstrapTokenInfo(s), {
    id: "abcdef",
    expiration: "2026-11-28T06:00:00Z",
    description: "for node 3",
    usages: ["authentication", "signing"],
    extraGroups: ["system:bootstrappers:svcnet:default-node-token"],
  });
  assert.equal(bootstrapTokenSecret({ token, now, ttlMs: 0 }).data?.expiration, undefined, "ttl 0: never expires");
  assert.equal(bootstrapTokenInfo({ ...s, type: "Opaque" }), undefined);
});

test("bootstrapTokenSpecError", async (t) => {
  const cases: { name: string; spec: Omit<BootstrapTokenSpec, "now">; want: RegExp | undefined }[] = [
    { name: "ok", spec: { token, ttlMs: 1000, extraGroups: ["system:bootstrappers:a:b"] }, want: undefined },
    { name: "bad token", spec: { token: { id: "ABCDEF", secret: token.secret } }, want: /must look like/ },
    { name: "negative ttl", spec: { token, ttlMs: -1 }, want: /ttl/ },
    { name: "extra group outside system:bootstrappers:", spec: { token, extraGroups: ["system:masters"] }, want: /must match/ },
    { name: "extra group ending in a colon", spec: { token, extraGroups: ["system:bootstrappers:x:"] }, want: /must match/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = bootstrapTokenSpecError(c.spec);
      if (c.want === undefined) assert.equal(got, undefined);
      else assert.match(got ?? "", c.want);
    });
  }
});

test("checkBootstrapToken follows Kubernetes' bootstrap authenticator", async (t) => {
  const groups = ["system:bootstrappers", "system:authenticated"];
  const cases: { name: string; secret: BootstrapTokenSecret | undefined; presented?: typeof token; at?: Date; want: { user: string; groups: string[] } | RegExp }[] = [
    { name: "a good token", secret: makeSecret(), want: { user: "system:bootstrap:abcdef", groups } },
    {
      name: "extra groups come after system:bootstrappers",
      secret: makeSecret(undefined, { extraGroups: ["system:bootstrappers:svcnet:default-node-token"] }),
      want: { user: "system:bootstrap:abcdef", groups: ["system:bootstrappers", "system:bootstrappers:svcnet:default-node-token", "system:authenticated"] },
    },
    { name: "never expires", secret: makeSecret(undefined, { ttlMs: 0 }), at: new Date("2099-01-01T00:00:00Z"), want: { user: "system:bootstrap:abcdef", groups } },
    { name: "no Secret", secret: undefined, want: /no secret kube-system\/bootstrap-token-abcdef/ },
    { name: "being deleted", secret: makeSecret((s) => (s.metadata.deletionTimestamp = "2026-11-27T05:00:00Z")), want: /being deleted/ },
    { name: "another type", secret: makeSecret((s) => (s.type = "Opaque")), want: /not of type/ },
    { name: "wrong secret", secret: makeSecret(), presented: { id: "abcdef", secret: "ffffffffffffffff" }, want: /wrong token-secret/ },
    { name: "token-id differs from the name", secret: makeSecret((s) => (s.data!["token-id"] = b64("zzzzzz"))), want: /wrong token-id/ },
    { name: "expired", secret: makeSecret(), at: new Date("2026-11-27T07:00:00Z"), want: /has expired/ },
    { name: "expiration that is no time counts as expired", secret: makeSecret((s) => (s.data!.expiration = b64("tomorrow"))), want: /has expired/ },
    { name: "without the authentication usage", secret: makeSecret((s) => delete s.data!["usage-bootstrap-authentication"]), want: /usage-bootstrap-authentication/ },
    { name: "authentication usage not \"true\"", secret: makeSecret((s) => (s.data!["usage-bootstrap-authentication"] = b64("yes"))), want: /usage-bootstrap-authentication/ },
    { name: "a bad extra group", secret: makeSecret((s) => (s.data!["auth-extra-groups"] = b64("system:masters"))), want: /bad extra group/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = checkBootstrapToken(c.presented ?? token, c.secret, { now: c.at ?? now, secretsEqual: equal });
      if (c.want instanceof RegExp) {
        assert.equal(got.ok, false);
        if (!got.ok) assert.match(got.reason, c.want);
      } else {
        assert.deepEqual(got, { ok: true, user: { name: c.want.user, groups: c.want.groups } });
      }
    });
  }
});

test("expiry and RFC 3339", async (t) => {
  const cases: { name: string; expiration: string | undefined; at: string; want: boolean }[] = [
    { name: "none", expiration: undefined, at: "2100-01-01T00:00:00Z", want: false },
    { name: "before", expiration: "2026-11-27T06:00:01Z", at: "2026-11-27T06:00:00Z", want: false },
    { name: "at the instant", expiration: "2026-11-27T06:00:00Z", at: "2026-11-27T06:00:00Z", want: true },
    { name: "with an offset", expiration: "2026-11-27T07:30:00+01:00", at: "2026-11-27T06:00:00Z", want: false },
    { name: "a date only", expiration: "2026-11-28", at: "2026-11-27T06:00:00Z", want: true },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(bootstrapTokenExpired(c.expiration, new Date(c.at)), c.want));
  assert.equal(parseRfc3339("2026-11-27T06:00:00.5Z"), Date.parse("2026-11-27T06:00:00.500Z"));
});
