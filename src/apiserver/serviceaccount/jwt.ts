// Compact JSON Web Tokens signed RS256 (RSASSA-PKCS1-v1_5 with SHA-256), as kube-apiserver
// signs service account tokens: a `{"alg":"RS256","kid":…}` header, a JSON payload with its keys
// sorted, base64url without padding. Only RS256 is accepted when verifying; any other `alg`
// (including "none") is refused, and a token naming an unknown key id is refused.

import { createHash, createPublicKey, sign, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { JsonObject, JsonValue } from "../../api/json.js";
import { isJsonObject } from "../../api/json.js";

/** A verification key and the key id tokens signed with its private half carry. */
export interface VerificationKey {
  kid: string;
  key: KeyObject;
}

/** Why a token did not verify: not a JWT at all, or a JWT this server did not sign. */
export type JwtFailure = "malformed" | "unsupported-algorithm" | "unknown-key" | "bad-signature";

export type VerifiedJwt = { ok: true; header: JsonObject; payload: JsonObject } | { ok: false; reason: JwtFailure };

/**
 * The key id Kubernetes gives a public key: base64url (no padding) of the SHA-256 of its DER
 * SubjectPublicKeyInfo. Accepts a private key too (its public half is used).
 */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  const der = pub.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("base64url");
}

/** JSON with object keys sorted at every level (what Go writes for the merged claim maps). */
function canonicalJson(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (isJsonObject(v)) {
    const parts = Object.keys(v)
      .sort()
      .filter((k) => v[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k] as JsonValue)}`);
    return `{${parts.join(",")}}`;
  }
  return JSON.stringify(v);
}

const b64 = (s: string | Buffer): string => Buffer.from(s).toString("base64url");

/** Signs `payload` with the RSA private key; the header names the key by `kid`. */
export function signJwt(payload: JsonObject, signer: { key: KeyObject; kid: string }): string {
  const input = `${b64(canonicalJson({ alg: "RS256", kid: signer.kid }))}.${b64(canonicalJson(payload))}`;
  return `${input}.${sign("sha256", Buffer.from(input), signer.key).toString("base64url")}`;
}

function parseSegment(segment: string): JsonObject | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return isJsonObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decodes a token without checking its signature: the header and payload objects, or undefined
 * when it is not a three-part JWT with JSON object parts. For routing only (which authenticator
 * should look at it); never trust what it returns.
 */
export function peekJwt(token: string): { header: JsonObject; payload: JsonObject } | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const header = parseSegment(parts[0]);
  const payload = parseSegment(parts[1]);
  return header && payload ? { header, payload } : undefined;
}

/**
 * Verifies an RS256 token against `keys`: the header's kid picks the key (a header without kid
 * is tried against every key). Returns the header and payload only when the signature is good.
 */
export function verifyJwt(token: string, keys: readonly VerificationKey[]): VerifiedJwt {
  const peeked = peekJwt(token);
  const parts = token.split(".");
  if (!peeked || !/^[A-Za-z0-9_-]*$/.test(parts[2])) return { ok: false, reason: "malformed" };
  if (peeked.header.alg !== "RS256") return { ok: false, reason: "unsupported-algorithm" };
  const kid = peeked.header.kid;
  const candidates = typeof kid === "string" ? keys.filter((k) => k.kid === kid) : keys;
  if (candidates.length === 0) return { ok: false, reason: "unknown-key" };
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2], "base64url");
  for (const k of candidates) {
    if (verify("sha256", data, k.key, signature)) return { ok: true, header: peeked.header, payload: peeked.payload };
  }
  return { ok: false, reason: "bad-signature" };
}
