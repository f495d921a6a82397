// Protobuf field table: rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding and
// ClusterRoleBinding (what `kubectl create role|clusterrole|rolebinding|clusterrolebinding`
// sends). Field numbers follow Kubernetes 1.32's generated.proto; JSON names and zero-value
// handling follow the Go types. Notation: see ../message-schema.ts.

import type { MessageSpec } from "../message-schema.js";
import { defineMessages } from "../message-schema.js";

/** Messages of k8s.io.api.rbac.v1 in this table. */
export const rbacV1Messages: MessageSpec[] = defineMessages("k8s.io.api.rbac.v1", {
  Role: "1 metadata meta.ObjectMeta; 2 rules PolicyRule[]",
  ClusterRole: "1 metadata meta.ObjectMeta; 2 rules PolicyRule[]; 3 aggregationRule AggregationRule",
  PolicyRule: "1 verbs string[]; 2 apiGroups string[]; 3 resources string[]; 4 resourceNames string[]; 5 nonResourceURLs string[]",
  AggregationRule: "1 clusterRoleSelectors meta.LabelSelector[]",
  RoleBinding: "1 metadata meta.ObjectMeta; 2 subjects Subject[]; 3 roleRef RoleRef",
  ClusterRoleBinding: "1 metadata meta.ObjectMeta; 2 subjects Subject[]; 3 roleRef RoleRef",
  RoleRef: "1 apiGroup string!; 2 kind string!; 3 name string!",
  Subject: "1 kind string!; 2 apiGroup string; 3 name string!; 4 namespace string",
});
