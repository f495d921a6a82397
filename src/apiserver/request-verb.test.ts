import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRequestInfo } from "./request-info.js";
import { isMutatingVerb, nonResourceRequestVerb, requestVerb, resourceRequestVerb } from "./request-verb.js";

const cases: { name: string; method: string; path: string; query?: string; want: string }[] = [
  { name: "GET a collection lists", method: "GET", path: "/api/v1/namespaces/default/pods", want: "list" },
  { name: "GET an object gets", method: "GET", path: "/api/v1/namespaces/default/pods/nginx", want: "get" },
  { name: "HEAD reads like GET", method: "HEAD", path: "/api/v1/namespaces/default/pods/nginx", want: "get" },
  { name: "?watch=true watches", method: "GET", path: "/api/v1/pods", query: "watch=true", want: "watch" },
  { name: "?watch=1 watches", method: "GET", path: "/api/v1/pods", query: "watch=1", want: "watch" },
  { name: "?watch=false lists", method: "GET", path: "/api/v1/pods", query: "watch=false", want: "list" },
  { name: "the /watch/ prefix watches one object too", method: "GET", path: "/api/v1/watch/namespaces/default/pods/nginx", want: "watch" },
  { name: "POST creates", method: "POST", path: "/api/v1/namespaces/default/pods", want: "create" },
  { name: "POST to a subresource creates", method: "POST", path: "/api/v1/namespaces/default/pods/nginx/eviction", want: "create" },
  { name: "PUT updates", method: "PUT", path: "/api/v1/namespaces/default/pods/nginx/status", want: "update" },
  { name: "PATCH patches", method: "PATCH", path: "/apis/apps/v1/namespaces/default/deployments/web/scale", want: "patch" },
  { name: "DELETE an object deletes", method: "DELETE", path: "/api/v1/namespaces/default/pods/nginx", want: "delete" },
  { name: "DELETE a collection deletes the collection", method: "DELETE", path: "/api/v1/namespaces/default/pods", want: "deletecollection" },
  { name: "another method is its own name", method: "OPTIONS", path: "/api/v1/pods", want: "options" },
];

for (const c of cases) {
  test(`resourceRequestVerb: ${c.name}`, () => {
    const info = parseRequestInfo(c.path);
    assert.equal(info.kind, "resource");
    if (info.kind !== "resource") return;
    assert.equal(resourceRequestVerb(c.method, info, new URLSearchParams(c.query ?? "")), c.want);
  });
}

test("nonResourceRequestVerb: the method, HEAD as get", () => {
  assert.equal(nonResourceRequestVerb("GET"), "get");
  assert.equal(nonResourceRequestVerb("HEAD"), "get");
  assert.equal(nonResourceRequestVerb("POST"), "post");
});

test("requestVerb: a resource request's verb, or a non-resource request's", () => {
  const verb = (method: string, path: string, query = ""): string => requestVerb(method, parseRequestInfo(path), new URLSearchParams(query));
  assert.equal(verb("GET", "/api/v1/pods", "watch=true"), "watch");
  assert.equal(verb("DELETE", "/api/v1/namespaces/default/pods"), "deletecollection");
  assert.equal(verb("HEAD", "/healthz", "watch=true"), "get");
  assert.equal(verb("POST", "/metrics"), "post");
});

test("isMutatingVerb: writes only", () => {
  assert.deepEqual(["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "impersonate"].filter(isMutatingVerb), ["create", "update", "patch", "delete", "deletecollection"]);
});
