// The Kubernetes verb of a resource request (what RBAC, audit and flow control name it), from
// the HTTP method and what the path addresses: GET is get, list or watch; DELETE on a
// collection is deletecollection; HEAD reads like GET.

import type { RequestInfo } from "./request-info.js";

type ResourceRequestInfo = Extract<RequestInfo, { kind: "resource" }>;

/** The verb of a resource request, or the lower-cased method when none applies (e.g. OPTIONS). */
export function resourceRequestVerb(method: string, info: ResourceRequestInfo, query: URLSearchParams): string {
  const m = method.toUpperCase();
  const watchParam = query.get("watch");
  const watching = info.watchPrefix || watchParam === "true" || watchParam === "1";
  switch (m) {
    case "GET":
    case "HEAD":
      if (watching) return "watch";
      return info.name === undefined ? "list" : "get";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return info.name === undefined ? "deletecollection" : "delete";
    default:
      return m.toLowerCase();
  }
}

/** The verb of a non-resource request (`/healthz`, `/api`): the lower-cased method, HEAD as get. */
export function nonResourceRequestVerb(method: string): string {
  const m = method.toUpperCase();
  return m === "HEAD" ? "get" : m.toLowerCase();
}

/** The verb of any request: a resource request's by resourceRequestVerb, a non-resource one's by nonResourceRequestVerb. */
export function requestVerb(method: string, info: RequestInfo, query: URLSearchParams): string {
  return info.kind === "nonResource" ? nonResourceRequestVerb(method) : resourceRequestVerb(method, info, query);
}

/** Verbs that change stored state (audited, counted as mutating by flow control, limited by the node restriction). */
export function isMutatingVerb(verb: string): boolean {
  return verb === "create" || verb === "update" || verb === "patch" || verb === "delete" || verb === "deletecollection";
}
