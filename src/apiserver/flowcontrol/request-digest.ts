// What flow control knows of a request: who (authenticated users implicitly in
// system:authenticated, anyone else system:anonymous in system:unauthenticated, as Kubernetes'
// authenticators put them), the Kubernetes verb, and what it addresses. And which requests are
// long-running — kube-apiserver's list: watches, proxying, and the log, exec, attach,
// portforward and proxy subresources — which never take a seat: they last as long as their
// client wants, and a seat held that long would shut others out.

import type { RequestInfo } from "../request-info.js";
import type { UserInfo } from "../user-info.js";
import type { FlowUser, RequestDigest } from "./flow-schemas.js";
import { withAuthenticatedGroup } from "../user-groups.js";

const anonymous: FlowUser = { name: "system:anonymous", groups: ["system:unauthenticated"] };

function flowUser(user: UserInfo | undefined): FlowUser {
  if (!user) return anonymous;
  return withAuthenticatedGroup({ name: user.name, groups: user.groups });
}

/** The digest of a request by `user` addressing `info`; `verb` is its requestVerb (request-verb.ts). */
export function requestDigest(verb: string, info: RequestInfo, user: UserInfo | undefined): RequestDigest {
  if (info.kind === "nonResource") return { user: flowUser(user), verb, target: { kind: "nonResource", path: info.path } };
  return {
    user: flowUser(user),
    verb,
    target: { kind: "resource", apiGroup: info.group, resource: info.resource, subresource: info.subresource, namespace: info.namespace },
  };
}

const longRunningSubresources = new Set(["log", "exec", "attach", "portforward", "proxy"]);

/** Whether a request is long-running and so never waits for, nor holds, a seat. */
export function isLongRunning(d: RequestDigest): boolean {
  if (d.verb === "watch" || d.verb === "proxy") return true;
  return d.target.kind === "resource" && longRunningSubresources.has(d.target.subresource);
}
