import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import type { LiveObject } from "./claims.js";
import { ServiceAccountTokens } from "./service-account-tokens.js";
import type { BoundKind } from "./token-authenticator.js";
import { ServiceAccountTokenAuthenticator } from "./token-authenticator.js";

const signingKey = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
const otherKey = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
const start = new Date("2026-01-01T00:00:00Z");

/** Objects by "Kind/ns/name"; a test mutates it to delete or replace them. */
function lookup(objects: Map<string, LiveObject>): { find(kind: BoundKind, ns: string, name: string): LiveObject | undefined } {
  return { find: (kind, ns, name) => objects.get(`${kind}/${ns}/${name}`) };
}

function setup(o: { now?: () => Date } = {}) {
  let now = start;
  const tokens = new ServiceAccountTokens({ signingKey, now: o.now ?? (() => now), newId: () => "jti-1" });
  const objects = new Map<string, LiveObject>([
    ["ServiceAccount/default/web", { uid: "sa-1" }],
    ["Pod/default/web-0", { uid: "pod-1" }],
  ]);
  const auth = new ServiceAccountTokenAuthenticator(tokens, { cached: lookup(objects) });
  const issue = (extra: Partial<Parameters<ServiceAccountTokens["issue"]>[0]> = {}) =>
    tokens.issue({ serviceAccount: { namespace: "default", name: "web", uid: "sa-1" }, audiences: tokens.audiences, expirationSeconds: 3600, ...extra }).token;
  return { tokens, objects, auth, issue, advance: (s: number) => (now = new Date(now.getTime() + s * 1000)) };
}

const outcome = (r: ReturnType<ServiceAccountTokenAuthenticator["authenticateCached"]>): string => (r.kind === "ok" ? `ok ${r.user.name}` : r.kind === "failed" ? r.error : r.kind);

describe("ServiceAccountTokenAuthenticator", () => {
  const cases: { name: string; act: (s: ReturnType<typeof setup>) => string; want: string }[] = [
    { name: "a fresh token", act: (s) => s.issue(), want: "ok system:serviceaccount:default:web" },
    { name: "a pod-bound token", act: (s) => s.issue({ pod: { name: "web-0", uid: "pod-1" } }), want: "ok system:serviceaccount:default:web" },
    {
      name: "a bad signature",
      act: (s) => new ServiceAccountTokens({ signingKey: otherKey }).issue({ serviceAccount: { namespace: "default", name: "web", uid: "sa-1" }, audiences: s.tokens.audiences, expirationSeconds: 3600 }).token,
      want: "token unknown-key",
    },
    {
      name: "a tampered payload",
      act: (s) => {
        const [h, , sig] = s.issue().split(".");
        const forged = Buffer.from(JSON.stringify({ iss: s.tokens.issuer, sub: "system:serviceaccount:kube-system:admin" })).toString("base64url");
        return `${h}.${forged}.${sig}`;
      },
      want: "crypto/rsa: verification error",
    },
    {
      name: "an expired token",
      act: (s) => {
        const t = s.issue({ expirationSeconds: 600 });
        s.advance(600 + 61);
        return t;
      },
      want: "service account token has expired",
    },
    {
      name: "a token for another audience",
      act: (s) => s.issue({ audiences: ["vault"] }),
      want: 'token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]',
    },
    {
      name: "a deleted service account",
      act: (s) => {
        const t = s.issue();
        s.objects.delete("ServiceAccount/default/web");
        return t;
      },
      want: 'serviceaccounts "web" not found',
    },
    {
      name: "a deleted pod",
      act: (s) => {
        const t = s.issue({ pod: { name: "web-0", uid: "pod-1" } });
        s.objects.delete("Pod/default/web-0");
        return t;
      },
      want: "service account token has been invalidated",
    },
    {
      name: "a replaced pod",
      act: (s) => {
        const t = s.issue({ pod: { name: "web-0", uid: "pod-1" } });
        s.objects.set("Pod/default/web-0", { uid: "pod-2" });
        return t;
      },
      want: "pod UID (pod-2) does not match service account pod ref claim (pod-1)",
    },
    { name: "a static (non-JWT) token", act: () => "0123456789abcdef", want: "not-ours" },
    {
      name: "a JWT of another issuer",
      act: (s) => {
        const [h, , sig] = s.issue().split(".");
        return `${h}.${Buffer.from(JSON.stringify({ iss: "https://oidc.example" })).toString("base64url")}.${sig}`;
      },
      want: "not-ours",
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.want}`, async () => {
      const s = setup();
      const token = c.act(s);
      assert.equal(outcome(s.auth.authenticateCached(token)), c.want);
      assert.equal(outcome(await s.auth.authenticate(token)), c.want);
    });
  }

  it("reads the store for objects the cache has not seen yet", async () => {
    const s = setup();
    const token = s.issue({ pod: { name: "web-1", uid: "pod-9" } });
    const live = new ServiceAccountTokenAuthenticator(s.tokens, {
      cached: lookup(s.objects),
      live: { find: async (kind, ns, name) => (kind === "Pod" && name === "web-1" ? { uid: "pod-9" } : s.objects.get(`${kind}/${ns}/${name}`)) },
    });
    assert.equal(outcome(live.authenticateCached(token)), "service account token has been invalidated");
    assert.equal(outcome(await live.authenticate(token)), "ok system:serviceaccount:default:web");
  });
});
