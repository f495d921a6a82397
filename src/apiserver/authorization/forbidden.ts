// The 403 a refused request gets, in the words of kube-apiserver's authorization filter
// (responsewriters.Forbidden): `pods "nginx" is forbidden: User "jane" cannot get resource
// "pods" in API group "" in the namespace "default"`, with the authorizer's reason appended
// after a colon when it gave one. The user's groups are not shown, as Kubernetes stopped
// showing them.

import { ApiError } from "../../api/errors.js";
import type { AuthorizationAttributes } from "./attributes.js";

/** `User "jane" cannot list resource "pods" in API group "" in the namespace "default"`. */
export function forbiddenMessage(attrs: AuthorizationAttributes): string {
  const user = JSON.stringify(attrs.user.name);
  if (!attrs.resourceRequest) return `User ${user} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const scope = attrs.namespace ? `in the namespace ${JSON.stringify(attrs.namespace)}` : "at the cluster scope";
  return `User ${user} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)} ${scope}`;
}

/** The Forbidden Status for refused attributes; `reason` is the authorizer's ("" for none). */
export function forbiddenError(attrs: AuthorizationAttributes, reason: string): ApiError {
  const why = reason ? `${forbiddenMessage(attrs)}: ${reason}` : forbiddenMessage(attrs);
  return ApiError.forbidden({ group: attrs.apiGroup, resource: attrs.resource }, attrs.name, why);
}
