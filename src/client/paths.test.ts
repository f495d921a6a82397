import { test } from "node:test";
import assert from "node:assert/strict";
import type { PathTarget } from "./paths.js";
import { resourcePath } from "./paths.js";

const pods = { group: "", version: "v1", resource: "pods", namespaced: true };
const nodes = { group: "", version: "v1", resource: "nodes", namespaced: false };
const slices = { group: "discovery.k8s.io", version: "v1", resource: "endpointslices", namespaced: true };

const cases: { name: string; r: typeof pods; t: PathTarget; want?: string; throws?: boolean }[] = [
  { name: "core collection across namespaces", r: pods, t: {}, want: "/api/v1/pods" },
  { name: "core collection in a namespace", r: pods, t: { namespace: "default" }, want: "/api/v1/namespaces/default/pods" },
  { name: "object subresource", r: pods, t: { namespace: "default", name: "p", subresource: "binding" }, want: "/api/v1/namespaces/default/pods/p/binding" },
  { name: "cluster-scoped ignores the namespace", r: nodes, t: { namespace: "default", name: "n1" }, want: "/api/v1/nodes/n1" },
  { name: "named group", r: slices, t: { namespace: "kube-system", name: "s" }, want: "/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices/s" },
  { name: "names are percent-encoded", r: nodes, t: { name: "a b/c" }, want: "/api/v1/nodes/a%20b%2Fc" },
  { name: "namespaced object without namespace", r: pods, t: { name: "p" }, throws: true },
  { name: "empty name", r: nodes, t: { name: "" }, throws: true },
  { name: "subresource without name", r: nodes, t: { subresource: "status" }, throws: true },
];

for (const c of cases) {
  test(c.name, () => {
    if (c.throws) assert.throws(() => resourcePath(c.r, c.t), TypeError);
    else assert.equal(resourcePath(c.r, c.t), c.want);
  });
}
