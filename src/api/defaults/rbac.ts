// rbac.authorization.k8s.io/v1 defaults (Kubernetes 1.32 pkg/apis/rbac/v1/defaults.go): a
// binding's roleRef.apiGroup and its User and Group subjects' apiGroup default to
// rbac.authorization.k8s.io; a ServiceAccount subject's apiGroup stays "" (the core group).

import { isJsonObject } from "../json.js";
import { RBAC_GROUP } from "../rbac-types.js";
import type { ClusterRoleBinding, RoleBinding } from "../rbac-types.js";

/** Defaults roleRef.apiGroup and each subject's apiGroup. Mutates the binding; tolerates missing or malformed parts. */
export function defaultRoleBinding(binding: RoleBinding | ClusterRoleBinding): void {
  if (isJsonObject(binding.roleRef) && !binding.roleRef.apiGroup) binding.roleRef.apiGroup = RBAC_GROUP;
  if (!Array.isArray(binding.subjects)) return;
  for (const subject of binding.subjects) {
    if (!isJsonObject(subject) || subject.apiGroup) continue;
    // Kubernetes writes "" for service accounts, which JSON then leaves out; unknown kinds keep what they had.
    if (subject.kind === "User" || subject.kind === "Group") subject.apiGroup = RBAC_GROUP;
  }
}
