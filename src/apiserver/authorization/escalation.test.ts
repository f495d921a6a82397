import assert from "node:assert/strict";
import { test } from "node:test";
import type { PolicyRule } from "../../api/rbac-types.js";
import type { UserInfo } from "../user-info.js";
import type { EscalationContext } from "./escalation.js";
import { breakdownRule, checkBindingWrite, checkRoleWrite, compactRuleString, compactRules, confirmNoEscalation, uncoveredRules } from "./escalation.js";
import { RbacAuthorizer } from "./rbac-authorizer.js";
import { RbacPolicyIndex } from "./rbac-policy-source.js";
import { clusterRole, clusterRoleBinding, role, roleBinding, user } from "./rbac-test-fixtures.js";

const r = (verbs: string[], resources: string[], o: Partial<PolicyRule> = {}): PolicyRule => ({ verbs, apiGroups: [""], resources, ...o });

test("breakdownRule: one piece per group, resource, verb and name; URLs per verb", () => {
  assert.deepEqual(breakdownRule({ verbs: ["get", "list"], apiGroups: ["", "apps"], resources: ["pods"] }), [
    { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
    { apiGroups: [""], resources: ["pods"], verbs: ["list"] },
    { apiGroups: ["apps"], resources: ["pods"], verbs: ["get"] },
    { apiGroups: ["apps"], resources: ["pods"], verbs: ["list"] },
  ]);
  assert.deepEqual(breakdownRule(r(["get"], ["secrets"], { resourceNames: ["a", "b"] })).length, 2);
  assert.deepEqual(breakdownRule({ verbs: ["get", "post"], nonResourceURLs: ["/x"] }), [
    { nonResourceURLs: ["/x"], verbs: ["get"] },
    { nonResourceURLs: ["/x"], verbs: ["post"] },
  ]);
});

const coverCases: { name: string; held: PolicyRule[]; requested: PolicyRule[]; uncovered: number }[] = [
  { name: "the same rule", held: [r(["get"], ["pods"])], requested: [r(["get"], ["pods"])], uncovered: 0 },
  { name: "a missing verb", held: [r(["get"], ["pods"])], requested: [r(["get", "delete"], ["pods"])], uncovered: 1 },
  { name: "verbs spread over two held rules", held: [r(["get"], ["pods"]), r(["delete"], ["pods"])], requested: [r(["get", "delete"], ["pods"])], uncovered: 0 },
  { name: "* covers everything", held: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }], requested: [r(["escalate"], ["roles"], { apiGroups: ["rbac.authorization.k8s.io"] })], uncovered: 0 },
  { name: "*/scale covers any scale", held: [r(["get"], ["*/scale"])], requested: [r(["get"], ["deployments/scale"])], uncovered: 0 },
  { name: "a resource does not cover its subresource", held: [r(["get"], ["pods"])], requested: [r(["get"], ["pods/log"])], uncovered: 1 },
  { name: "names held cover those names", held: [r(["get"], ["secrets"], { resourceNames: ["a", "b"] })], requested: [r(["get"], ["secrets"], { resourceNames: ["a"] })], uncovered: 0 },
  { name: "names held do not cover all names", held: [r(["get"], ["secrets"], { resourceNames: ["a"] })], requested: [r(["get"], ["secrets"])], uncovered: 1 },
  { name: "no names held cover any name", held: [r(["get"], ["secrets"])], requested: [r(["get"], ["secrets"], { resourceNames: ["a"] })], uncovered: 0 },
  { name: "URL prefix covers longer URLs", held: [{ verbs: ["get"], nonResourceURLs: ["/api/*"] }], requested: [{ verbs: ["get"], nonResourceURLs: ["/api/v1"] }], uncovered: 0 },
  { name: "URL rules do not cover resources", held: [{ verbs: ["*"], nonResourceURLs: ["*"] }], requested: [r(["get"], ["pods"])], uncovered: 1 },
  { name: "nothing requested", held: [], requested: [], uncovered: 0 },
];

for (const c of coverCases) {
  test(`uncoveredRules: ${c.name}`, () => {
    assert.equal(uncoveredRules(c.held, c.requested).length, c.uncovered);
  });
}

