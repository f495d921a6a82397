// The attributes an authorizer decides on (Kubernetes' authorizer.Attributes): who, which verb,
// and either a resource (group, resource, subresource, namespace, name) or a non-resource path.
// requestAttributes derives them from a request the way kube-apiserver's RequestInfoFactory does,
// including its two quirks that matter to RBAC: a namespace object is its own namespace, and a
// list or watch narrowed by `fieldSelector=metadata.name=x` is a request for the object "x".

import { parseFieldSelector } from "../../api/selectors/field-selector.js";
import { nameIsPathSegment } from "../../api/validation/names.js";
import type { RequestInfo } from "../request-info.js";
import type { UserInfo } from "../user-info.js";

export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  /** True for API resources; false for paths such as /healthz or /version. */
  resourceRequest: boolean;
  /** "" = cluster scope (or all namespaces, for a list across them). */
  namespace: string;
  /** "" = the core group. */
  apiGroup: string;
  /** "*" when the caller does not name one (access reviews). */
  apiVersion: string;
  resource: string;
  subresource: string;
  /** "" when the request does not address one object (create, list, deletecollection). */
  name: string;
  /** The URL path; what non-resource rules match. */
  path: string;
}

/** Attributes of a resource request; unnamed fields are "" (apiVersion "*"). */
export function resourceAttributes(
  user: UserInfo,
  o: { verb: string } & Partial<Pick<AuthorizationAttributes, "namespace" | "apiGroup" | "apiVersion" | "resource" | "subresource" | "name" | "path">>,
): AuthorizationAttributes {
  return {
    user,
    verb: o.verb,
    resourceRequest: true,
    namespace: o.namespace ?? "",
    apiGroup: o.apiGroup ?? "",
    apiVersion: o.apiVersion ?? "*",
    resource: o.resource ?? "",
    subresource: o.subresource ?? "",
    name: o.name ?? "",
    path: o.path ?? "",
  };
}

/** Attributes of a non-resource request (a path and a verb). */
export function nonResourceAttributes(user: UserInfo, verb: string, path: string): AuthorizationAttributes {
  return { user, verb, resourceRequest: false, namespace: "", apiGroup: "", apiVersion: "", resource: "", subresource: "", name: "", path };
}

/**
 * The object a list or watch names through `fieldSelector` (`metadata.name=x`, also inside a
 * longer selector), as Kubernetes narrows such a request to that name for authorization; a
 * selector that does not parse, or a name that is no valid path segment (Kubernetes'
 * path.IsValidPathSegmentName), narrows nothing.
 */
function selectedName(query: URLSearchParams): string {
  const raw = query.get("fieldSelector");
  if (!raw) return "";
  try {
    const term = parseFieldSelector(raw).find((r) => r.field === "metadata.name" && r.op === "=");
    return term && nameIsPathSegment(term.value, false).length === 0 ? term.value : "";
  } catch {
    return "";
  }
}

/**
 * The attributes of one request, whose verb the caller has worked out (requestVerb in
 * request-verb.ts, shared with flow control); `path` is filled only for non-resource requests (RequestInfo does not carry the path of a
 * resource request, and RBAC ignores it there).
 */
export function requestAttributes(user: UserInfo, verb: string, info: RequestInfo, query: URLSearchParams): AuthorizationAttributes {
  if (info.kind === "nonResource") return nonResourceAttributes(user, verb, info.path);
  let name = info.name ?? "";
  // Only a plain GET of a collection is narrowed: the /watch/ prefix and deletecollection are not.
  if (name === "" && !info.watchPrefix && (verb === "list" || verb === "watch")) name = selectedName(query);
  // /api/v1/namespaces/foo addresses the namespace foo, and Kubernetes scopes it to itself, so a
  // RoleBinding in foo may grant `get namespaces` on foo.
  const namespace = info.namespace ?? (info.resource === "namespaces" && info.name !== undefined ? info.name : "");
  return resourceAttributes(user, {
    verb,
    namespace,
    apiGroup: info.group,
    apiVersion: info.version,
    resource: info.resource,
    subresource: info.subresource,
    name,
  });
}
