// User impersonation (`kubectl --as`, `--as-group`, `--as-uid`, and Impersonate-Extra-<key>
// headers), as kube-apiserver's impersonation filter does it: every piece of the identity asked
// for is a separate authorization check of verb "impersonate" for the requester — on users,
// groups or uids, on serviceaccounts in their namespace for a service account's user name, on
// userextras/<key> — and the request then runs as that identity. Groups, uid and extras need a
// user. The impersonated user gets system:authenticated (system:unauthenticated for
// system:anonymous) unless the groups asked for already say which; a service account, when no
// groups are asked for, gets its usual service-account groups.

import { ApiError } from "../../api/errors.js";
import { isDNS1123Label, isDNS1123Subdomain } from "../../api/validation/names.js";
import { serviceAccountUserName } from "../serviceaccount/claims.js";
import type { UserInfo } from "../user-info.js";
import type { AuthorizationAttributes } from "./attributes.js";
import { resourceAttributes } from "./attributes.js";
import type { Authorizer } from "./authorizer.js";
import { forbiddenError } from "./forbidden.js";

export const IMPERSONATE_USER_HEADER = "impersonate-user";
export const IMPERSONATE_GROUP_HEADER = "impersonate-group";
export const IMPERSONATE_UID_HEADER = "impersonate-uid";
export const IMPERSONATE_EXTRA_PREFIX = "impersonate-extra-";

const AUTHENTICATION_GROUP = "authentication.k8s.io";
const SA_PREFIX = "system:serviceaccount:";

/** Request headers by name (any case), one value or several (Node's headersDistinct gives several). */
export type HeaderValues = Readonly<Record<string, string | readonly string[] | undefined>>;

/** One thing to impersonate, shaped as Kubernetes' ObjectReference for it (its errors print them). */
export interface ImpersonationRequest {
  kind: "User" | "ServiceAccount" | "Group" | "UserExtra" | "UID";
  namespace: string;
  name: string;
  apiVersion: string;
  /** The extra's key, for UserExtra. */
  fieldPath: string;
}

function valuesOf(headers: HeaderValues, name: string): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name || v === undefined) continue;
    out.push(...(typeof v === "string" ? [v] : v));
  }
  return out;
}

/** `system:serviceaccount:<ns>:<name>` with a valid namespace and name (Kubernetes' SplitUsername). */
export function splitServiceAccountUserName(user: string): { namespace: string; name: string } | undefined {
  if (!user.startsWith(SA_PREFIX)) return undefined;
  const parts = user.slice(SA_PREFIX.length).split(":");
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts;
  if (isDNS1123Label(namespace).length > 0 || isDNS1123Subdomain(name).length > 0) return undefined;
  return { namespace, name };
}

/** A %-encoded extra key is decoded (a malformed one is kept as sent). */
function unescapeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** Go's %v of the requests, as Kubernetes' error prints them: `[{Group  g    }]`. */
function goRequests(rs: readonly ImpersonationRequest[]): string {
  return `[${rs.map((r) => `{${[r.kind, r.namespace, r.name, "", r.apiVersion, "", r.fieldPath].join(" ")}}`).join(" ")}]`;
}

/**
 * The impersonation the headers ask for, in the order checked: the user, the groups, the extras
 * (by key), the uid. Empty when there is none; an error message when groups, extras or a uid
 * come without a user.
 */
