import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRequestInfo } from "../request-info.js";
import { requestVerb } from "../request-verb.js";
import type { UserInfo } from "../user-info.js";
import type { FlowSchema } from "./flow-schemas.js";
import { classify, orderSchemas, suggestedFlowSchemas } from "./flow-schemas.js";
import { requestDigest } from "./request-digest.js";

const admin: UserInfo = { name: "admin", groups: ["system:masters", "system:authenticated"] };
const alice: UserInfo = { name: "alice", groups: [] };
const node: UserInfo = { name: "system:node:n1", groups: ["system:nodes", "system:authenticated"] };
const controllers: UserInfo = { name: "system:kube-controller-manager", groups: ["system:authenticated"] };
const sa = (ns: string, name: string): UserInfo => ({
  name: `system:serviceaccount:${ns}:${name}`,
  groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"],
});

const ordered = orderSchemas(suggestedFlowSchemas);

const cases: { name: string; user: UserInfo | undefined; method?: string; path: string; query?: string; want: { schema: string; level: string; flow: string } }[] = [
  { name: "system:masters is exempt", user: admin, method: "DELETE", path: "/api/v1/namespaces/default/pods/x", want: { schema: "exempt", level: "exempt", flow: "exempt/" } },
  { name: "probes are exempt, also for anonymous callers", user: undefined, path: "/readyz", want: { schema: "probes", level: "exempt", flow: "probes/" } },
  { name: "anonymous /version goes to catch-all", user: undefined, path: "/version", want: { schema: "catch-all", level: "catch-all", flow: "catch-all/system:anonymous" } },
  {
    name: "anonymous cluster-info read goes to catch-all",
    user: undefined,
    path: "/api/v1/namespaces/kube-public/configmaps/cluster-info",
    want: { schema: "catch-all", level: "catch-all", flow: "catch-all/system:anonymous" },
  },
  { name: "a node's status update is node-high", user: node, method: "PATCH", path: "/api/v1/nodes/n1/status", want: { schema: "system-node-high", level: "node-high", flow: "system-node-high/system:node:n1" } },
  {
    name: "a node's heartbeat Lease is node-high",
    user: node,
    method: "PUT",
    path: "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1",
    want: { schema: "system-node-high", level: "node-high", flow: "system-node-high/system:node:n1" },
  },
  { name: "a node's other requests are system", user: node, path: "/api/v1/pods", query: "fieldSelector=spec.nodeName%3Dn1", want: { schema: "system-nodes", level: "system", flow: "system-nodes/system:node:n1" } },
  {
    name: "the controller manager's leader election Lease",
    user: controllers,
    method: "PUT",
    path: "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager",
    want: { schema: "system-leader-election", level: "leader-election", flow: "system-leader-election/system:kube-controller-manager" },
  },
  {
    name: "the controller manager's other requests are workload-high, one flow per namespace",
    user: controllers,
    method: "PUT",
    path: "/apis/discovery.k8s.io/v1/namespaces/web/endpointslices/x",
    want: { schema: "kube-controller-manager", level: "workload-high", flow: "kube-controller-manager/web" },
  },
  {
    name: "the endpoints controller's account writing Endpoints is endpoint-controller, one flow per user",
    user: sa("kube-system", "endpoint-controller"),
    method: "PUT",
    path: "/api/v1/namespaces/web/endpoints/nginx-service",
    want: { schema: "endpoint-controller", level: "workload-high", flow: "endpoint-controller/system:serviceaccount:kube-system:endpoint-controller" },
  },
  {
    name: "the endpoints controller's account writing anything else is a kube-system account",
    user: sa("kube-system", "endpoint-controller"),
    method: "PUT",
    path: "/api/v1/namespaces/web/events/x",
    want: { schema: "kube-system-service-accounts", level: "workload-high", flow: "kube-system-service-accounts/web" },
  },
  {
    name: "a kube-system service account (cluster DNS) is workload-high",
    user: sa("kube-system", "coredns"),
    path: "/apis/discovery.k8s.io/v1/endpointslices",
    query: "watch=1",
    want: { schema: "kube-system-service-accounts", level: "workload-high", flow: "kube-system-service-accounts/" },
  },
  {
    name: "a kube-system service account's Lease anywhere is system leader election",
    user: sa("kube-system", "speaker"),
    method: "PUT",
    path: "/apis/coordination.k8s.io/v1/namespaces/metallb-system/leases/x",
    want: { schema: "system-leader-election", level: "leader-election", flow: "system-leader-election/system:serviceaccount:kube-system:speaker" },
  },
  {
    name: "a kube-system service account's ConfigMap lock outside kube-system is workload leader election",
    user: sa("kube-system", "speaker"),
    method: "PUT",
    path: "/api/v1/namespaces/metallb-system/configmaps/lock",
    want: { schema: "workload-leader-election", level: "leader-election", flow: "workload-leader-election/system:serviceaccount:kube-system:speaker" },
  },
  {
    name: "other service accounts are workload-low, one flow per account",
    user: sa("default", "app"),
    path: "/api/v1/namespaces/default/services",
    want: { schema: "service-accounts", level: "workload-low", flow: "service-accounts/system:serviceaccount:default:app" },
  },
  { name: "a user is global-default, one flow per user, even without system:authenticated in its groups", user: alice, path: "/api/v1/namespaces/default/configmaps", want: { schema: "global-default", level: "global-default", flow: "global-default/alice" } },
  { name: "a user's discovery request too", user: alice, path: "/apis", want: { schema: "global-default", level: "global-default", flow: "global-default/alice" } },
];

for (const c of cases) {
  test(`classify: ${c.name}`, () => {
    const info = parseRequestInfo(c.path);
    const d = requestDigest(requestVerb(c.method ?? "GET", info, new URLSearchParams(c.query ?? "")), info, c.user);
    const got = classify(d, ordered);
    assert.ok(got, "classified");
    assert.deepEqual({ schema: got.flowSchema.name, level: got.flowSchema.priorityLevel, flow: got.flow }, c.want);
  });
}

test("classify: the lowest matchingPrecedence wins, ties go to the name that sorts first, no match is undefined", () => {
  const all = { subjects: [{ kind: "Group" as const, name: "*" }], nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["/x/*"] }] };
  const schemas: FlowSchema[] = [
    { name: "b", priorityLevel: "p", matchingPrecedence: 10, rules: [all] },
    { name: "a", priorityLevel: "p", matchingPrecedence: 10, rules: [all] },
    { name: "late", priorityLevel: "p", matchingPrecedence: 20, rules: [all] },
  ];
  const xy = parseRequestInfo("/x/y");
  const d = requestDigest(requestVerb("GET", xy, new URLSearchParams()), xy, alice);
  assert.equal(classify(d, orderSchemas(schemas))?.flowSchema.name, "a");
  const z = parseRequestInfo("/z");
  assert.equal(classify(requestDigest(requestVerb("GET", z, new URLSearchParams()), z, alice), orderSchemas(schemas)), undefined);
});
