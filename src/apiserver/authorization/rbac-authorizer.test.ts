import assert from "node:assert/strict";
import { test } from "node:test";
import type { PolicyRule } from "../../api/rbac-types.js";
import type { UserInfo } from "../user-info.js";
import type { AuthorizationAttributes } from "./attributes.js";
import { nonResourceAttributes, resourceAttributes } from "./attributes.js";
import { RbacAuthorizer, aggregateErrors } from "./rbac-authorizer.js";
import { RbacPolicyIndex } from "./rbac-policy-source.js";
import { clusterRole, clusterRoleBinding, group, role, roleBinding, serviceAccount, user } from "./rbac-test-fixtures.js";

const jane: UserInfo = { name: "jane", groups: ["dev", "system:authenticated"] };
const admin: UserInfo = { name: "admin", groups: ["system:masters", "system:authenticated"] };
const sa = (ns: string, name: string): UserInfo => ({ name: `system:serviceaccount:${ns}:${name}`, groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"] });

const readPods: PolicyRule = { verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods"] };
const all: PolicyRule[] = [
  { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
  { verbs: ["*"], nonResourceURLs: ["*"] },
];

function policy(): RbacPolicyIndex {
  const p = new RbacPolicyIndex();
  p.upsert("ClusterRole", clusterRole("cluster-admin", all));
  p.upsert("ClusterRole", clusterRole("pod-reader", [readPods]));
  p.upsert("ClusterRole", clusterRole("health", [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/api/*"] }]));
  p.upsert("ClusterRoleBinding", clusterRoleBinding("cluster-admin", "cluster-admin", [group("system:masters")]));
  p.upsert("ClusterRoleBinding", clusterRoleBinding("health", "health", [group("system:authenticated")]));
  p.upsert("Role", role("team", "cm-editor", [{ verbs: ["*"], apiGroups: [""], resources: ["configmaps"] }]));
  p.upsert("RoleBinding", roleBinding("team", "jane-pods", { kind: "ClusterRole", name: "pod-reader" }, [user("jane")]));
  p.upsert("RoleBinding", roleBinding("team", "dev-cm", { kind: "Role", name: "cm-editor" }, [group("dev")]));
  p.upsert("RoleBinding", roleBinding("team", "robot", { kind: "ClusterRole", name: "pod-reader" }, [serviceAccount("robot")]));
  p.upsert("RoleBinding", roleBinding("team", "other-robot", { kind: "ClusterRole", name: "cluster-admin" }, [serviceAccount("robot", "elsewhere")]));
  p.upsert("ClusterRoleBinding", clusterRoleBinding("sa-without-namespace", "cluster-admin", [serviceAccount("robot")]));
  p.upsert("ClusterRoleBinding", clusterRoleBinding("odd-subject", "cluster-admin", [{ kind: "Robot", name: "jane" }]));
  return p;
}

const pods = (u: UserInfo, verb: string, namespace: string, name = ""): AuthorizationAttributes => resourceAttributes(u, { verb, resource: "pods", namespace, name });

const cases: { name: string; attrs: AuthorizationAttributes; decision: "allow" | "no-opinion"; reason: string }[] = [
  {
    name: "system:masters through cluster-admin",
    attrs: pods(admin, "delete", "kube-system", "x"),
    decision: "allow",
    reason: 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"',
  },
  {
    name: "a RoleBinding to a ClusterRole grants it in the binding's namespace",
    attrs: pods(jane, "list", "team"),
    decision: "allow",
    reason: 'RBAC: allowed by RoleBinding "jane-pods/team" of ClusterRole "pod-reader" to User "jane"',
  },
  { name: "…not in another namespace", attrs: pods(jane, "list", "default"), decision: "no-opinion", reason: "" },
  { name: "…nor across namespaces", attrs: pods(jane, "list", ""), decision: "no-opinion", reason: "" },
  { name: "…nor other verbs", attrs: pods(jane, "delete", "team", "p"), decision: "no-opinion", reason: "" },
  {
    name: "a RoleBinding to a Role, by group",
    attrs: resourceAttributes(jane, { verb: "create", resource: "configmaps", namespace: "team" }),
    decision: "allow",
    reason: 'RBAC: allowed by RoleBinding "dev-cm/team" of Role "cm-editor" to Group "dev"',
  },
  {
    name: "a service account subject without namespace is the binding's",
    attrs: pods(sa("team", "robot"), "get", "team", "p"),
    decision: "allow",
    reason: 'RBAC: allowed by RoleBinding "robot/team" of ClusterRole "pod-reader" to ServiceAccount "robot/team"',
  },
  { name: "…and not a same-named one of another namespace", attrs: pods(sa("other", "robot"), "get", "team", "p"), decision: "no-opinion", reason: "" },
  {
    name: "a service account subject with its namespace",
    attrs: pods(sa("elsewhere", "robot"), "delete", "team", "p"),
    decision: "allow",
    reason: 'RBAC: allowed by RoleBinding "other-robot/team" of ClusterRole "cluster-admin" to ServiceAccount "robot/elsewhere"',
  },
  { name: "a service account subject without namespace in a ClusterRoleBinding matches no one", attrs: pods(sa("team", "robot"), "delete", "x", "p"), decision: "no-opinion", reason: "" },
  { name: "an unknown subject kind matches no one", attrs: pods({ name: "jane", groups: [] }, "delete", "x", "p"), decision: "no-opinion", reason: "" },
  {
    name: "non-resource paths",
    attrs: nonResourceAttributes(jane, "get", "/api/v1"),
    decision: "allow",
    reason: 'RBAC: allowed by ClusterRoleBinding "health" of ClusterRole "health" to Group "system:authenticated"',
  },
  { name: "an unauthenticated user gets nothing", attrs: nonResourceAttributes({ name: "system:anonymous", groups: ["system:unauthenticated"] }, "get", "/healthz"), decision: "no-opinion", reason: "" },
];

for (const c of cases) {
  test(`RbacAuthorizer.authorize: ${c.name}`, () => {
    assert.deepEqual(new RbacAuthorizer(policy()).authorize(c.attrs), { decision: c.decision, reason: c.reason });
  });
}

test("RbacAuthorizer: missing roles are skipped and named in the reason", () => {
  const p = policy();
  p.upsert("RoleBinding", roleBinding("team", "a-gone", { kind: "ClusterRole", name: "gone" }, [user("jane")]));
  p.upsert("RoleBinding", roleBinding("team", "b-gone", { kind: "Role", name: "gone" }, [user("jane")]));
  p.upsert("RoleBinding", roleBinding("team", "c-gone", { kind: "Role", name: "gone" }, [group("dev")]));
  const authz = new RbacAuthorizer(p);
  assert.deepEqual(authz.authorize(pods(jane, "delete", "team", "p")), {
    decision: "no-opinion",
    reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "gone" not found]',
  });
  // Another binding still allows what it grants.
  assert.equal(authz.authorize(pods(jane, "get", "team", "p")).decision, "allow");
});

test("RbacAuthorizer: one missing role reads bare; a ClusterRoleBinding to a Role finds none", () => {
  const p = new RbacPolicyIndex();
  p.upsert("Role", role("team", "r", [readPods]));
  p.upsert("ClusterRoleBinding", clusterRoleBinding("crb", "r", [user("jane")], "Role"));
  p.upsert("ClusterRoleBinding", clusterRoleBinding("odd", "r", [user("jane")], "Thing"));
  assert.deepEqual(new RbacAuthorizer(p).authorize(pods(jane, "get", "", "p")), {
    decision: "no-opinion",
    reason: 'RBAC: [role.rbac.authorization.k8s.io "r" not found, unsupported role reference kind: "Thing"]',
  });
  p.remove("ClusterRoleBinding", "", "odd");
  assert.equal(new RbacAuthorizer(p).authorize(pods(jane, "get", "", "p")).reason, 'RBAC: role.rbac.authorization.k8s.io "r" not found');
});

test("RbacAuthorizer: the reason names the first allowing binding in name order, whatever the event order", () => {
  const p = new RbacPolicyIndex();
  p.upsert("ClusterRole", clusterRole("pod-reader", [readPods]));
  p.upsert("ClusterRoleBinding", clusterRoleBinding("zz", "pod-reader", [user("jane")]));
  p.upsert("ClusterRoleBinding", clusterRoleBinding("aa", "pod-reader", [group("dev"), user("jane")]));
  assert.equal(new RbacAuthorizer(p).authorize(pods(jane, "get", "x", "p")).reason, 'RBAC: allowed by ClusterRoleBinding "aa" of ClusterRole "pod-reader" to Group "dev"');
});

test("RbacAuthorizer: aggregated ClusterRoles take the rules of the roles they select, transitively, recomputed on change", () => {
  const p = new RbacPolicyIndex();
  const agg = (to: string) => ({ [`rbac.authorization.k8s.io/aggregate-to-${to}`]: "true" });
  p.upsert("ClusterRole", clusterRole("admin", [], { aggregate: [agg("admin")] }));
  p.upsert("ClusterRole", clusterRole("edit", [{ verbs: ["stale"], apiGroups: [""], resources: ["x"] }], { labels: agg("admin"), aggregate: [agg("edit")] }));
  p.upsert("ClusterRole", clusterRole("view", [], { labels: agg("edit"), aggregate: [agg("view")] }));
  p.upsert("ClusterRole", clusterRole("to-view", [readPods], { labels: agg("view") }));
  p.upsert("ClusterRole", clusterRole("to-admin", [{ verbs: ["*"], apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"] }], { labels: agg("admin") }));
  p.upsert("RoleBinding", roleBinding("team", "jane-admin", { kind: "ClusterRole", name: "admin" }, [user("jane")]));
  const authz = new RbacAuthorizer(p);
  assert.equal(authz.authorize(pods(jane, "list", "team")).reason, 'RBAC: allowed by RoleBinding "jane-admin/team" of ClusterRole "admin" to User "jane"');
  assert.equal(authz.authorize(resourceAttributes(jane, { verb: "create", apiGroup: "rbac.authorization.k8s.io", resource: "roles", namespace: "team" })).decision, "allow");
  // An aggregated role's own rules are the controller's to overwrite: they grant nothing.
  assert.equal(authz.authorize(resourceAttributes(jane, { verb: "stale", resource: "x", namespace: "team" })).decision, "no-opinion");
  assert.equal(authz.authorize(pods(jane, "delete", "team", "p")).decision, "no-opinion");
  p.upsert("ClusterRole", clusterRole("to-edit", [{ verbs: ["delete"], apiGroups: [""], resources: ["pods"] }], { labels: agg("edit") }));
  assert.equal(authz.authorize(pods(jane, "delete", "team", "p")).decision, "allow");
  p.remove("ClusterRole", "", "to-view");
  assert.equal(authz.authorize(pods(jane, "list", "team")).decision, "no-opinion");
});

test("RbacAuthorizer.rulesFor: rules split by kind, cluster-wide plus the namespace's, errors reported", () => {
  const p = policy();
  p.upsert("RoleBinding", roleBinding("team", "gone", { kind: "ClusterRole", name: "gone" }, [user("jane")]));
  const authz = new RbacAuthorizer(p);
  assert.deepEqual(authz.rulesFor(jane, "team"), {
    resourceRules: [
      { verbs: ["*"], apiGroups: [""], resources: ["configmaps"] },
      { verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["pods"] },
    ],
    nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/api/*"] }],
    incomplete: false,
    evaluationError: 'clusterrole.rbac.authorization.k8s.io "gone" not found',
  });
  assert.deepEqual(authz.rulesFor(jane, ""), {
    resourceRules: [],
    nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/api/*"] }],
    incomplete: false,
  });
});

test("aggregateErrors: one bare, duplicates once, several in brackets", () => {
  assert.equal(aggregateErrors(["a"]), "a");
  assert.equal(aggregateErrors(["a", "a"]), "a");
  assert.equal(aggregateErrors(["a", "b", "a"]), "[a, b]");
});
