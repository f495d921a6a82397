import assert from "node:assert/strict";
import { createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { describe, it } from "node:test";
import { keyIdOf, peekJwt, signJwt, verifyJwt } from "./jwt.js";

const key = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
const other = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
const kid = keyIdOf(key);
const keys = [{ kid, key: createPublicKey(key) }];

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString("base64url");

describe("signJwt / verifyJwt", () => {
  const token = signJwt({ sub: "system:serviceaccount:default:default", aud: ["x"], z: { b: 1, a: 2 } }, { key, kid });

  it("signs RS256 with the key id and sorted claims", () => {
    const [h, p] = token.split(".");
    assert.equal(Buffer.from(h, "base64url").toString(), `{"alg":"RS256","kid":"${kid}"}`);
    assert.equal(Buffer.from(p, "base64url").toString(), '{"aud":["x"],"sub":"system:serviceaccount:default:default","z":{"a":2,"b":1}}');
    assert.doesNotMatch(token, /=/, "base64url without padding");
  });

  it("key ids are base64url SHA-256 of the public key, the same for either half", () => {
    assert.match(kid, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(keyIdOf(createPublicKey(key)), kid);
    assert.notEqual(keyIdOf(other), kid);
  });

  const [h, p, s] = token.split(".");
  const cases: { name: string; token: string; want: string }[] = [
    { name: "a good token", token, want: "ok" },
    { name: "a changed payload", token: `${h}.${b64({ sub: "system:serviceaccount:kube-system:admin" })}.${s}`, want: "bad-signature" },
    { name: "another key's signature", token: signJwt({ sub: "x" }, { key: other, kid }), want: "bad-signature" },
    { name: "an unknown key id", token: signJwt({ sub: "x" }, { key: other, kid: keyIdOf(other) }), want: "unknown-key" },
    { name: "alg none", token: `${b64({ alg: "none", kid })}.${p}.`, want: "unsupported-algorithm" },
    { name: "alg HS256", token: `${b64({ alg: "HS256", kid })}.${p}.${s}`, want: "unsupported-algorithm" },
    { name: "two parts", token: `${h}.${p}`, want: "malformed" },
    { name: "not JSON", token: `${h}.bm90IGpzb24.${s}`, want: "malformed" },
    { name: "a JSON array payload", token: `${h}.${b64([1])}.${s}`, want: "malformed" },
    { name: "an opaque token", token: "0123456789abcdef", want: "malformed" },
  ];
  for (const c of cases) {
    it(`verifies ${c.name}: ${c.want}`, () => {
      const r = verifyJwt(c.token, keys);
      assert.equal(r.ok ? "ok" : r.reason, c.want);
    });
  }

  it("a header without kid is tried against every key", () => {
    const input = `${b64({ alg: "RS256" })}.${p}`;
    const signature = sign("sha256", Buffer.from(input), key).toString("base64url");
    assert.equal(verifyJwt(`${input}.${signature}`, [{ kid: "other", key: createPublicKey(other) }, ...keys]).ok, true);
  });

  it("peekJwt reads without verifying, and only three-part JSON tokens", () => {
    assert.equal(peekJwt(token)?.payload.sub, "system:serviceaccount:default:default");
    assert.equal(peekJwt("a.b"), undefined);
  });
});
