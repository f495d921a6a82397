import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BoundObjects, ServiceAccountClaims } from "./claims.js";
import { checkBinding, checkClaims, makeClaims, parseClaims, userInfoOf } from "./claims.js";

const now = new Date("2026-01-01T00:00:00Z");
const t0 = now.getTime() / 1000;
const sa = { namespace: "default", name: "web", uid: "sa-1" };
const issuer = "https://kubernetes.default.svc.cluster.local";

function claims(extra: Partial<Parameters<typeof makeClaims>[0]> = {}): ServiceAccountClaims {
  return makeClaims({ issuer, serviceAccount: sa, audiences: [issuer], expirationSeconds: 3600, now, id: "jti-1", ...extra });
}

describe("makeClaims", () => {
  it("writes the claims kube-apiserver writes", () => {
    assert.deepEqual(claims({ pod: { name: "web-0", uid: "pod-1" }, node: { name: "core-v2-01", uid: "node-1" }, warnAfterSeconds: 3607 }), {
      iss: issuer,
      sub: "system:serviceaccount:default:web",
      aud: [issuer],
      exp: t0 + 3600,
      iat: t0,
      nbf: t0,
      jti: "jti-1",
      "kubernetes.io": {
        namespace: "default",
        serviceaccount: { name: "web", uid: "sa-1" },
        pod: { name: "web-0", uid: "pod-1" },
        node: { name: "core-v2-01", uid: "node-1" },
        warnafter: t0 + 3607,
      },
    });
  });

  it("binds to a secret, and never a node without a pod", () => {
    const k = claims({ secret: { name: "s", uid: "sec-1" }, node: { name: "n", uid: "u" } })["kubernetes.io"];
    assert.deepEqual(k, { namespace: "default", serviceaccount: { name: "web", uid: "sa-1" }, secret: { name: "s", uid: "sec-1" } });
  });

  it("parseClaims reads back what makeClaims wrote, and refuses foreign payloads", () => {
    const c = claims({ pod: { name: "web-0", uid: "pod-1" } });
    assert.deepEqual(parseClaims(JSON.parse(JSON.stringify(c))), c);
    assert.equal(parseClaims({ sub: "alice", exp: 1 }), undefined);
    assert.deepEqual(parseClaims({ ...JSON.parse(JSON.stringify(c)), aud: "single" })?.aud, ["single"]);
  });
});

describe("checkClaims", () => {
  const at = (seconds: number): Date => new Date((t0 + seconds) * 1000);
  const cases: { name: string; c: ServiceAccountClaims; now: Date; audiences?: string[]; want: string | undefined }[] = [
    { name: "fresh", c: claims(), now: at(10), want: undefined },
    { name: "expired within the leeway", c: claims(), now: at(3600 + 59), want: undefined },
    { name: "expired", c: claims(), now: at(3600 + 61), want: "service account token has expired" },
    { name: "not valid yet beyond the leeway", c: claims(), now: at(-61), want: "service account token is not valid yet" },
    { name: "issued in the future", c: { ...claims(), nbf: 0 }, now: at(-61), want: "service account token is issued in the future" },
    {
      name: "another audience",
      c: claims({ audiences: ["vault"] }),
      now: at(10),
      want: 'token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]',
    },
    { name: "one of several audiences", c: claims({ audiences: ["vault", issuer] }), now: at(10), want: undefined },
    { name: "no audience (legacy) counts as the server's", c: claims({ audiences: [] }), now: at(10), want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.equal(checkClaims(c.c, { audiences: c.audiences ?? [issuer], now: c.now }), c.want));
});

describe("checkBinding", () => {
  const podBound = claims({ pod: { name: "web-0", uid: "pod-1" }, node: { name: "core-v2-01", uid: "node-1" } });
  const secretBound = claims({ secret: { name: "s", uid: "sec-1" } });
  const live = { uid: "sa-1" };
  const deleting = (uid: string, secondsAgo: number) => ({ uid, deletionTimestamp: new Date(now.getTime() - secondsAgo * 1000).toISOString() });
  const cases: { name: string; c: ServiceAccountClaims; found: BoundObjects; want: string }[] = [
    { name: "a live service account", c: claims(), found: { serviceAccount: live }, want: "ok" },
    { name: "a deleted service account", c: claims(), found: {}, want: 'serviceaccounts "web" not found' },
    { name: "a recreated service account", c: claims(), found: { serviceAccount: { uid: "sa-2" } }, want: "service account UID (sa-2) does not match claim (sa-1)" },
    { name: "a service account being deleted for 30 s", c: claims(), found: { serviceAccount: deleting("sa-1", 30) }, want: "ok" },
    { name: "a service account being deleted for 2 min", c: claims(), found: { serviceAccount: deleting("sa-1", 120) }, want: "service account default/web has been deleted" },
    { name: "a live bound pod", c: podBound, found: { serviceAccount: live, pod: { uid: "pod-1" } }, want: "ok" },
    { name: "a deleted pod", c: podBound, found: { serviceAccount: live }, want: "service account token has been invalidated" },
    { name: "a replaced pod", c: podBound, found: { serviceAccount: live, pod: { uid: "pod-2" } }, want: "pod UID (pod-2) does not match service account pod ref claim (pod-1)" },
    { name: "a pod terminating for 2 min", c: podBound, found: { serviceAccount: live, pod: deleting("pod-1", 120) }, want: "service account token has been invalidated" },
    { name: "a pod terminating for 10 s", c: podBound, found: { serviceAccount: live, pod: deleting("pod-1", 10) }, want: "ok" },
    { name: "a missing secret", c: secretBound, found: { serviceAccount: live }, want: "service account token has been invalidated" },
    { name: "a replaced secret", c: secretBound, found: { serviceAccount: live, secret: { uid: "sec-2" } }, want: "secret UID (sec-2) does not match service account secret ref claim (sec-1)" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = checkBinding(c.c, c.found, now);
      assert.equal(r.ok ? "ok" : r.error, c.want);
    });
  }

  it("a pod-bound token authenticates as the account with the pod and node as extras", () => {
    const r = checkBinding(podBound, { serviceAccount: live, pod: { uid: "pod-1" } }, now);
    assert.ok(r.ok);
    assert.deepEqual(userInfoOf(r.info), {
      name: "system:serviceaccount:default:web",
      uid: "sa-1",
      groups: ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"],
      extra: {
        "authentication.kubernetes.io/pod-name": ["web-0"],
        "authentication.kubernetes.io/pod-uid": ["pod-1"],
        "authentication.kubernetes.io/node-name": ["core-v2-01"],
        "authentication.kubernetes.io/node-uid": ["node-1"],
        "authentication.kubernetes.io/credential-id": ["JTI=jti-1"],
      },
    });
  });
});
