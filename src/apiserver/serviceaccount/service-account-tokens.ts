// The service account token issuer and verifier of one API server: RS256 tokens signed with the
// cluster's service account key (src/server/service-account-key.ts), for one issuer and a set
// of audiences (by default just the issuer, as kube-apiserver's --api-audiences defaults).
// Verification here covers signature, issuer, audience and time; whether the objects a token
// names still exist is the authenticator's business (token-authenticator.ts).

import { createPublicKey, randomUUID } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { ClaimsInput, ServiceAccountClaims } from "./claims.js";
import { checkClaims, defaultIssuer, makeClaims, parseClaims } from "./claims.js";
import type { VerificationKey } from "./jwt.js";
import { keyIdOf, peekJwt, signJwt, verifyJwt } from "./jwt.js";

export interface ServiceAccountTokensOptions {
  /** The RSA private key tokens are signed with. */
  signingKey: KeyObject;
  /** Further public keys whose tokens are accepted (e.g. a previous key); the signing key's own is always accepted. */
  verificationKeys?: readonly KeyObject[];
  /** The `iss` of issued tokens, and the only issuer accepted. Default https://kubernetes.default.svc.cluster.local. */
  issuer?: string;
  /** The API server's own audiences: the default `aud` of issued tokens, and what presented tokens must name. Default [issuer]. */
  audiences?: readonly string[];
  /** Issue year-long tokens for the 3607 s requests of pod-bound projected volumes (kube-apiserver's default: true). */
  extendExpiration?: boolean;
  now?: () => Date;
  /** A fresh token id (jti); default a random UUID. */
  newId?: () => string;
}

/** The outcome of verifying a presented token. */
export type TokenVerification =
  | { kind: "not-ours" }
  | { kind: "invalid"; error: string }
  | { kind: "valid"; claims: ServiceAccountClaims };

export class ServiceAccountTokens {
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly extendExpiration: boolean;
  readonly #signer: { key: KeyObject; kid: string };
  readonly #keys: VerificationKey[];
  readonly #now: () => Date;
  readonly #newId: () => string;

  constructor(o: ServiceAccountTokensOptions) {
    this.issuer = o.issuer ?? defaultIssuer;
    this.audiences = o.audiences ?? [this.issuer];
    this.extendExpiration = o.extendExpiration ?? true;
    this.#signer = { key: o.signingKey, kid: keyIdOf(o.signingKey) };
    const publicKeys = [createPublicKey(o.signingKey), ...(o.verificationKeys ?? [])];
    this.#keys = publicKeys.map((key) => ({ key, kid: keyIdOf(key) }));
    this.#now = o.now ?? (() => new Date());
    this.#newId = o.newId ?? randomUUID;
  }

  /** The clock tokens are issued and checked by. */
  now(): Date {
    return this.#now();
  }

  /** Signs a new token; returns it with its claims. */
  issue(input: Omit<ClaimsInput, "issuer" | "now" | "id">): { token: string; claims: ServiceAccountClaims } {
    const claims = makeClaims({ ...input, issuer: this.issuer, now: this.#now(), id: this.#newId() });
    return { token: signJwt(claims as unknown as Parameters<typeof signJwt>[0], this.#signer), claims };
  }

  /**
   * Checks a presented bearer token. "not-ours" when it is not a JWT from this issuer (another
   * authenticator may know it); "invalid" with Kubernetes' reason when it claims to be ours but
   * fails signature, audience or time checks.
   */
  verify(token: string): TokenVerification {
    const peeked = peekJwt(token);
    if (!peeked || peeked.payload.iss !== this.issuer) return { kind: "not-ours" };
    const verified = verifyJwt(token, this.#keys);
    if (!verified.ok) return { kind: "invalid", error: verified.reason === "bad-signature" ? "crypto/rsa: verification error" : `token ${verified.reason}` };
    const claims = parseClaims(verified.payload);
    if (!claims) return { kind: "invalid", error: "service account token claims could not be validated due to unexpected private claim" };
    const error = checkClaims(claims, { audiences: this.audiences, now: this.#now() });
    return error ? { kind: "invalid", error } : { kind: "valid", claims };
  }
}
