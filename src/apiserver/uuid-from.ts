// UUID-shaped names for things that have no stored UID: the API server's built-in flow schemas
// and priority levels, and a server's leader-election identity. Derived from a hash of a text,
// they stay the same across restarts and servers, which random UUIDs would not.

import { createHash } from "node:crypto";

/** A UUID-shaped name derived from `text` (the first 128 bits of its SHA-256): the same text, the same UUID. */
export function uuidFrom(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
