import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRequestInfo } from "./request-info.js";

test("request paths map to resources", async (t) => {
  const cases = [
    { name: "core namespaced collection", path: "/api/v1/namespaces/default/services", want: { resource: "services", namespace: "default", name: undefined, subresource: "" } },
    { name: "core object", path: "/api/v1/namespaces/default/services/nginx-service", want: { resource: "services", namespace: "default", name: "nginx-service", subresource: "" } },
    { name: "status subresource", path: "/api/v1/namespaces/default/services/x/status", want: { resource: "services", namespace: "default", name: "x", subresource: "status" } },
    { name: "all namespaces", path: "/api/v1/pods", want: { resource: "pods", namespace: undefined, name: undefined, subresource: "" } },
    { name: "cluster-scoped object", path: "/api/v1/nodes/core-v2-01", want: { resource: "nodes", namespace: undefined, name: "core-v2-01", subresource: "" } },
    { name: "namespace object", path: "/api/v1/namespaces/default", want: { resource: "namespaces", namespace: undefined, name: "default", subresource: "" } },
    { name: "namespace status", path: "/api/v1/namespaces/default/status", want: { resource: "namespaces", namespace: undefined, name: "default", subresource: "status" } },
    { name: "namespace finalize", path: "/api/v1/namespaces/x/finalize", want: { resource: "namespaces", namespace: undefined, name: "x", subresource: "finalize" } },
    { name: "group resource", path: "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", want: { resource: "endpointslices", namespace: "default", name: undefined, subresource: "" } },
    { name: "rc scale", path: "/api/v1/namespaces/default/replicationcontrollers/nginx-controller/scale", want: { resource: "replicationcontrollers", namespace: "default", name: "nginx-controller", subresource: "scale" } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const info = parseRequestInfo(c.path);
      assert.equal(info.kind, "resource");
      if (info.kind !== "resource") return;
      assert.deepEqual({ resource: info.resource, namespace: info.namespace, name: info.name, subresource: info.subresource }, c.want);
    });
  }
  await t.test("discovery paths are not resources", () => {
    for (const p of ["/api", "/apis", "/api/v1", "/apis/apps/v1", "/apis/apps", "/version", "/openapi/v3"]) {
      assert.equal(parseRequestInfo(p).kind, "nonResource", p);
    }
  });
});
