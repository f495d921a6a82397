// Authenticates bearer tokens that are bootstrap tokens (bootstrap-token.ts): the token's Secret
// kube-system/bootstrap-token-<id> is read from the store and checked. A token that is good is
// remembered for a short while (kube-apiserver's token cache does the same, 10 s for successes),
// so an agent that uses its bootstrap token for every request does not cost a store read each;
// failures are never remembered, and a deleted or expired token stops working within that while.

import { createHash, timingSafeEqual } from "node:crypto";
import type { UserInfo } from "./user-info.js";
import type { TokenAuthentication } from "./serviceaccount/token-authenticator.js";
import type { BootstrapTokenSecret } from "./bootstrap-token.js";
import { bootstrapTokenSecretName, bootstrapTokenExpired, checkBootstrapToken, parseBootstrapToken } from "./bootstrap-token.js";

/** Reads a Secret of kube-system by name; undefined when absent. */
export type BootstrapSecretLookup = (name: string) => Promise<BootstrapTokenSecret | undefined>;

export interface BootstrapTokenAuthenticatorOptions {
  find: BootstrapSecretLookup;
  now?: () => Date;
  /** How long a successful check is reused (default 10 000 ms; 0 turns the cache off). */
  cacheMs?: number;
}

function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class BootstrapTokenAuthenticator {
  readonly #find: BootstrapSecretLookup;
  readonly #now: () => Date;
  readonly #cacheMs: number;
  /** sha256(token) → the user and until when (epoch ms) it may be reused. */
  readonly #cache = new Map<string, { user: UserInfo; until: number; expiration: string | undefined }>();

  constructor(o: BootstrapTokenAuthenticatorOptions) {
    this.#find = o.find;
    this.#now = o.now ?? (() => new Date());
    this.#cacheMs = o.cacheMs ?? 10_000;
  }

  /**
   * "not-ours" for anything not shaped like a bootstrap token (another authenticator may know
   * it); "failed" with the reason when it is one but its Secret does not back it.
   */
  async authenticate(token: string): Promise<TokenAuthentication> {
    const parsed = parseBootstrapToken(token);
    if (!parsed) return { kind: "not-ours" };
    const now = this.#now();
    const key = createHash("sha256").update(token).digest("hex");
    const hit = this.#cache.get(key);
    if (hit && now.getTime() < hit.until && !bootstrapTokenExpired(hit.expiration, now)) return { kind: "ok", user: hit.user };
    this.#cache.delete(key);
    const secret = await this.#find(bootstrapTokenSecretName(parsed.id));
    const check = checkBootstrapToken(parsed, secret, { now, secretsEqual });
    if (!check.ok) return { kind: "failed", error: check.reason };
    if (this.#cacheMs > 0) {
      const raw = secret?.data?.expiration;
      this.#cache.set(key, { user: check.user, until: now.getTime() + this.#cacheMs, expiration: raw === undefined ? undefined : Buffer.from(raw, "base64").toString("utf8") });
    }
    return { kind: "ok", user: check.user };
  }
}
