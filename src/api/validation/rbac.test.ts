import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { aggregateMessage, type FieldError } from "../field-errors.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from "../rbac-types.js";
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
  validateRole,
  validateRoleBinding,
  validateRoleBindingUpdate,
  validateRoleUpdate,
} from "./rbac.js";

const msg = (errs: FieldError[]): string => (errs.length ? aggregateMessage(errs) : "");
const G = "rbac.authorization.k8s.io";

function role(name: string, rules: PolicyRule[]): Role {
  return { metadata: { name, namespace: "default" }, rules };
}

function clusterRole(rules: PolicyRule[], extra: Partial<ClusterRole> = {}): ClusterRole {
  return { metadata: { name: "reader" }, rules, ...extra };
}

function binding(roleRef: Partial<RoleBinding["roleRef"]>, subjects: Partial<Subject>[] = []): RoleBinding {
  return { metadata: { name: "b", namespace: "default" }, roleRef: { apiGroup: G, kind: "Role", name: "pod-reader", ...roleRef }, subjects: subjects as Subject[] };
}

function clusterBinding(roleRef: Partial<ClusterRoleBinding["roleRef"]>, subjects: Partial<Subject>[] = []): ClusterRoleBinding {
  return { metadata: { name: "b" }, roleRef: { apiGroup: G, kind: "ClusterRole", name: "view", ...roleRef }, subjects: subjects as Subject[] };
}

const podRule: PolicyRule = { verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] };

describe("rbac validation", () => {
  const cases: { name: string; got: FieldError[]; want: string }[] = [
    { name: "role ok", got: validateRole(role("pod-reader", [podRule])), want: "" },
    { name: "role with no rules", got: validateRole(role("empty", [])), want: "" },
    { name: "role name with a colon is fine", got: validateRole(role("system:pod-reader", [podRule])), want: "" },
    { name: "role name with a slash", got: validateRole(role("a/b", [podRule])), want: `metadata.name: Invalid value: "a/b": may not contain '/'` },
    { name: "role name '..'", got: validateRole(role("..", [podRule])), want: `metadata.name: Invalid value: "..": may not be '..'` },
    {
      name: "role without namespace",
      got: validateRole({ metadata: { name: "r" }, rules: [podRule] }),
      want: "metadata.namespace: Required value",
    },
    {
      name: "rule without verbs",
      got: validateRole(role("r", [{ verbs: [], apiGroups: [""], resources: ["pods"] }])),
      want: "rules[0].verbs: Required value: verbs must contain at least one value",
    },
    {
      name: "resource rule without groups and resources",
      got: validateRole(role("r", [podRule, { verbs: ["get"] }])),
      want:
        "[rules[1].apiGroups: Required value: resource rules must supply at least one api group, " +
        "rules[1].resources: Required value: resource rules must supply at least one resource]",
    },
    {
      name: "role with non-resource URLs",
      got: validateRole(role("r", [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }])),
      want: `rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs`,
    },
    { name: "cluster role with non-resource URLs", got: validateClusterRole(clusterRole([{ verbs: ["get"], nonResourceURLs: ["/healthz", "/api/*"] }])), want: "" },
    {
      name: "rule mixing resources and URLs",
      got: validateClusterRole(clusterRole([{ verbs: ["get"], resources: ["pods"], nonResourceURLs: ["/healthz"] }])),
      want: `rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs`,
    },
    {
      name: "cluster role in a namespace",
      got: validateClusterRole({ metadata: { name: "c", namespace: "default" }, rules: [podRule] }),
      want: "metadata.namespace: Forbidden: not allowed on this type",
    },
    { name: "aggregated cluster role", got: validateClusterRole(clusterRole([], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "rbac.example.com/aggregate-to-view": "true" } }] } })), want: "" },
    {
      name: "aggregation rule without selectors",
      got: validateClusterRole(clusterRole([], { aggregationRule: {} })),
      want: "aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil",
    },
    {
      name: "aggregation selector with a bad operator",
      got: validateClusterRole(clusterRole([], { aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: "a", operator: "Near" as "In" }] }] } })),
      want: `aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator`,
    },
    { name: "binding ok", got: validateRoleBinding(binding({}, [{ kind: "User", apiGroup: G, name: "jane" }])), want: "" },
    { name: "binding to a cluster role", got: validateRoleBinding(binding({ kind: "ClusterRole", name: "view" })), want: "" },
    {
      name: "binding to another group and kind",
      got: validateRoleBinding(binding({ apiGroup: "example.com", kind: "Widget" })),
      want:
        `[roleRef.apiGroup: Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io", ` +
        `roleRef.kind: Unsupported value: "Widget": supported values: "Role", "ClusterRole"]`,
    },
    { name: "binding without role name", got: validateRoleBinding(binding({ name: "" })), want: "roleRef.name: Required value" },
    { name: "binding to a bad role name", got: validateRoleBinding(binding({ name: "a%b" })), want: `roleRef.name: Invalid value: "a%b": may not contain '%'` },
    {
      name: "cluster binding to a role",
      got: validateClusterRoleBinding(clusterBinding({ kind: "Role" })),
      want: `roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"`,
    },
    {
      name: "subjects of each kind, in a namespace",
      got: validateRoleBinding(binding({}, [{ kind: "User", apiGroup: G, name: "jane" }, { kind: "Group", apiGroup: G, name: "devs" }, { kind: "ServiceAccount", name: "default" }])),
      want: "",
    },
    {
      name: "service account subject of a cluster binding needs a namespace",
      got: validateClusterRoleBinding(clusterBinding({}, [{ kind: "ServiceAccount", name: "default" }])),
      want: "subjects[0].namespace: Required value",
    },
    {
      name: "service account subject with an apiGroup and a bad name",
      got: validateRoleBinding(binding({}, [{ kind: "ServiceAccount", apiGroup: G, name: "Bad_Name" }])),
      want:
        `[subjects[0].name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), ` +
        `subjects[0].apiGroup: Unsupported value: "rbac.authorization.k8s.io": supported values: ""]`,
    },
    {
      name: "user subject without apiGroup or name",
      got: validateRoleBinding(binding({}, [{ kind: "User" }])),
      want: `[subjects[0].name: Required value, subjects[0].apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"]`,
    },
    {
      name: "subject of an unknown kind",
      got: validateRoleBinding(binding({}, [{ kind: "Robot", name: "r2" }])),
      want: `subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"`,
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(msg(c.got), c.want));
});

describe("rbac update validation", () => {
  const live = (b: RoleBinding): RoleBinding => ({ ...b, metadata: { ...b.metadata, uid: "u1", resourceVersion: "5", creationTimestamp: "2026-01-01T00:00:00Z" } });
  const cases: { name: string; got: FieldError[]; want: string }[] = [
    {
      name: "role rules may change",
      got: validateRoleUpdate(role("r", [{ ...podRule, verbs: ["*"] }]), role("r", [podRule])),
      want: "",
    },
    {
      name: "subjects may change",
      got: validateRoleBindingUpdate(live(binding({}, [{ kind: "Group", apiGroup: G, name: "devs" }])), live(binding({}))),
      want: "",
    },
    {
      name: "roleRef may not change",
      got: validateRoleBindingUpdate(live(binding({ kind: "ClusterRole", name: "view" })), live(binding({}))),
      want: `roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"view"}: cannot change roleRef`,
    },
    {
      name: "cluster binding roleRef may not change",
      got: validateClusterRoleBindingUpdate(clusterBinding({ name: "edit" }), clusterBinding({})),
      want: `roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef`,
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(msg(c.got), c.want));
});
