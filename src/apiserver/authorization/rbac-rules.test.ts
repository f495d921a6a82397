import assert from "node:assert/strict";
import { test } from "node:test";
import type { PolicyRule } from "../../api/rbac-types.js";
import { nonResourceAttributes, resourceAttributes } from "./attributes.js";
import { ruleAllows, rulesAllow } from "./rbac-rules.js";

const user = { name: "jane", groups: [] };

function res(verb: string, resource: string, o: { group?: string; subresource?: string; name?: string } = {}) {
  return resourceAttributes(user, { verb, resource, apiGroup: o.group ?? "", subresource: o.subresource ?? "", name: o.name ?? "", namespace: "default" });
}

const podsGet: PolicyRule = { verbs: ["get"], apiGroups: [""], resources: ["pods"] };

const cases: { name: string; rule: PolicyRule; attrs: ReturnType<typeof res>; want: boolean }[] = [
  { name: "exact verb, group and resource", rule: podsGet, attrs: res("get", "pods"), want: true },
  { name: "another verb", rule: podsGet, attrs: res("list", "pods"), want: false },
  { name: "verb *", rule: { ...podsGet, verbs: ["*"] }, attrs: res("delete", "pods"), want: true },
  { name: "another group", rule: podsGet, attrs: res("get", "pods", { group: "apps" }), want: false },
  { name: "group *", rule: { ...podsGet, apiGroups: ["*"] }, attrs: res("get", "pods", { group: "metrics.k8s.io" }), want: true },
  { name: "no apiGroups matches nothing", rule: { verbs: ["get"], resources: ["pods"] }, attrs: res("get", "pods"), want: false },
  { name: "a resource does not grant its subresources", rule: podsGet, attrs: res("get", "pods", { subresource: "log" }), want: false },
  { name: "resource/subresource grants that subresource", rule: { ...podsGet, resources: ["pods/log"] }, attrs: res("get", "pods", { subresource: "log" }), want: true },
  { name: "resource/subresource does not grant the resource", rule: { ...podsGet, resources: ["pods/log"] }, attrs: res("get", "pods"), want: false },
  { name: "resource * grants subresources too", rule: { ...podsGet, resources: ["*"] }, attrs: res("get", "pods", { subresource: "log" }), want: true },
  { name: "*/scale grants scale of any resource", rule: { ...podsGet, apiGroups: ["*"], resources: ["*/scale"] }, attrs: res("get", "deployments", { group: "apps", subresource: "scale" }), want: true },
  { name: "*/scale does not grant the resource", rule: { ...podsGet, resources: ["*/scale"] }, attrs: res("get", "pods"), want: false },
  { name: "*/scale does not grant another subresource", rule: { ...podsGet, resources: ["*/scale"] }, attrs: res("get", "pods", { subresource: "status" }), want: false },
  { name: "pods/* is no wildcard (Kubernetes matches it literally)", rule: { ...podsGet, resources: ["pods/*"] }, attrs: res("get", "pods", { subresource: "log" }), want: false },
  { name: "resourceNames: the named object", rule: { ...podsGet, resourceNames: ["nginx"] }, attrs: res("get", "pods", { name: "nginx" }), want: true },
  { name: "resourceNames: another object", rule: { ...podsGet, resourceNames: ["nginx"] }, attrs: res("get", "pods", { name: "web" }), want: false },
  { name: "resourceNames never match an unnamed list", rule: { ...podsGet, verbs: ["list"], resourceNames: ["nginx"] }, attrs: res("list", "pods"), want: false },
  { name: "resourceNames never match a create", rule: { ...podsGet, verbs: ["create"], resourceNames: ["nginx"] }, attrs: res("create", "pods"), want: false },
  { name: "empty resourceNames match any name", rule: { ...podsGet, resourceNames: [] }, attrs: res("get", "pods", { name: "x" }), want: true },
  { name: "a resource rule never allows a path", rule: { ...podsGet, resources: ["*"] }, attrs: nonResourceAttributes(user, "get", "/healthz"), want: false },
  { name: "non-resource: exact path", rule: { verbs: ["get"], nonResourceURLs: ["/healthz"] }, attrs: nonResourceAttributes(user, "get", "/healthz"), want: true },
  { name: "non-resource: exact means exact", rule: { verbs: ["get"], nonResourceURLs: ["/healthz"] }, attrs: nonResourceAttributes(user, "get", "/healthz/etcd"), want: false },
  { name: "non-resource: /api/* is a prefix", rule: { verbs: ["get"], nonResourceURLs: ["/api/*"] }, attrs: nonResourceAttributes(user, "get", "/api/v1"), want: true },
  { name: "non-resource: /api/* does not match /api", rule: { verbs: ["get"], nonResourceURLs: ["/api/*"] }, attrs: nonResourceAttributes(user, "get", "/api"), want: false },
  { name: "non-resource: /api* matches /apis too", rule: { verbs: ["get"], nonResourceURLs: ["/api*"] }, attrs: nonResourceAttributes(user, "get", "/apis"), want: true },
  { name: "non-resource: * matches every path", rule: { verbs: ["get"], nonResourceURLs: ["*"] }, attrs: nonResourceAttributes(user, "get", "/metrics"), want: true },
  { name: "non-resource: the verb still counts", rule: { verbs: ["get"], nonResourceURLs: ["*"] }, attrs: nonResourceAttributes(user, "post", "/metrics"), want: false },
  { name: "a path rule never allows a resource", rule: { verbs: ["*"], nonResourceURLs: ["*"] }, attrs: res("get", "pods"), want: false },
];

for (const c of cases) {
  test(`ruleAllows: ${c.name}`, () => {
    assert.equal(ruleAllows(c.attrs, Object.freeze(c.rule)), c.want);
  });
}

test("rulesAllow: any rule of the list", () => {
  assert.equal(rulesAllow(res("list", "pods"), [podsGet, { ...podsGet, verbs: ["list"] }]), true);
  assert.equal(rulesAllow(res("list", "pods"), [podsGet]), false);
  assert.equal(rulesAllow(res("list", "pods"), []), false);
});
