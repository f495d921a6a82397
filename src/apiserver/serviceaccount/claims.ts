// The claims of a service account token and the checks a presented token must pass, as
// kube-apiserver issues and validates them (pkg/serviceaccount): who it is for (sub, the
// `kubernetes.io` private claim with the service account and the object it is bound to), for
// whom (aud), and when (iat, nbf, exp, with one minute of leeway). Pure: the caller signs and
// verifies (jwt.ts) and looks the bound objects up.

import type { JsonObject } from "../../api/json.js";
import { projectedTokenExpirationSeconds } from "../../api/service-account-volume.js";
import { isJsonObject } from "../../api/json.js";
import type { UserInfo } from "../user-info.js";

/** The issuer kube-apiserver uses unless configured otherwise (--service-account-issuer). */
export const defaultIssuer = "https://kubernetes.default.svc.cluster.local";

/**
 * The expiration kubelet (and our agent) requests for projected tokens. A pod-bound token
 * requested with exactly this expiration is issued valid for a year (exp), with `warnafter`
 * at this many seconds: clients that never reload the file keep working, and the server can
 * tell which ones they are.
 */
export const warnOnlyBoundTokenExpirationSeconds = projectedTokenExpirationSeconds;

/** How long such an extended token stays valid: a year. */
export const extendedExpirationSeconds = 365 * 24 * 60 * 60;

/** Leeway for exp, nbf, iat, and for objects whose deletion has started (go-jose's DefaultLeeway). */
export const leewaySeconds = 60;

/** A name and uid, as the claims record an object. */
export interface ObjectRef {
  name: string;
  uid: string;
}

/** The payload of a service account token. Times are seconds since the epoch. */
export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  "kubernetes.io": {
    namespace: string;
    serviceaccount: ObjectRef;
    pod?: ObjectRef;
    secret?: ObjectRef;
    node?: ObjectRef;
    warnafter?: number;
  };
}

/** What a token is issued for. */
export interface ClaimsInput {
  issuer: string;
  serviceAccount: { namespace: string; name: string; uid: string };
  /** At most one of pod and secret; node only with pod (the node the pod is bound to). */
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
  audiences: readonly string[];
  expirationSeconds: number;
  /** Seconds after issue when the token counts as stale (extended tokens); 0 or absent for none. */
  warnAfterSeconds?: number;
  now: Date;
  /** A fresh random id (jti). */
  id: string;
}

