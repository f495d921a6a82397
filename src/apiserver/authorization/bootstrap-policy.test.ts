import assert from "node:assert/strict";
import { test } from "node:test";
import { resources } from "../../api/resources.js";
import type { UserInfo } from "../user-info.js";
import type { AuthorizationAttributes } from "./attributes.js";
import { nonResourceAttributes, resourceAttributes } from "./attributes.js";
import { AUTOUPDATE_ANNOTATION, BOOTSTRAPPING_LABEL, JOIN_TOKEN_GROUP, bootstrapPolicy } from "./bootstrap-policy.js";
import { RbacAuthorizer } from "./rbac-authorizer.js";
import { RbacPolicyIndex } from "./rbac-policy-source.js";
import { roleBinding, user } from "./rbac-test-fixtures.js";

/** The default policy, plus jane as viewer of "v", editor of "e" and admin of "a". */
function authorizer(): RbacAuthorizer {
  const p = new RbacPolicyIndex();
  const policy = bootstrapPolicy();
  for (const o of policy.clusterRoles) p.upsert("ClusterRole", o);
  for (const o of policy.clusterRoleBindings) p.upsert("ClusterRoleBinding", o);
  for (const o of policy.roles) p.upsert("Role", o);
  for (const o of policy.roleBindings) p.upsert("RoleBinding", o);
  for (const [ns, r] of [["v", "view"], ["e", "edit"], ["a", "admin"]]) p.upsert("RoleBinding", roleBinding(ns, `jane-${r}`, { kind: "ClusterRole", name: r }, [user("jane")]));
  return new RbacAuthorizer(p);
}

const authenticated = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, "system:authenticated"] });
const node = authenticated("system:node:n1", "system:nodes");
const coredns = authenticated("system:serviceaccount:kube-system:coredns", "system:serviceaccounts", "system:serviceaccounts:kube-system");
const proxy = authenticated("system:kube-proxy");
const controllers = authenticated("system:kube-controller-manager");
const scheduler = authenticated("system:kube-scheduler");
const controller = (account: string): UserInfo => authenticated(`system:serviceaccount:kube-system:${account}`, "system:serviceaccounts", "system:serviceaccounts:kube-system");
const jane = authenticated("jane");
const anonymous: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };
const admin = authenticated("admin", "system:masters");
const kubeletClient = authenticated("kube-apiserver-kubelet-client");
const joinToken = authenticated("system:bootstrap:abcdef", "system:bootstrappers", JOIN_TOKEN_GROUP);
const certificateController = authenticated("system:serviceaccount:kube-system:certificate-controller", "system:serviceaccounts", "system:serviceaccounts:kube-system");
const CERTS = "certificates.k8s.io";

function can(u: UserInfo, verb: string, resource: string, o: { group?: string; ns?: string; sub?: string; name?: string } = {}): AuthorizationAttributes {
  return resourceAttributes(u, { verb, resource, apiGroup: o.group ?? "", namespace: o.ns ?? "", subresource: o.sub ?? "", name: o.name ?? "" });
}