export function impersonationRequests(headers: HeaderValues): { ok: true; requests: ImpersonationRequest[] } | { ok: false; message: string } {
  const requests: ImpersonationRequest[] = [];
  const userName = valuesOf(headers, IMPERSONATE_USER_HEADER)[0] ?? "";
  if (userName) {
    const sa = splitServiceAccountUserName(userName);
    requests.push(sa ? { kind: "ServiceAccount", ...sa, apiVersion: "", fieldPath: "" } : { kind: "User", namespace: "", name: userName, apiVersion: "", fieldPath: "" });
  }
  const groups = valuesOf(headers, IMPERSONATE_GROUP_HEADER);
  for (const g of groups) requests.push({ kind: "Group", namespace: "", name: g, apiVersion: "", fieldPath: "" });
  const extraHeaders = [...new Set(Object.keys(headers).map((k) => k.toLowerCase()))].filter((k) => k.startsWith(IMPERSONATE_EXTRA_PREFIX)).sort();
  for (const h of extraHeaders) {
    const key = unescapeExtraKey(h.slice(IMPERSONATE_EXTRA_PREFIX.length));
    for (const value of valuesOf(headers, h)) requests.push({ kind: "UserExtra", namespace: "", name: value, apiVersion: `${AUTHENTICATION_GROUP}/v1`, fieldPath: key });
  }
  const uid = valuesOf(headers, IMPERSONATE_UID_HEADER)[0] ?? "";
  if (uid) requests.push({ kind: "UID", namespace: "", name: uid, apiVersion: `${AUTHENTICATION_GROUP}/v1`, fieldPath: "" });
  if (!userName && requests.length > 0) return { ok: false, message: `requested ${goRequests(requests)} without impersonating a user` };
  return { ok: true, requests };
}

/** The authorization check one request needs: verb impersonate on the thing impersonated. */
export function impersonationCheck(requester: UserInfo, r: ImpersonationRequest): AuthorizationAttributes {
  const base = { verb: "impersonate", name: r.name, apiVersion: r.apiVersion.split("/")[1] ?? "" };
  switch (r.kind) {
    case "ServiceAccount":
      return resourceAttributes(requester, { ...base, resource: "serviceaccounts", namespace: r.namespace });
    case "User":
      return resourceAttributes(requester, { ...base, resource: "users" });
    case "Group":
      return resourceAttributes(requester, { ...base, resource: "groups" });
    case "UserExtra":
      return resourceAttributes(requester, { ...base, apiGroup: AUTHENTICATION_GROUP, resource: "userextras", subresource: r.fieldPath });
    case "UID":
      return resourceAttributes(requester, { ...base, apiGroup: AUTHENTICATION_GROUP, resource: "uids" });
  }
}

/** The identity the requests describe (checks aside). */
export function impersonatedUser(requests: readonly ImpersonationRequest[]): UserInfo {
  const groupsSpecified = requests.some((r) => r.kind === "Group");
  let name = "";
  let uid = "";
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const r of requests) {
    switch (r.kind) {
      case "ServiceAccount":
        name = serviceAccountUserName(r.namespace, r.name);
        if (!groupsSpecified) groups = ["system:serviceaccounts", `system:serviceaccounts:${r.namespace}`];
        break;
      case "User":
        name = r.name;
        break;
      case "Group":
        groups.push(r.name);
        break;
      case "UserExtra":
        (extra[r.fieldPath] ??= []).push(r.name);
        break;
      case "UID":
        uid = r.name;
        break;
    }
  }
  if (name !== "system:anonymous") {
    if (!groups.includes("system:authenticated") && !groups.includes("system:unauthenticated")) groups.push("system:authenticated");
  } else if (!groups.includes("system:unauthenticated")) {
    groups.push("system:unauthenticated");
  }
  return { name, groups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length > 0 ? { extra } : {}) };
}

export type ImpersonationOutcome = { kind: "none" } | { kind: "impersonate"; user: UserInfo } | { kind: "refused"; error: ApiError };

/**
 * Applies the impersonation headers of a request made by `requester`. "none" when there are
 * none; "refused" with a 403 in Kubernetes' words for the first check that fails (`users "bob"
 * is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster
 * scope`), or with a 500 for groups without a user (Kubernetes answers that as an internal error).
 */
export function impersonate(authz: Authorizer, requester: UserInfo, headers: HeaderValues): ImpersonationOutcome {
  const parsed = impersonationRequests(headers);
  if (!parsed.ok) return { kind: "refused", error: ApiError.internal(new Error(parsed.message)) };
  if (parsed.requests.length === 0) return { kind: "none" };
  for (const r of parsed.requests) {
    const attrs = impersonationCheck(requester, r);
    const got = authz.authorize(attrs);
    if (got.decision !== "allow") return { kind: "refused", error: forbiddenError(attrs, got.reason) };
  }
  return { kind: "impersonate", user: impersonatedUser(parsed.requests) };
}