test("compactRules: pieces of one group and resource merge their verbs; others stay", () => {
  const pieces = uncoveredRules([], [r(["get", "list"], ["pods"]), r(["get"], ["secrets"], { resourceNames: ["s"] })]);
  assert.deepEqual(compactRules(pieces), [
    { apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["s"] },
    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
  ]);
});

test("compactRuleString: Kubernetes' field order and Go quoting", () => {
  assert.equal(compactRuleString(r(["get"], ["pods"])), '{APIGroups:[""], Resources:["pods"], Verbs:["get"]}');
  assert.equal(compactRuleString({ verbs: ["get", "post"], nonResourceURLs: ["/a", "/b"] }), '{NonResourceURLs:["/a" "/b"], Verbs:["get" "post"]}');
  assert.equal(compactRuleString(r(["get"], ["secrets"], { resourceNames: ["x"] })), '{APIGroups:[""], Resources:["secrets"], ResourceNames:["x"], Verbs:["get"]}');
});

test("confirmNoEscalation: the message lists what is missing, sorted, with resolution errors", () => {
  const jane: UserInfo = { name: "jane", groups: ["dev", "system:authenticated"] };
  assert.equal(confirmNoEscalation(jane, [r(["*"], ["*"])], [r(["get"], ["pods"])]), undefined);
  assert.equal(
    confirmNoEscalation(jane, [], [r(["get", "list"], ["pods"]), r(["get"], ["configmaps"])]),
    'user "jane" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
      '{APIGroups:[""], Resources:["configmaps"], Verbs:["get"]}\n' +
      '{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}',
  );
  assert.equal(
    confirmNoEscalation(jane, [], [r(["get"], ["pods"])], ['clusterrole.rbac.authorization.k8s.io "gone" not found']),
    'user "jane" (groups=["dev" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
      '{APIGroups:[""], Resources:["pods"], Verbs:["get"]}; resolution errors: [clusterrole.rbac.authorization.k8s.io "gone" not found]',
  );
});