const cases: { name: string; attrs: AuthorizationAttributes; allowed: boolean }[] = [
  { name: "system:masters may do anything", attrs: can(admin, "escalate", "clusterroles", { group: "rbac.authorization.k8s.io" }), allowed: true },
  { name: "system:masters may reach any path", attrs: nonResourceAttributes(admin, "post", "/anything"), allowed: true },
  { name: "anyone may read /healthz", attrs: nonResourceAttributes(anonymous, "get", "/healthz"), allowed: true },
  { name: "anyone may read /version", attrs: nonResourceAttributes(anonymous, "get", "/version"), allowed: true },
  { name: "only the authenticated may discover", attrs: nonResourceAttributes(anonymous, "get", "/apis/apps/v1"), allowed: false },
  { name: "the authenticated discover", attrs: nonResourceAttributes(jane, "get", "/apis/apps/v1"), allowed: true },
  { name: "the authenticated may ask what they may do", attrs: can(jane, "create", "selfsubjectaccessreviews", { group: "authorization.k8s.io" }), allowed: true },
  { name: "…and list it", attrs: can(jane, "create", "selfsubjectrulesreviews", { group: "authorization.k8s.io" }), allowed: true },
  { name: "…but not ask about others", attrs: can(jane, "create", "subjectaccessreviews", { group: "authorization.k8s.io" }), allowed: false },
  { name: "nothing else by default", attrs: can(jane, "list", "pods", { ns: "default" }), allowed: false },
  { name: "view reads pods", attrs: can(jane, "list", "pods", { ns: "v" }), allowed: true },
  { name: "view reads logs", attrs: can(jane, "get", "pods", { ns: "v", sub: "log", name: "p" }), allowed: true },
  { name: "view reads endpointslices", attrs: can(jane, "watch", "endpointslices", { group: "discovery.k8s.io", ns: "v" }), allowed: true },
  { name: "view reads its namespace", attrs: can(jane, "get", "namespaces", { ns: "v", name: "v" }), allowed: true },
  { name: "view does not read secrets", attrs: can(jane, "get", "secrets", { ns: "v", name: "s" }), allowed: false },
  { name: "view does not write", attrs: can(jane, "create", "pods", { ns: "v" }), allowed: false },
  { name: "view does not exec", attrs: can(jane, "create", "pods", { ns: "v", sub: "exec", name: "p" }), allowed: false },
  { name: "edit includes view", attrs: can(jane, "get", "pods", { ns: "e", sub: "log", name: "p" }), allowed: true },
  { name: "edit writes deployments", attrs: can(jane, "patch", "deployments", { group: "apps", ns: "e", sub: "scale", name: "d" }), allowed: true },
  { name: "edit reads secrets", attrs: can(jane, "get", "secrets", { ns: "e", name: "s" }), allowed: true },
  { name: "edit execs", attrs: can(jane, "create", "pods", { ns: "e", sub: "exec", name: "p" }), allowed: true },
  { name: "edit impersonates service accounts", attrs: can(jane, "impersonate", "serviceaccounts", { ns: "e", name: "default" }), allowed: true },
  { name: "edit does not write roles", attrs: can(jane, "create", "roles", { group: "rbac.authorization.k8s.io", ns: "e" }), allowed: false },
  { name: "admin writes rolebindings", attrs: can(jane, "create", "rolebindings", { group: "rbac.authorization.k8s.io", ns: "a" }), allowed: true },
  { name: "admin includes edit", attrs: can(jane, "delete", "services", { ns: "a", name: "s" }), allowed: true },
  { name: "admin is only admin of its namespace", attrs: can(jane, "delete", "services", { ns: "v", name: "s" }), allowed: false },
  { name: "a node registers", attrs: can(node, "create", "nodes"), allowed: true },
  { name: "a node reports status", attrs: can(node, "update", "nodes", { sub: "status", name: "n1" }), allowed: true },
  { name: "a node does not delete nodes", attrs: can(node, "delete", "nodes", { name: "n2" }), allowed: false },
  { name: "a node heartbeats in kube-node-lease", attrs: can(node, "patch", "leases", { group: "coordination.k8s.io", ns: "kube-node-lease", name: "n1" }), allowed: true },
  { name: "…and nowhere else but the speaker's", attrs: can(node, "patch", "leases", { group: "coordination.k8s.io", ns: "default", name: "n1" }), allowed: false },
  { name: "a node's speaker keeps its lease in kube-system", attrs: can(node, "create", "leases", { group: "coordination.k8s.io", ns: "kube-system" }), allowed: true },
  { name: "a node's speaker watches others' leases", attrs: can(node, "watch", "leases", { group: "coordination.k8s.io", ns: "kube-system" }), allowed: true },
  { name: "a node's speaker reads address pools", attrs: can(node, "list", "ipaddresspools", { group: "metallb.io", ns: "metallb-system" }), allowed: true },
  { name: "a node writes pod status", attrs: can(node, "update", "pods", { ns: "default", sub: "status", name: "p" }), allowed: true },
  { name: "a node watches pods", attrs: can(node, "watch", "pods"), allowed: true },
  { name: "a node does not update pod specs", attrs: can(node, "update", "pods", { ns: "default", name: "p" }), allowed: false },
  { name: "a node reads configmaps for volumes", attrs: can(node, "get", "configmaps", { ns: "default", name: "kube-root-ca.crt" }), allowed: true },
  { name: "a node requests pod tokens", attrs: can(node, "create", "serviceaccounts", { ns: "default", sub: "token", name: "default" }), allowed: true },
  { name: "a node's proxy watches endpointslices", attrs: can(node, "watch", "endpointslices", { group: "discovery.k8s.io" }), allowed: true },
  { name: "a node records events", attrs: can(node, "create", "events", { ns: "default" }), allowed: true },
  { name: "a node does not write services", attrs: can(node, "update", "services", { ns: "default", name: "s" }), allowed: false },
  { name: "a node does not read roles", attrs: can(node, "list", "roles", { group: "rbac.authorization.k8s.io" }), allowed: false },
  { name: "a node asks who may use its kubelet endpoint", attrs: can(node, "create", "subjectaccessreviews", { group: "authorization.k8s.io" }), allowed: true },
  { name: "…and checks tokens, as kubelet may", attrs: can(node, "create", "tokenreviews", { group: "authentication.k8s.io" }), allowed: true },
  { name: "a node does not reach another node's agent", attrs: can(node, "create", "nodes", { sub: "proxy", name: "n2" }), allowed: false },
  { name: "the API server's client certificate reaches every agent", attrs: can(kubeletClient, "create", "nodes", { sub: "proxy", name: "n1" }), allowed: true },
  { name: "…reads nodes", attrs: can(kubeletClient, "get", "nodes", { name: "n1" }), allowed: true },
  { name: "…and nothing else", attrs: can(kubeletClient, "list", "pods"), allowed: false },
  { name: "kube-proxy watches endpointslices", attrs: can(proxy, "list", "endpointslices", { group: "discovery.k8s.io" }), allowed: true },
  { name: "kube-proxy does not write services", attrs: can(proxy, "update", "services", { ns: "default", name: "s" }), allowed: false },
  { name: "the DNS watches namespaces", attrs: can(coredns, "watch", "namespaces"), allowed: true },
  { name: "the DNS lists endpointslices", attrs: can(coredns, "list", "endpointslices", { group: "discovery.k8s.io" }), allowed: true },
  { name: "the DNS does not read secrets", attrs: can(coredns, "get", "secrets", { ns: "kube-system", name: "s" }), allowed: false },
  { name: "the controller manager's informers watch anything", attrs: can(controllers, "watch", "clusterroles", { group: "rbac.authorization.k8s.io" }), allowed: true },
  { name: "the controller manager does not write what its controllers write", attrs: can(controllers, "create", "endpointslices", { group: "discovery.k8s.io", ns: "default" }), allowed: false },
  { name: "the controller manager does not read secrets", attrs: can(controllers, "get", "secrets", { ns: "kube-system", name: "s" }), allowed: false },
  { name: "the controller manager renews its Lease", attrs: can(controllers, "update", "leases", { group: "coordination.k8s.io", ns: "kube-system", name: "kube-controller-manager" }), allowed: true },
  { name: "…and no other", attrs: can(controllers, "update", "leases", { group: "coordination.k8s.io", ns: "kube-system", name: "kube-scheduler" }), allowed: false },
  { name: "the controller manager creates its controllers' service accounts", attrs: can(controllers, "create", "serviceaccounts", { ns: "kube-system" }), allowed: true },
  { name: "the endpointslice controller writes endpointslices", attrs: can(controller("endpointslice-controller"), "update", "endpointslices", { group: "discovery.k8s.io", ns: "default", name: "s" }), allowed: true },
  { name: "…but not endpoints", attrs: can(controller("endpointslice-controller"), "update", "endpoints", { ns: "default", name: "s" }), allowed: false },
  { name: "the endpoint controller writes endpoints", attrs: can(controller("endpoint-controller"), "create", "endpoints", { ns: "default" }), allowed: true },
  { name: "the replication controller creates pods", attrs: can(controller("replication-controller"), "create", "pods", { ns: "default" }), allowed: true },
  { name: "…and not replica sets", attrs: can(controller("replication-controller"), "create", "replicasets", { group: "apps", ns: "default" }), allowed: false },
  { name: "the deployment controller writes replica sets", attrs: can(controller("deployment-controller"), "patch", "replicasets", { group: "apps", ns: "default", name: "r" }), allowed: true },
  { name: "the namespace controller empties namespaces of roles", attrs: can(controller("namespace-controller"), "deletecollection", "rolebindings", { group: "rbac.authorization.k8s.io", ns: "gone" }), allowed: true },
  { name: "the namespace controller finalizes namespaces", attrs: can(controller("namespace-controller"), "update", "namespaces", { sub: "finalize", name: "gone" }), allowed: true },
  { name: "the garbage collector deletes any dependent", attrs: can(controller("generic-garbage-collector"), "delete", "endpointslices", { group: "discovery.k8s.io", ns: "default", name: "s" }), allowed: true },
  { name: "no controller creates RBAC grants", attrs: can(controller("generic-garbage-collector"), "create", "clusterrolebindings", { group: "rbac.authorization.k8s.io" }), allowed: false },
  { name: "the node controller evicts pods", attrs: can(controller("node-controller"), "delete", "pods", { ns: "default", name: "p" }), allowed: true },
  { name: "the node controller taints nodes", attrs: can(controller("node-controller"), "update", "nodes", { name: "n1" }), allowed: true },
  { name: "the service controller writes service status", attrs: can(controller("service-controller"), "update", "services", { ns: "default", sub: "status", name: "s" }), allowed: true },
  { name: "…not services", attrs: can(controller("service-controller"), "update", "services", { ns: "default", name: "s" }), allowed: false },
  { name: "the service account controller creates service accounts", attrs: can(controller("service-account-controller"), "create", "serviceaccounts", { ns: "default" }), allowed: true },
  { name: "root-ca-cert-publisher writes configmaps", attrs: can(controller("root-ca-cert-publisher"), "update", "configmaps", { ns: "default", name: "kube-root-ca.crt" }), allowed: true },
  { name: "a service account elsewhere gets no controller's role", attrs: can(authenticated("system:serviceaccount:default:endpoint-controller", "system:serviceaccounts"), "create", "endpoints", { ns: "default" }), allowed: false },
  { name: "the scheduler binds pods", attrs: can(scheduler, "create", "pods", { ns: "default", sub: "binding", name: "p" }), allowed: true },
  { name: "…and does not delete them", attrs: can(scheduler, "delete", "pods", { ns: "default", name: "p" }), allowed: false },
  { name: "a join token asks for a certificate", attrs: can(joinToken, "create", "certificatesigningrequests", { group: CERTS }), allowed: true },
  { name: "…and reads its request back", attrs: can(joinToken, "get", "certificatesigningrequests", { group: CERTS, name: "node-csr-x" }), allowed: true },
  { name: "…which csrapproving may approve for it", attrs: can(joinToken, "create", "certificatesigningrequests", { group: CERTS, sub: "nodeclient" }), allowed: true },
  { name: "…as a new node, not a renewal", attrs: can(joinToken, "create", "certificatesigningrequests", { group: CERTS, sub: "selfnodeclient" }), allowed: false },
  { name: "a join token reads no secrets", attrs: can(joinToken, "get", "secrets", { ns: "default", name: "s" }), allowed: false },
  { name: "a join token registers no node", attrs: can(joinToken, "create", "nodes"), allowed: false },
  { name: "a join token reads no nodes", attrs: can(joinToken, "get", "nodes", { name: "n1" }), allowed: false },
  { name: "a join token holds no lease", attrs: can(joinToken, "update", "leases", { group: "coordination.k8s.io", ns: "kube-node-lease", name: "n1" }), allowed: false },
  { name: "a join token watches no endpointslices", attrs: can(joinToken, "watch", "endpointslices", { group: "discovery.k8s.io" }), allowed: false },
  { name: "a node renews its certificate", attrs: can(node, "create", "certificatesigningrequests", { group: CERTS, sub: "selfnodeclient" }), allowed: true },
  { name: "…sending the request with its own certificate", attrs: can(node, "create", "certificatesigningrequests", { group: CERTS }), allowed: true },
  { name: "…and watching it", attrs: can(node, "watch", "certificatesigningrequests", { group: CERTS }), allowed: true },
  { name: "…but approves none", attrs: can(node, "update", "certificatesigningrequests", { group: CERTS, sub: "approval" }), allowed: false },
  { name: "a node asks for no other node's", attrs: can(node, "create", "certificatesigningrequests", { group: CERTS, sub: "nodeclient" }), allowed: false },
  { name: "the certificate controller approves node client requests", attrs: can(certificateController, "approve", "signers", { group: CERTS, name: "kubernetes.io/kube-apiserver-client-kubelet" }), allowed: true },
  { name: "…and no other signer's", attrs: can(certificateController, "approve", "signers", { group: CERTS, name: "kubernetes.io/kube-apiserver-client" }), allowed: false },
  { name: "…signs client certificates", attrs: can(certificateController, "sign", "signers", { group: CERTS, name: "kubernetes.io/kube-apiserver-client" }), allowed: true },
  { name: "…and no serving ones", attrs: can(certificateController, "sign", "signers", { group: CERTS, name: "kubernetes.io/kubelet-serving" }), allowed: false },
  { name: "…writes approval", attrs: can(certificateController, "update", "certificatesigningrequests", { group: CERTS, sub: "approval", name: "x" }), allowed: true },
  { name: "…and status", attrs: can(certificateController, "update", "certificatesigningrequests", { group: CERTS, sub: "status", name: "x" }), allowed: true },
  { name: "…asks SubjectAccessReviews", attrs: can(certificateController, "create", "subjectaccessreviews", { group: "authorization.k8s.io" }), allowed: true },
  { name: "…cleans requests up", attrs: can(certificateController, "delete", "certificatesigningrequests", { group: CERTS, name: "x" }), allowed: true },
  { name: "…and does not create them", attrs: can(certificateController, "create", "certificatesigningrequests", { group: CERTS }), allowed: false },
];

