import assert from "node:assert/strict";
import { test } from "node:test";
import { deepFreeze } from "../../api/json.js";
import type { ClusterRole, ClusterRoleBinding } from "../../api/rbac-types.js";
import type { BootstrapPolicy } from "./bootstrap-policy.js";
import { bootstrapPolicy } from "./bootstrap-policy.js";
import { reconcileBinding, reconcilePolicy, reconcileRole } from "./policy-reconcile.js";

const expectedRole: ClusterRole = deepFreeze({
  metadata: { name: "r", labels: { "kubernetes.io/bootstrapping": "rbac-defaults" }, annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" } },
  rules: [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }],
});

const roleCases: { name: string; existing?: ClusterRole; expected?: ClusterRole; op?: string; rules?: unknown; aggregationRule?: unknown; labels?: unknown }[] = [
  { name: "missing: created", op: "create", rules: expectedRole.rules },
  { name: "identical: nothing to do", existing: expectedRole },
  {
    name: "a rule lost: the missing pieces are added",
    existing: { ...expectedRole, rules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }] },
    op: "update",
    rules: [
      { verbs: ["get"], apiGroups: [""], resources: ["pods"] },
      { verbs: ["list"], apiGroups: [""], resources: ["pods"] },
    ],
  },
  {
    name: "extra rules are kept",
    existing: { ...expectedRole, rules: [...(expectedRole.rules ?? []), { verbs: ["get"], apiGroups: [""], resources: ["secrets"] }] },
  },
  { name: "rules held more broadly count as held", existing: { ...expectedRole, rules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }] } },
  {
    name: "a lost label comes back, an administrator's label stays",
    existing: { ...expectedRole, metadata: { ...expectedRole.metadata, labels: { mine: "yes" } } },
    op: "update",
    labels: { "kubernetes.io/bootstrapping": "rbac-defaults", mine: "yes" },
  },
  {
    name: "autoupdate=false protects the object",
    existing: { metadata: { name: "r", annotations: { "rbac.authorization.kubernetes.io/autoupdate": "false" } }, rules: [] },
  },
  {
    name: "an aggregation selector lost is added back",
    expected: { ...expectedRole, rules: undefined, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: "true" } }] } },
    existing: { ...expectedRole, rules: undefined, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { mine: "true" } }] } },
    op: "update",
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { mine: "true" } }, { matchLabels: { a: "true" } }] },
  },
  {
    name: "an aggregation rule not expected is removed",
    existing: { ...expectedRole, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: "true" } }] } },
    op: "update",
    aggregationRule: undefined,
  },
];

for (const c of roleCases) {
  test(`reconcileRole: ${c.name}`, () => {
    const got = reconcileRole(c.expected ?? expectedRole, c.existing && deepFreeze(c.existing));
    assert.equal(got?.op, c.op);
    if (c.rules !== undefined) assert.deepEqual(got?.object.rules, c.rules);
    if ("aggregationRule" in c) assert.deepEqual(got?.object.aggregationRule, c.aggregationRule);
    if (c.labels !== undefined) assert.deepEqual(got?.object.metadata.labels, c.labels);
  });
}

const expectedBinding: ClusterRoleBinding = deepFreeze({
  metadata: { name: "b", annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" } },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "r" },
  subjects: [{ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:authenticated" }],
});

const bindingCases: { name: string; existing?: ClusterRoleBinding; op?: string; subjects?: unknown; roleRef?: unknown }[] = [
  { name: "missing: created", op: "create" },
  { name: "identical: nothing to do", existing: expectedBinding },
  {
    name: "a lost subject is added back, others kept",
    existing: { ...expectedBinding, subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "jane" }] },
    op: "update",
    subjects: [
      { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "jane" },
      { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "system:authenticated" },
    ],
  },
  { name: "no subjects at all", existing: { ...expectedBinding, subjects: undefined }, op: "update", subjects: expectedBinding.subjects },
  {
    name: "another roleRef means delete and create",
    existing: { ...expectedBinding, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "other" } },
    op: "recreate",
    roleRef: expectedBinding.roleRef,
  },
  { name: "autoupdate=false protects the object", existing: { ...expectedBinding, metadata: { name: "b", annotations: { "rbac.authorization.kubernetes.io/autoupdate": "false" } }, subjects: [] } },
];

for (const c of bindingCases) {
  test(`reconcileBinding: ${c.name}`, () => {
    const got = reconcileBinding(expectedBinding, c.existing && deepFreeze(c.existing));
    assert.equal(got?.op, c.op);
    if (c.subjects !== undefined) assert.deepEqual(got?.object.subjects, c.subjects);
    if (c.roleRef !== undefined) assert.deepEqual(got?.object.roleRef, c.roleRef);
  });
}

const empty: BootstrapPolicy = { clusterRoles: [], clusterRoleBindings: [], roles: [], roleBindings: [] };

test("reconcilePolicy: a fresh cluster creates everything, roles before bindings", () => {
  const policy = bootstrapPolicy();
  const actions = reconcilePolicy(policy, empty);
  assert.ok(actions.every((a) => a.op === "create"));
  assert.equal(actions.length, policy.clusterRoles.length + policy.clusterRoleBindings.length + policy.roles.length + policy.roleBindings.length);
  const kinds = actions.map((a) => a.kind);
  assert.ok(kinds.lastIndexOf("ClusterRole") < kinds.indexOf("ClusterRoleBinding"));
  assert.ok(kinds.lastIndexOf("Role") < kinds.indexOf("RoleBinding"));
});

test("reconcilePolicy: a cluster holding the policy needs nothing; one lost rule is one update", () => {
  const policy = bootstrapPolicy();
  assert.deepEqual(reconcilePolicy(bootstrapPolicy(), deepFreeze(policy)), []);
  const drifted = bootstrapPolicy();
  const node = drifted.clusterRoles.find((r) => r.metadata.name === "system:node");
  node?.rules?.pop();
  const actions = reconcilePolicy(bootstrapPolicy(), deepFreeze(drifted));
  assert.deepEqual(
    actions.map((a) => [a.op, a.kind, a.object.metadata.name]),
    [["update", "ClusterRole", "system:node"]],
  );
});
