import assert from "node:assert/strict";
import { test } from "node:test";
import type { StatusDetails } from "../../api/errors.js";
import type { AuthorizationAttributes } from "./attributes.js";
import { nonResourceAttributes, resourceAttributes } from "./attributes.js";
import { forbiddenError } from "./forbidden.js";

const jane = { name: "jane", groups: ["system:authenticated"] };

const cases: { name: string; attrs: AuthorizationAttributes; reason?: string; message: string; details: StatusDetails }[] = [
  {
    name: "a namespaced list",
    attrs: resourceAttributes(jane, { verb: "list", resource: "pods", namespace: "default" }),
    message: 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"',
    details: { name: "", group: "", kind: "pods" },
  },
  {
    name: "a named get",
    attrs: resourceAttributes(jane, { verb: "get", resource: "pods", namespace: "default", name: "nginx" }),
    message: 'pods "nginx" is forbidden: User "jane" cannot get resource "pods" in API group "" in the namespace "default"',
    details: { name: "nginx", group: "", kind: "pods" },
  },
  {
    name: "cluster scope",
    attrs: resourceAttributes(jane, { verb: "list", resource: "nodes" }),
    message: 'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope',
    details: { name: "", group: "", kind: "nodes" },
  },
  {
    name: "a group is qualified before and named after",
    attrs: resourceAttributes(jane, { verb: "create", apiGroup: "apps", resource: "deployments", namespace: "team" }),
    message: 'deployments.apps is forbidden: User "jane" cannot create resource "deployments" in API group "apps" in the namespace "team"',
    details: { name: "", group: "apps", kind: "deployments" },
  },
  {
    name: "a subresource",
    attrs: resourceAttributes(jane, { verb: "get", resource: "pods", subresource: "log", namespace: "default", name: "nginx" }),
    message: 'pods "nginx" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the namespace "default"',
    details: { name: "nginx", group: "", kind: "pods" },
  },
  {
    name: "a non-resource path",
    attrs: nonResourceAttributes(jane, "get", "/metrics"),
    message: 'forbidden: User "jane" cannot get path "/metrics"',
    details: {},
  },
  {
    name: "the authorizer's reason is appended",
    attrs: resourceAttributes({ name: "system:anonymous", groups: [] }, { verb: "get", resource: "pods", namespace: "default", name: "x" }),
    reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
    message:
      'pods "x" is forbidden: User "system:anonymous" cannot get resource "pods" in API group "" in the namespace "default": RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found',
    details: { name: "x", group: "", kind: "pods" },
  },
];

for (const c of cases) {
  test(`forbiddenError: ${c.name}`, () => {
    const e = forbiddenError(c.attrs, c.reason ?? "");
    assert.equal(e.code, 403);
    assert.equal(e.reason, "Forbidden");
    assert.equal(e.message, c.message);
    assert.deepEqual(e.details, c.details);
  });
}
