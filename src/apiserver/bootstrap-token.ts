// Bootstrap tokens as Kubernetes defines them ("Authenticating with Bootstrap Tokens"): a bearer
// token `<id>.<secret>` (6 and 16 characters of [a-z0-9]) backed by a Secret
// `kube-system/bootstrap-token-<id>` of type bootstrap.kubernetes.io/token. Pure: parsing,
// making the Secret, and deciding whether a presented token is good against its Secret. The
// lookup of the Secret lives in bootstrap-token-authenticator.ts.

import type { KubeObject } from "../api/types.js";
import type { UserInfo } from "./user-info.js";

export const bootstrapTokenNamespace = "kube-system";
export const bootstrapTokenSecretPrefix = "bootstrap-token-";
export const bootstrapTokenSecretType = "bootstrap.kubernetes.io/token";
/** The group every bootstrap token authenticates in, besides its extra groups. */
export const bootstrapTokenDefaultGroup = "system:bootstrappers";
/** The user name prefix: a token `abcdef.…` authenticates as system:bootstrap:abcdef. */
export const bootstrapTokenUserPrefix = "system:bootstrap:";

/** The keys of a bootstrap token Secret's data. */
export const bootstrapTokenKeys = {
  id: "token-id",
  secret: "token-secret",
  expiration: "expiration",
  description: "description",
  extraGroups: "auth-extra-groups",
  usagePrefix: "usage-bootstrap-",
} as const;

/** The usages a token may carry (usage-bootstrap-<usage>: "true"). */
export const bootstrapTokenUsages = ["authentication", "signing"] as const;
export type BootstrapTokenUsage = (typeof bootstrapTokenUsages)[number];

const tokenPattern = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const idPattern = /^[a-z0-9]{6}$/;
/** What an extra group must look like (Kubernetes' BootstrapGroupPattern). */
const extraGroupPattern = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;
const tokenAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A bootstrap token split into its public id and its secret. */
export interface BootstrapToken {
  id: string;
  secret: string;
}

/** A Secret as far as bootstrap tokens read it: `data` values are base64. */
export interface BootstrapTokenSecret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

/** `abcdef.0123456789abcdef` → its parts; undefined for anything else. */
export function parseBootstrapToken(text: string): BootstrapToken | undefined {
  const m = tokenPattern.exec(text);
  return m ? { id: m[1], secret: m[2] } : undefined;
}

export function formatBootstrapToken(t: BootstrapToken): string {
  return `${t.id}.${t.secret}`;
}

/** Is `id` a token id (6 of [a-z0-9])? */
export function isBootstrapTokenId(id: string): boolean {
  return idPattern.test(id);
}

export function bootstrapTokenSecretName(id: string): string {
  return `${bootstrapTokenSecretPrefix}${id}`;
}

/**
 * A fresh token from `randomBytes(n)` (node:crypto's in production). Each character takes one
 * byte below the largest multiple of 36 (the rest are drawn again), so every character is
 * uniformly one of [a-z0-9].
 */
export function generateBootstrapToken(randomBytes: (n: number) => Uint8Array): BootstrapToken {
  const limit = 256 - (256 % tokenAlphabet.length);
  let out = "";
  while (out.length < 22) {
    for (const b of randomBytes(32)) {
      if (b < limit && out.length < 22) out += tokenAlphabet[b % tokenAlphabet.length];
    }
  }
  return { id: out.slice(0, 6), secret: out.slice(6) };
}

/** What a new token Secret says besides the token. */
export interface BootstrapTokenSpec {
  token: BootstrapToken;
  /** Time to live in ms; 0 or undefined: never expires. */
  ttlMs?: number;
  now: Date;
  description?: string;
  usages?: readonly BootstrapTokenUsage[];
  /** Each must match system:bootstrappers:… (see bootstrapTokenSpecError). */
  extraGroups?: readonly string[];
}

/** Why a spec cannot become a token Secret (a one-line message), or undefined. */
export function bootstrapTokenSpecError(spec: Omit<BootstrapTokenSpec, "now">): string | undefined {
  if (!isBootstrapTokenId(spec.token.id) || !/^[a-z0-9]{16}$/.test(spec.token.secret)) return "a token must look like [a-z0-9]{6}.[a-z0-9]{16}";
  if (spec.ttlMs !== undefined && (!Number.isFinite(spec.ttlMs) || spec.ttlMs < 0)) return "the ttl must be 0 (never expires) or a positive duration";
  for (const g of spec.extraGroups ?? []) {
    if (!extraGroupPattern.test(g)) return `extra group ${JSON.stringify(g)} must match ${extraGroupPattern.source}`;
  }
  return undefined;
}

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");
const unb64 = (s: string | undefined): string | undefined => (s === undefined ? undefined : Buffer.from(s, "base64").toString("utf8"));

