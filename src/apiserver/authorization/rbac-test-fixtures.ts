// Small builders of RBAC objects for the authorization tests (frozen, as cache objects are).

import { deepFreeze } from "../../api/json.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from "../../api/rbac-types.js";
import { RBAC_GROUP } from "../../api/rbac-types.js";

export const user = (name: string): Subject => ({ kind: "User", apiGroup: RBAC_GROUP, name });
export const group = (name: string): Subject => ({ kind: "Group", apiGroup: RBAC_GROUP, name });
export const serviceAccount = (name: string, namespace?: string): Subject => ({ kind: "ServiceAccount", name, ...(namespace ? { namespace } : {}) });

export function clusterRole(name: string, rules: PolicyRule[], o: { labels?: Record<string, string>; aggregate?: Record<string, string>[] } = {}): ClusterRole {
  return deepFreeze({
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: "ClusterRole",
    metadata: { name, ...(o.labels ? { labels: o.labels } : {}) },
    rules,
    ...(o.aggregate ? { aggregationRule: { clusterRoleSelectors: o.aggregate.map((matchLabels) => ({ matchLabels })) } } : {}),
  });
}

export function role(namespace: string, name: string, rules: PolicyRule[]): Role {
  return deepFreeze({ apiVersion: `${RBAC_GROUP}/v1`, kind: "Role", metadata: { namespace, name }, rules });
}

export function clusterRoleBinding(name: string, roleName: string, subjects: Subject[], kind = "ClusterRole"): ClusterRoleBinding {
  return deepFreeze({ apiVersion: `${RBAC_GROUP}/v1`, kind: "ClusterRoleBinding", metadata: { name }, roleRef: { apiGroup: RBAC_GROUP, kind, name: roleName }, subjects });
}

export function roleBinding(namespace: string, name: string, roleRef: { kind: string; name: string }, subjects: Subject[]): RoleBinding {
  return deepFreeze({ apiVersion: `${RBAC_GROUP}/v1`, kind: "RoleBinding", metadata: { namespace, name }, roleRef: { apiGroup: RBAC_GROUP, ...roleRef }, subjects });
}
