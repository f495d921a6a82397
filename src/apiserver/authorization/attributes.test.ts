import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRequestInfo } from "../request-info.js";
import { requestVerb } from "../request-verb.js";
import type { UserInfo } from "../user-info.js";
import type { AuthorizationAttributes } from "./attributes.js";
import { nonResourceAttributes, requestAttributes, resourceAttributes } from "./attributes.js";

const jane: UserInfo = { name: "jane", groups: ["system:authenticated"] };

type Want = Partial<Omit<AuthorizationAttributes, "user">>;

const cases: { name: string; method: string; path: string; query?: string; want: Want }[] = [
  {
    name: "a namespaced list",
    method: "GET",
    path: "/api/v1/namespaces/default/pods",
    want: { verb: "list", resourceRequest: true, namespace: "default", apiGroup: "", apiVersion: "v1", resource: "pods", subresource: "", name: "" },
  },
  {
    name: "a named get in a group",
    method: "GET",
    path: "/apis/apps/v1/namespaces/default/deployments/web",
    want: { verb: "get", namespace: "default", apiGroup: "apps", apiVersion: "v1", resource: "deployments", name: "web" },
  },
  { name: "a subresource", method: "GET", path: "/api/v1/namespaces/default/pods/nginx/log", want: { verb: "get", resource: "pods", subresource: "log", name: "nginx" } },
  { name: "a list across namespaces is cluster scope", method: "GET", path: "/api/v1/pods", want: { verb: "list", namespace: "", resource: "pods" } },
  { name: "a cluster-scoped object", method: "GET", path: "/api/v1/nodes/n1", want: { verb: "get", namespace: "", resource: "nodes", name: "n1" } },
  { name: "a namespace is its own namespace", method: "GET", path: "/api/v1/namespaces/foo", want: { verb: "get", namespace: "foo", resource: "namespaces", name: "foo" } },
  {
    name: "a namespace's status too",
    method: "PUT",
    path: "/api/v1/namespaces/foo/status",
    want: { verb: "update", namespace: "foo", resource: "namespaces", subresource: "status", name: "foo" },
  },
  { name: "the namespace list is cluster scope", method: "GET", path: "/api/v1/namespaces", want: { verb: "list", namespace: "", resource: "namespaces", name: "" } },
  { name: "creating a namespace is cluster scope", method: "POST", path: "/api/v1/namespaces", want: { verb: "create", namespace: "", name: "" } },
  {
    name: "fieldSelector metadata.name narrows a list to that name",
    method: "GET",
    path: "/api/v1/namespaces/default/secrets",
    query: "fieldSelector=metadata.name%3Dtoken",
    want: { verb: "list", resource: "secrets", name: "token" },
  },
  {
    name: "…and a watch, also inside a longer selector",
    method: "GET",
    path: "/api/v1/namespaces/default/configmaps",
    query: "watch=true&fieldSelector=type%3Dx,metadata.name%3D%3Dcm",
    want: { verb: "watch", name: "cm" },
  },
  { name: "metadata.name!= does not narrow", method: "GET", path: "/api/v1/pods", query: "fieldSelector=metadata.name!%3Dx", want: { verb: "list", name: "" } },
  { name: "a name that is no path segment does not narrow", method: "GET", path: "/api/v1/pods", query: "fieldSelector=metadata.name%3Da%2Fb", want: { name: "" } },
  { name: "a selector that does not parse narrows nothing", method: "GET", path: "/api/v1/pods", query: "fieldSelector=metadata.name", want: { verb: "list", name: "" } },
  {
    name: "the /watch/ prefix is not narrowed",
    method: "GET",
    path: "/api/v1/watch/namespaces/default/pods",
    query: "fieldSelector=metadata.name%3Dx",
    want: { verb: "watch", name: "" },
  },
  {
    name: "deletecollection is not narrowed",
    method: "DELETE",
    path: "/api/v1/namespaces/default/pods",
    query: "fieldSelector=metadata.name%3Dx",
    want: { verb: "deletecollection", name: "" },
  },
  { name: "a non-resource path", method: "GET", path: "/healthz", want: { verb: "get", resourceRequest: false, path: "/healthz", resource: "", namespace: "" } },
  { name: "discovery is a non-resource path", method: "GET", path: "/apis/apps", want: { resourceRequest: false, path: "/apis/apps" } },
  { name: "a non-resource POST", method: "POST", path: "/metrics", want: { verb: "post", resourceRequest: false } },
];

for (const c of cases) {
  test(`requestAttributes: ${c.name}`, () => {
    const info = parseRequestInfo(c.path);
    const query = new URLSearchParams(c.query ?? "");
    const got = requestAttributes(jane, requestVerb(c.method, info, query), info, query);
    assert.equal(got.user, jane);
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof Want], v, k);
  });
}

test("resourceAttributes: defaults, apiVersion * as access reviews ask", () => {
  assert.deepEqual(resourceAttributes(jane, { verb: "bind", apiGroup: "rbac.authorization.k8s.io", resource: "clusterroles", name: "view" }), {
    user: jane,
    verb: "bind",
    resourceRequest: true,
    namespace: "",
    apiGroup: "rbac.authorization.k8s.io",
    apiVersion: "*",
    resource: "clusterroles",
    subresource: "",
    name: "view",
    path: "",
  });
});

test("nonResourceAttributes: a path and a verb", () => {
  const a = nonResourceAttributes(jane, "get", "/version");
  assert.equal(a.resourceRequest, false);
  assert.equal(a.path, "/version");
  assert.equal(a.verb, "get");
});