for (const c of cases) {
  test(`bootstrapPolicy: ${c.name}`, () => {
    const got = authorizer().authorize(c.attrs);
    assert.equal(got.decision, c.allowed ? "allow" : "no-opinion", got.reason);
  });
}

test("bootstrapPolicy: every object is labelled and auto-updated; names are unique", () => {
  const p = bootstrapPolicy();
  const all = [...p.clusterRoles, ...p.clusterRoleBindings, ...p.roles, ...p.roleBindings];
  for (const o of all) {
    assert.equal(o.metadata.labels?.[BOOTSTRAPPING_LABEL], "rbac-defaults", o.metadata.name);
    assert.equal(o.metadata.annotations?.[AUTOUPDATE_ANNOTATION], "true", o.metadata.name);
  }
  for (const list of [p.clusterRoles, p.clusterRoleBindings, p.roles, p.roleBindings]) {
    const keys = list.map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`);
    assert.equal(new Set(keys).size, keys.length);
  }
  const roleNames = new Set(p.clusterRoles.map((r) => r.metadata.name));
  for (const b of p.clusterRoleBindings) assert.ok(roleNames.has(b.roleRef.name), b.metadata.name);
});

test("bootstrapPolicy: the aggregated roles gather what svcnet serves, and only that", () => {
  const served = new Set<string>();
  for (const r of resources) {
    served.add(`${r.group}/${r.resource}`);
    for (const s of r.subresources) served.add(`${r.group}/${r.resource}/${s.name}`);
  }
  // Served outside the resource catalog: pod upgrades, and the RBAC and review APIs.
  for (const x of ["/pods/exec", "/pods/portforward"]) served.add(x);
  // Not served by the API, but what node agents authorize their own endpoint's requests as.
  for (const x of ["proxy", "metrics", "spec", "stats", "log"]) served.add(`/nodes/${x}`);
  // Checked by csrapproving and the CSR API's admission, never requested.
  for (const x of ["certificatesigningrequests/nodeclient", "certificatesigningrequests/selfnodeclient", "signers"]) served.add(`certificates.k8s.io/${x}`);
  const elsewhere = new Set(["rbac.authorization.k8s.io", "authorization.k8s.io", "authentication.k8s.io", "events.k8s.io"]);
  for (const role of bootstrapPolicy().clusterRoles) {
    for (const rule of role.rules ?? []) {
      for (const g of rule.apiGroups ?? []) {
        for (const r of rule.resources ?? []) {
          if (g === "*" || r === "*" || elsewhere.has(g)) continue;
          assert.ok(served.has(`${g}/${r}`), `${role.metadata.name}: ${g}/${r} is not served`);
        }
      }
    }
  }
});

test("bootstrapPolicy: each controller role is bound to the kube-system service account it is named after", () => {
  const p = bootstrapPolicy();
  const names = p.clusterRoles.map((r) => r.metadata.name ?? "").filter((n) => n.startsWith("system:controller:"));
  assert.ok(names.length > 0);
  for (const name of names) {
    const binding = p.clusterRoleBindings.find((b) => b.metadata.name === name);
    assert.deepEqual(binding?.subjects, [{ kind: "ServiceAccount", name: name.slice("system:controller:".length), namespace: "kube-system" }], name);
  }
});

test("bootstrapPolicy: a fresh copy each call", () => {
  const a = bootstrapPolicy();
  a.clusterRoles[0].metadata.name = "changed";
  assert.equal(bootstrapPolicy().clusterRoles[0].metadata.name, "cluster-admin");
});