/** jane edits pods and may bind "pod-reader" but not escalate; bob may escalate roles in team. */
function context(): EscalationContext {
  const p = new RbacPolicyIndex();
  p.upsert("ClusterRole", clusterRole("pods", [r(["*"], ["pods"])]));
  p.upsert("ClusterRole", clusterRole("pod-reader", [r(["get"], ["pods"])]));
  p.upsert("ClusterRole", clusterRole("secrets", [r(["get"], ["secrets"])]));
  p.upsert("ClusterRole", clusterRole("binder", [{ verbs: ["bind"], apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], resourceNames: ["secrets"] }]));
  p.upsert("ClusterRole", clusterRole("escalator", [{ verbs: ["escalate"], apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"] }]));
  p.upsert("Role", role("team", "secret-reader", [r(["get"], ["secrets"])]));
  p.upsert("RoleBinding", roleBinding("team", "jane-pods", { kind: "ClusterRole", name: "pods" }, [user("jane")]));
  p.upsert("RoleBinding", roleBinding("team", "jane-binder", { kind: "ClusterRole", name: "binder" }, [user("jane")]));
  p.upsert("ClusterRoleBinding", clusterRoleBinding("bob-escalates", "escalator", [user("bob")]));
  const authz = new RbacAuthorizer(p);
  return { authorizer: authz, policyRulesFor: (u, ns) => authz.policyRulesFor(u, ns), roleRefRules: (ref, ns) => authz.roleRefRules(ref, ns) };
}

const jane: UserInfo = { name: "jane", groups: ["system:authenticated"] };
const bob: UserInfo = { name: "bob", groups: ["system:authenticated"] };
const masters: UserInfo = { name: "root", groups: ["system:masters"] };

const roleCases: { name: string; user: UserInfo; target: Parameters<typeof checkRoleWrite>[2]; want?: string }[] = [
  { name: "rules the writer holds", user: jane, target: { resource: "roles", namespace: "team", name: "r", rules: [r(["get", "delete"], ["pods"])] } },
  {
    name: "rules the writer lacks",
    user: jane,
    target: { resource: "roles", namespace: "team", name: "r", rules: [r(["get"], ["secrets"])] },
    want: 'roles.rbac.authorization.k8s.io "r" is forbidden: user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
  },
  {
    name: "held in the namespace is not held cluster-wide",
    user: jane,
    target: { resource: "clusterroles", namespace: "", name: "c", rules: [r(["get"], ["pods"])] },
    want: 'clusterroles.rbac.authorization.k8s.io "c" is forbidden: user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["get"]}',
  },
  { name: "system:masters may grant anything", user: masters, target: { resource: "clusterroles", namespace: "", name: "c", rules: [r(["*"], ["*"])] } },
  { name: "escalate on roles lets an update through", user: bob, target: { resource: "roles", namespace: "team", name: "r", rules: [r(["*"], ["*"])] } },
  { name: "escalate on roles does not cover clusterroles", user: bob, target: { resource: "clusterroles", namespace: "", name: "c", rules: [r(["get"], ["pods"])] }, want: "forbidden" },
  {
    name: "an aggregationRule needs full authority",
    user: jane,
    target: { resource: "roles", namespace: "team", name: "r", rules: [], aggregation: true },
    want: 'roles.rbac.authorization.k8s.io "r" is forbidden: must have cluster-admin privileges to use the aggregationRule',
  },
];

for (const c of roleCases) {
  test(`checkRoleWrite: ${c.name}`, () => {
    const err = checkRoleWrite(context(), c.user, c.target);
    if (c.want === undefined) return assert.equal(err, undefined);
    assert.equal(err?.code, 403);
    if (c.want !== "forbidden") assert.equal(err?.message, c.want);
  });
}

test("checkRoleWrite: escalate limited by resourceNames never lets a create through (no name in the path)", () => {
  const p = new RbacPolicyIndex();
  p.upsert("ClusterRole", clusterRole("esc-r", [{ verbs: ["escalate"], apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], resourceNames: ["r"] }]));
  p.upsert("RoleBinding", roleBinding("team", "b", { kind: "ClusterRole", name: "esc-r" }, [user("jane")]));
  const authz = new RbacAuthorizer(p);
  const ctx: EscalationContext = { authorizer: authz, policyRulesFor: (u, ns) => authz.policyRulesFor(u, ns), roleRefRules: (ref, ns) => authz.roleRefRules(ref, ns) };
  const target = { resource: "roles" as const, namespace: "team", name: "r", rules: [r(["get"], ["secrets"])] };
  assert.equal(checkRoleWrite(ctx, jane, target), undefined);
  assert.equal(checkRoleWrite(ctx, jane, { ...target, create: true })?.code, 403);
});

const ref = (kind: string, name: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind, name });

const bindingCases: { name: string; user: UserInfo; target: Parameters<typeof checkBindingWrite>[2]; code?: number; message?: string }[] = [
  { name: "a role whose rules the writer holds", user: jane, target: { resource: "rolebindings", namespace: "team", name: "b", roleRef: ref("ClusterRole", "pod-reader") } },
  { name: "bind on that role", user: jane, target: { resource: "rolebindings", namespace: "team", name: "b", roleRef: ref("ClusterRole", "secrets") } },
  {
    name: "neither held nor bindable",
    user: jane,
    target: { resource: "rolebindings", namespace: "team", name: "b", roleRef: ref("Role", "secret-reader") },
    code: 403,
    message: 'rolebindings.rbac.authorization.k8s.io "b" is forbidden: user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
  },
  { name: "bind in one namespace is not bind cluster-wide", user: jane, target: { resource: "clusterrolebindings", namespace: "", name: "b", roleRef: ref("ClusterRole", "secrets") }, code: 403 },
  {
    name: "a missing role is NotFound",
    user: jane,
    target: { resource: "rolebindings", namespace: "team", name: "b", roleRef: ref("ClusterRole", "gone") },
    code: 404,
    message: 'clusterroles.rbac.authorization.k8s.io "gone" not found',
  },
  { name: "system:masters binds anything, even what is missing", user: masters, target: { resource: "clusterrolebindings", namespace: "", name: "b", roleRef: ref("ClusterRole", "gone") } },
];

for (const c of bindingCases) {
  test(`checkBindingWrite: ${c.name}`, () => {
    const err = checkBindingWrite(context(), c.user, c.target);
    assert.equal(err?.code, c.code);
    if (c.message) assert.equal(err?.message, c.message);
  });
}