/** `system:serviceaccount:<namespace>:<name>`, the user name of a service account. */
export function serviceAccountUserName(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The claims for a new token. */
export function makeClaims(o: ClaimsInput): ServiceAccountClaims {
  const iat = Math.floor(o.now.getTime() / 1000);
  const k8s: ServiceAccountClaims["kubernetes.io"] = {
    namespace: o.serviceAccount.namespace,
    serviceaccount: { name: o.serviceAccount.name, uid: o.serviceAccount.uid },
  };
  if (o.pod) {
    k8s.pod = { ...o.pod };
    if (o.node) k8s.node = { ...o.node };
  } else if (o.secret) {
    k8s.secret = { ...o.secret };
  }
  if (o.warnAfterSeconds) k8s.warnafter = iat + o.warnAfterSeconds;
  return {
    iss: o.issuer,
    sub: serviceAccountUserName(o.serviceAccount.namespace, o.serviceAccount.name),
    aud: [...o.audiences],
    exp: iat + o.expirationSeconds,
    iat,
    nbf: iat,
    jti: o.id,
    "kubernetes.io": k8s,
  };
}

function objectRef(v: unknown): ObjectRef | undefined {
  if (!isJsonObject(v)) return undefined;
  return { name: typeof v.name === "string" ? v.name : "", uid: typeof v.uid === "string" ? v.uid : "" };
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * Reads a verified payload as service account claims; undefined when it lacks what every such
 * token has (sub, exp, the kubernetes.io claim with namespace and service account).
 */
export function parseClaims(payload: JsonObject): ServiceAccountClaims | undefined {
  const k8s = payload["kubernetes.io"];
  if (!isJsonObject(k8s) || typeof k8s.namespace !== "string") return undefined;
  const serviceaccount = objectRef(k8s.serviceaccount);
  if (!serviceaccount || typeof payload.sub !== "string" || !isNum(payload.exp)) return undefined;
  const aud = typeof payload.aud === "string" ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud.filter((a): a is string => typeof a === "string") : [];
  const claims: ServiceAccountClaims = {
    iss: typeof payload.iss === "string" ? payload.iss : "",
    sub: payload.sub,
    aud,
    exp: payload.exp,
    iat: isNum(payload.iat) ? payload.iat : 0,
    nbf: isNum(payload.nbf) ? payload.nbf : 0,
    jti: typeof payload.jti === "string" ? payload.jti : "",
    "kubernetes.io": { namespace: k8s.namespace, serviceaccount },
  };
  const pod = objectRef(k8s.pod);
  const secret = objectRef(k8s.secret);
  const node = objectRef(k8s.node);
  if (pod) claims["kubernetes.io"].pod = pod;
  if (secret) claims["kubernetes.io"].secret = secret;
  if (node) claims["kubernetes.io"].node = node;
  if (isNum(k8s.warnafter)) claims["kubernetes.io"].warnafter = k8s.warnafter;
  return claims;
}

/** Go's %q of a []string: `["a" "b"]`. */
const quoteList = (xs: readonly string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(" ")}]`;

/**
 * The time and audience checks; undefined when they pass, else the reason. A token without
 * audiences counts as one for the API server's own (a legacy token).
 */
export function checkClaims(claims: ServiceAccountClaims, o: { audiences: readonly string[]; now: Date }): string | undefined {
  const now = o.now.getTime() / 1000;
  const tokenAudiences = claims.aud.length > 0 ? claims.aud : o.audiences;
  if (!tokenAudiences.some((a) => o.audiences.includes(a))) {
    return `token audiences ${quoteList(tokenAudiences)} is invalid for the target audiences ${quoteList(o.audiences)}`;
  }
  if (now > claims.exp + leewaySeconds) return "service account token has expired";
  if (claims.nbf && now + leewaySeconds < claims.nbf) return "service account token is not valid yet";
  if (claims.iat && now + leewaySeconds < claims.iat) return "service account token is issued in the future";
  return undefined;
}

/** The state of an object a token names, as a lookup found it. */
export interface LiveObject {
  uid: string;
  deletionTimestamp?: string;
}

/** What looking up the objects a token names found; undefined where an object does not exist. */
export interface BoundObjects {
  serviceAccount?: LiveObject;
  pod?: LiveObject;
  secret?: LiveObject;
}

/** Who a validated token speaks for. */
export interface ServiceAccountInfo {
  namespace: string;
  name: string;
  uid: string;
  podName?: string;
  podUID?: string;
  nodeName?: string;
  nodeUID?: string;
  /** `JTI=<jti>`, when the token carries one. */
  credentialID?: string;
}

export type BindingResult = { ok: true; info: ServiceAccountInfo } | { ok: false; error: string };

/** Deleted before now minus the leeway: objects whose graceful deletion began long enough ago. */
function deletedLongAgo(o: LiveObject, now: Date): boolean {
  return o.deletionTimestamp !== undefined && Date.parse(o.deletionTimestamp) < now.getTime() - leewaySeconds * 1000;
}

/**
 * Is the token still backed by live objects: the service account (same uid) and, when bound,
 * the pod or secret (same uid, and not deleted more than a minute ago)? Kubernetes' wording.
 */
export function checkBinding(claims: ServiceAccountClaims, found: BoundObjects, now: Date): BindingResult {
  const k = claims["kubernetes.io"];
  const ns = k.namespace;
  const sa = found.serviceAccount;
  if (!sa) return { ok: false, error: `serviceaccounts "${k.serviceaccount.name}" not found` };
  if (sa.uid !== k.serviceaccount.uid) return { ok: false, error: `service account UID (${sa.uid}) does not match claim (${k.serviceaccount.uid})` };
  if (deletedLongAgo(sa, now)) return { ok: false, error: `service account ${ns}/${k.serviceaccount.name} has been deleted` };
  if (k.secret) {
    const secret = found.secret;
    if (!secret) return { ok: false, error: "service account token has been invalidated" };
    if (secret.uid !== k.secret.uid) return { ok: false, error: `secret UID (${secret.uid}) does not match service account secret ref claim (${k.secret.uid})` };
    if (deletedLongAgo(secret, now)) return { ok: false, error: "service account token has been invalidated" };
  }
  const info: ServiceAccountInfo = { namespace: ns, name: k.serviceaccount.name, uid: k.serviceaccount.uid };
  if (k.pod) {
    const pod = found.pod;
    if (!pod) return { ok: false, error: "service account token has been invalidated" };
    if (pod.uid !== k.pod.uid) return { ok: false, error: `pod UID (${pod.uid}) does not match service account pod ref claim (${k.pod.uid})` };
    if (deletedLongAgo(pod, now)) return { ok: false, error: "service account token has been invalidated" };
    info.podName = k.pod.name;
    info.podUID = k.pod.uid;
    if (k.node) {
      info.nodeName = k.node.name;
      info.nodeUID = k.node.uid;
    }
  }
  if (claims.jti) info.credentialID = `JTI=${claims.jti}`;
  return { ok: true, info };
}

/**
 * The user a service account token authenticates as: system:serviceaccount:<ns>:<name>, in
 * system:serviceaccounts, system:serviceaccounts:<ns> and system:authenticated, with the bound
 * pod and node as extras (authentication.kubernetes.io/pod-name, …).
 */
export function userInfoOf(info: ServiceAccountInfo): UserInfo {
  const extra: Record<string, string[]> = {};
  const add = (key: string, value: string | undefined): void => {
    if (value) extra[`authentication.kubernetes.io/${key}`] = [value];
  };
  add("pod-name", info.podName);
  add("pod-uid", info.podUID);
  add("node-name", info.nodeName);
  add("node-uid", info.nodeUID);
  add("credential-id", info.credentialID);
  return {
    name: serviceAccountUserName(info.namespace, info.name),
    uid: info.uid,
    groups: ["system:serviceaccounts", `system:serviceaccounts:${info.namespace}`, "system:authenticated"],
    ...(Object.keys(extra).length > 0 && { extra }),
  };
}
