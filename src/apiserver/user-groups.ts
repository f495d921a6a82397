// The identities Kubernetes gives meaning to by name, in one place for the authenticators,
// authorizers, flow control and the credentials svcnet issues: every authenticated user is in
// system:authenticated (kube-apiserver's group adder), system:masters may do anything, and a node
// agent is system:node:<name> in system:nodes (what the node restriction keys on).

import type { UserInfo } from "./user-info.js";

export const AUTHENTICATED_GROUP = "system:authenticated";
export const MASTERS_GROUP = "system:masters";
export const NODES_GROUP = "system:nodes";

const NODE_USER_PREFIX = "system:node:";

/** `user`, in system:authenticated (the same object when it already is). */
export function withAuthenticatedGroup<T extends Pick<UserInfo, "name" | "groups">>(user: T): T {
  return user.groups.includes(AUTHENTICATED_GROUP) ? user : { ...user, groups: [...user.groups, AUTHENTICATED_GROUP] };
}

/** The user name of node `name`'s agent. */
export function nodeUserName(name: string): string {
  return `${NODE_USER_PREFIX}${name}`;
}

/** The node an identity speaks for: its name when the user is system:node:<name> in system:nodes; "" for a node identity without a name; undefined for anyone else. */
export function nodeOf(user: UserInfo): string | undefined {
  if (!user.groups.includes(NODES_GROUP)) return undefined;
  return user.name.startsWith(NODE_USER_PREFIX) ? user.name.slice(NODE_USER_PREFIX.length) : "";
}

/**
 * The user of the API server's client certificate for node agents (kubeadm's
 * apiserver-kubelet-client): RBAC's system:kubelet-api-admin lets it reach every agent.
 */
export const KUBELET_CLIENT_USER = "kube-apiserver-kubelet-client";
