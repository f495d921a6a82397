import assert from "node:assert/strict";
import { test } from "node:test";
import type { ClusterRole, PolicyRule } from "../../api/rbac-types.js";
import { clusterRoleRules } from "./cluster-role-aggregation.js";
import { clusterRole } from "./rbac-test-fixtures.js";

const rule = (verb: string, resource: string): PolicyRule => ({ verbs: [verb], apiGroups: [""], resources: [resource] });

const cases: { name: string; roles: ClusterRole[]; target: string; want: PolicyRule[] }[] = [
  { name: "a plain role is its rules", roles: [clusterRole("p", [rule("get", "pods")])], target: "p", want: [rule("get", "pods")] },
  {
    name: "selected roles in name order, each rule once, own rules ignored",
    roles: [
      clusterRole("agg", [rule("own", "x")], { aggregate: [{ a: "true" }] }),
      clusterRole("b", [rule("get", "b"), rule("get", "shared")], { labels: { a: "true" } }),
      clusterRole("a", [rule("get", "a"), rule("get", "shared")], { labels: { a: "true" } }),
      clusterRole("c", [rule("get", "c")], { labels: { a: "false" } }),
    ],
    target: "agg",
    want: [rule("get", "a"), rule("get", "shared"), rule("get", "b")],
  },
  {
    name: "selectors in order",
    roles: [
      clusterRole("agg", [], { aggregate: [{ second: "true" }, { first: "true" }] }),
      clusterRole("a", [rule("get", "a")], { labels: { first: "true" } }),
      clusterRole("z", [rule("get", "z")], { labels: { second: "true" } }),
    ],
    target: "agg",
    want: [rule("get", "z"), rule("get", "a")],
  },
  {
    name: "a role never selects itself",
    roles: [clusterRole("agg", [rule("own", "x")], { labels: { a: "true" }, aggregate: [{ a: "true" }] })],
    target: "agg",
    want: [],
  },
  {
    name: "aggregated roles contribute their aggregated rules",
    roles: [
      clusterRole("admin", [], { aggregate: [{ "to-admin": "true" }] }),
      clusterRole("edit", [], { labels: { "to-admin": "true" }, aggregate: [{ "to-edit": "true" }] }),
      clusterRole("view-rules", [rule("get", "pods")], { labels: { "to-edit": "true" } }),
    ],
    target: "admin",
    want: [rule("get", "pods")],
  },
  {
    name: "a cycle ends",
    roles: [
      clusterRole("x", [], { labels: { y: "true" }, aggregate: [{ x: "true" }] }),
      clusterRole("y", [], { labels: { x: "true" }, aggregate: [{ y: "true" }] }),
      clusterRole("leaf", [rule("get", "leaf")], { labels: { y: "true" } }),
    ],
    target: "x",
    want: [rule("get", "leaf")],
  },
];

for (const c of cases) {
  test(`clusterRoleRules: ${c.name}`, () => {
    const target = c.roles.find((r) => r.metadata.name === c.target);
    assert.ok(target);
    assert.deepEqual(clusterRoleRules(target, c.roles), c.want);
  });
}

test("clusterRoleRules: an empty selector selects every other role", () => {
  const roles = [clusterRole("all", [], { aggregate: [{}] }), clusterRole("p", [rule("get", "p")])];
  assert.deepEqual(clusterRoleRules(roles[0], roles), [rule("get", "p")]);
});
