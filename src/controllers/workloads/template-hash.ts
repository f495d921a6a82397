// The pod-template-hash of a Deployment's pod template: FNV-32a over a deterministic rendering
// of the template, then the collision count as 8 little-endian bytes (only when the Deployment
// has one), printed in decimal and mapped through rand.SafeEncodeString — so the value is at most
// 10 characters of the alphabet "bcdfghjklmnpqrstvwxz2456789", as upstream's.
//
// Upstream renders the Go struct with go-spew, which depends on Go's field layout; svcnet renders
// canonical JSON (keys sorted, absent fields omitted) instead. Hashes are therefore stable and
// well-formed but not byte-identical to a real cluster's. Nothing reads the value except as an
// opaque label (kubectl strips it before comparing templates), so this is not a contract.

import { isJsonObject } from "../../api/json.js";
import type { PodTemplateSpec } from "../../api/types.js";

/** The alphabet of rand.SafeEncodeString (no vowels, no look-alike digits). */
export const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** Maps each character of `s` to SAFE_ALPHABET[code % 27], as rand.SafeEncodeString. */
export function safeEncodeString(s: string): string {
  let out = "";
  for (const ch of s) out += SAFE_ALPHABET[(ch.codePointAt(0) ?? 0) % SAFE_ALPHABET.length];
  return out;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, 32 bits, continuing from `seed` (defaults to the FNV offset basis). */
export function fnv32a(bytes: Uint8Array, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) h = Math.imul(h ^ b, FNV_PRIME) >>> 0;
  return h;
}

/** JSON with object keys sorted and undefined members dropped, at any depth. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : canonicalJson(x))).join(",")}]`;
  if (isJsonObject(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/**
 * The pod-template-hash for `template` with the Deployment's status.collisionCount (undefined
 * when the Deployment has none, which hashes differently from 0 as upstream).
 */
export function podTemplateHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined) {
    const extra = new Uint8Array(8);
    new DataView(extra.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(extra, h);
  }
  return safeEncodeString(String(h));
}
