// Authenticates bearer tokens that are service account tokens: verified by the issuer
// (signature, audience, time), then checked against the objects they name — the service
// account and the bound pod or secret must still exist with the same uid (claims.ts). Lookups
// go to a cache kept by watching (bound-object-index.ts) and, in the asynchronous variant, to
// the store for what the cache does not have yet — as kube-apiserver consults its informers and
// falls back to a live read.

import type { UserInfo } from "../user-info.js";
import type { BoundObjects, LiveObject, ServiceAccountClaims } from "./claims.js";
import { checkBinding, userInfoOf } from "./claims.js";
import type { ServiceAccountTokens } from "./service-account-tokens.js";

/** The kinds of object a token can name. */
export type BoundKind = "ServiceAccount" | "Pod" | "Secret";

/** Finds an object by kind, namespace and name; undefined when absent. */
export interface BoundObjectLookup {
  find(kind: BoundKind, namespace: string, name: string): LiveObject | undefined;
}

/** The same, reading the store. */
export interface LiveBoundObjectLookup {
  find(kind: BoundKind, namespace: string, name: string): Promise<LiveObject | undefined>;
}

/** The outcome of authenticating one token. */
export type TokenAuthentication = { kind: "not-ours" } | { kind: "failed"; error: string } | { kind: "ok"; user: UserInfo };

type Wanted = [key: keyof BoundObjects, kind: BoundKind, name: string][];

function wanted(claims: ServiceAccountClaims): Wanted {
  const k = claims["kubernetes.io"];
  const out: Wanted = [["serviceAccount", "ServiceAccount", k.serviceaccount.name]];
  if (k.pod) out.push(["pod", "Pod", k.pod.name]);
  if (k.secret) out.push(["secret", "Secret", k.secret.name]);
  return out;
}

export class ServiceAccountTokenAuthenticator {
  readonly #tokens: ServiceAccountTokens;
  readonly #cached: BoundObjectLookup;
  readonly #live: LiveBoundObjectLookup | undefined;

  constructor(tokens: ServiceAccountTokens, lookups: { cached: BoundObjectLookup; live?: LiveBoundObjectLookup }) {
    this.#tokens = tokens;
    this.#cached = lookups.cached;
    this.#live = lookups.live;
  }

  #finish(claims: ServiceAccountClaims, found: BoundObjects): TokenAuthentication {
    const r = checkBinding(claims, found, this.#tokens.now());
    return r.ok ? { kind: "ok", user: userInfoOf(r.info) } : { kind: "failed", error: r.error };
  }

  /** From the cache alone (for callers that cannot wait, such as upgrade handlers). */
  authenticateCached(token: string): TokenAuthentication {
    const v = this.#tokens.verify(token);
    if (v.kind !== "valid") return v.kind === "invalid" ? { kind: "failed", error: v.error } : v;
    return this.#finish(v.claims, this.#lookUp(v.claims, (kind, ns, name) => this.#cached.find(kind, ns, name)));
  }

  /**
   * From the cache; when the cache's objects do not back the token (absent, or another uid: the
   * cache may not have seen a create yet), from the store.
   */
  async authenticate(token: string): Promise<TokenAuthentication> {
    const v = this.#tokens.verify(token);
    if (v.kind !== "valid") return v.kind === "invalid" ? { kind: "failed", error: v.error } : v;
    const cached = this.#finish(v.claims, this.#lookUp(v.claims, (kind, ns, name) => this.#cached.find(kind, ns, name)));
    const live = this.#live;
    if (cached.kind === "ok" || !live) return cached;
    const found: BoundObjects = {};
    const ns = v.claims["kubernetes.io"].namespace;
    for (const [key, kind, name] of wanted(v.claims)) found[key] = await live.find(kind, ns, name);
    return this.#finish(v.claims, found);
  }

  #lookUp(claims: ServiceAccountClaims, find: (kind: BoundKind, ns: string, name: string) => LiveObject | undefined): BoundObjects {
    const ns = claims["kubernetes.io"].namespace;
    const found: BoundObjects = {};
    for (const [key, kind, name] of wanted(claims)) found[key] = find(kind, ns, name);
    return found;
  }
}