/** The Secret that backs a token (data base64-encoded, as the API stores it). */
export function bootstrapTokenSecret(spec: BootstrapTokenSpec): BootstrapTokenSecret {
  const data: Record<string, string> = {
    [bootstrapTokenKeys.id]: b64(spec.token.id),
    [bootstrapTokenKeys.secret]: b64(spec.token.secret),
  };
  if (spec.ttlMs) data[bootstrapTokenKeys.expiration] = b64(rfc3339Seconds(new Date(spec.now.getTime() + spec.ttlMs)));
  if (spec.description) data[bootstrapTokenKeys.description] = b64(spec.description);
  for (const u of spec.usages ?? ["authentication", "signing"]) data[`${bootstrapTokenKeys.usagePrefix}${u}`] = b64("true");
  if (spec.extraGroups?.length) data[bootstrapTokenKeys.extraGroups] = b64(spec.extraGroups.join(","));
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: bootstrapTokenSecretName(spec.token.id), namespace: bootstrapTokenNamespace },
    type: bootstrapTokenSecretType,
    data,
  };
}

/** A token Secret's fields, decoded; what `svcnet token list` shows. */
export interface BootstrapTokenInfo {
  id: string;
  /** Undefined: never expires. Invalid dates stay as text (they count as expired). */
  expiration?: string;
  description?: string;
  usages: string[];
  extraGroups: string[];
}

/** Reads a token Secret's public fields; undefined when it is not a bootstrap token Secret. */
export function bootstrapTokenInfo(secret: BootstrapTokenSecret): BootstrapTokenInfo | undefined {
  if (secret.type !== bootstrapTokenSecretType) return undefined;
  const data = secret.data ?? {};
  const id = unb64(data[bootstrapTokenKeys.id]);
  if (!id) return undefined;
  const usages = Object.keys(data)
    .filter((k) => k.startsWith(bootstrapTokenKeys.usagePrefix) && unb64(data[k]) === "true")
    .map((k) => k.slice(bootstrapTokenKeys.usagePrefix.length))
    .sort();
  return {
    id,
    expiration: unb64(data[bootstrapTokenKeys.expiration]),
    description: unb64(data[bootstrapTokenKeys.description]),
    usages,
    extraGroups: splitGroups(unb64(data[bootstrapTokenKeys.extraGroups])),
  };
}

/**
 * Has the token expired at `now`? An expiration that is not an RFC 3339 time counts as expired,
 * as Kubernetes treats it.
 */
export function bootstrapTokenExpired(expiration: string | undefined, now: Date): boolean {
  if (expiration === undefined) return false;
  const at = parseRfc3339(expiration);
  return at === undefined || now.getTime() >= at;
}

/** The outcome of checking a presented token against the Secret found for its id. */
export type BootstrapTokenCheck = { ok: true; user: UserInfo } | { ok: false; reason: string };

/**
 * Kubernetes' bootstrap authenticator's rules: the Secret exists and is not being deleted, has
 * the bootstrap token type, its token-secret equals the presented secret (compared in constant
 * time by `secretsEqual`) and its token-id the presented id, it has not expired, it carries
 * usage-bootstrap-authentication "true", and every extra group is well-formed. The user is
 * system:bootstrap:<id> in system:bootstrappers, the extra groups and system:authenticated.
 */
export function checkBootstrapToken(
  token: BootstrapToken,
  secret: BootstrapTokenSecret | undefined,
  o: { now: Date; secretsEqual: (a: string, b: string) => boolean },
): BootstrapTokenCheck {
  const name = bootstrapTokenSecretName(token.id);
  if (!secret) return { ok: false, reason: `no secret ${bootstrapTokenNamespace}/${name}` };
  if (secret.metadata.deletionTimestamp) return { ok: false, reason: `secret ${name} is being deleted` };
  if (secret.type !== bootstrapTokenSecretType) return { ok: false, reason: `secret ${name} is not of type ${bootstrapTokenSecretType}` };
  const data = secret.data ?? {};
  if (!o.secretsEqual(unb64(data[bootstrapTokenKeys.secret]) ?? "", token.secret)) return { ok: false, reason: `secret ${name}: wrong ${bootstrapTokenKeys.secret}` };
  if (unb64(data[bootstrapTokenKeys.id]) !== token.id) return { ok: false, reason: `secret ${name}: wrong ${bootstrapTokenKeys.id}` };
  if (bootstrapTokenExpired(unb64(data[bootstrapTokenKeys.expiration]), o.now)) return { ok: false, reason: `token ${token.id} has expired` };
  if (unb64(data[`${bootstrapTokenKeys.usagePrefix}authentication`]) !== "true") {
    return { ok: false, reason: `token ${token.id} lacks usage-bootstrap-authentication` };
  }
  const extra = splitGroups(unb64(data[bootstrapTokenKeys.extraGroups]));
  const bad = extra.find((g) => !extraGroupPattern.test(g));
  if (bad !== undefined) return { ok: false, reason: `token ${token.id}: bad extra group ${JSON.stringify(bad)}` };
  const groups = [...new Set([bootstrapTokenDefaultGroup, ...extra, "system:authenticated"])];
  return { ok: true, user: { name: `${bootstrapTokenUserPrefix}${token.id}`, groups } };
}

function splitGroups(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((g) => g.trim())
    .filter((g) => g !== "");
}

/** RFC 3339 in UTC without fractional seconds, as kubeadm writes expirations. */
export function rfc3339Seconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Epoch ms of an RFC 3339 time (Z or ±hh:mm offset, optional fraction); undefined otherwise. */
export function parseRfc3339(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
