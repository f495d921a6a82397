import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject, Pod } from "../../api/types.js";
import type { NodeRequest, NodeRestrictionLookup } from "./node-restriction.js";
import { isNodeRestricted, nodeRestriction } from "./node-restriction.js";
import { podReferences } from "./pod-references.js";

function makePod(name: string, nodeName: string, change: (p: Pod) => void = () => undefined): Pod {
  const pod: Pod = { metadata: { name, namespace: "default", uid: `uid-${name}` }, spec: { nodeName, containers: [{ name: "c" }] } };
  change(pod);
  return pod;
}

const pods = [
  makePod("mine", "a", (p) => {
    p.spec.volumes = [
      { name: "cert", secret: { secretName: "tls" } },
      { name: "token", projected: { sources: [{ configMap: { name: "kube-root-ca.crt" } }, { serviceAccountToken: { path: "token" } }] } },
    ];
    p.spec.containers[0].env = [{ name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }];
    p.spec.containers[0].envFrom = [{ configMapRef: { name: "settings" } }];
    p.spec.serviceAccountName = "web";
  }),
  makePod("theirs", "b", (p) => (p.spec.volumes = [{ name: "x", secret: { secretName: "other-node-secret" } }])),
];
const lookup: NodeRestrictionLookup = {
  podsOnNode: (node, ns) => pods.filter((p) => p.spec.nodeName === node && p.metadata.namespace === ns),
  pod: (ns, name) => pods.find((p) => p.metadata.namespace === ns && p.metadata.name === name),
};
const req = (o: Partial<NodeRequest> & Pick<NodeRequest, "verb" | "resource">): NodeRequest => ({ apiGroup: "", subresource: "", namespace: "", name: "", ...o });
const tokenRequest = (ref: Record<string, string> | undefined): KubeObject => ({ metadata: {}, spec: { audiences: ["https://kubernetes.default.svc"], ...(ref && { boundObjectRef: ref }) } });

const cases: { name: string; req: NodeRequest; want: string | RegExp | undefined }[] = [
  { name: "its own Node: update", req: req({ verb: "update", resource: "nodes", name: "a" }), want: undefined },
  { name: "its own Node: create (registration)", req: req({ verb: "create", resource: "nodes", name: "a" }), want: undefined },
  { name: "its own Node's status", req: req({ verb: "patch", resource: "nodes", subresource: "status", name: "a" }), want: undefined },
  { name: "another Node: patch", req: req({ verb: "patch", resource: "nodes", name: "b" }), want: 'node "a" is not allowed to modify node "b"' },
  { name: "another Node's status", req: req({ verb: "update", resource: "nodes", subresource: "status", name: "b" }), want: 'node "a" is not allowed to modify node "b"' },
  { name: "another Node: delete", req: req({ verb: "delete", resource: "nodes", name: "b" }), want: 'node "a" is not allowed to modify node "b"' },
  { name: "every Node: delete collection", req: req({ verb: "deletecollection", resource: "nodes" }), want: 'node "a" is not allowed to delete nodes' },
  { name: "reading Nodes is RBAC's business", req: req({ verb: "list", resource: "nodes" }), want: undefined },
  { name: "its own heartbeat Lease", req: req({ verb: "update", apiGroup: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease", name: "a" }), want: undefined },
  { name: "another node's heartbeat Lease", req: req({ verb: "update", apiGroup: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease", name: "b" }), want: /can only access leases with the same name/ },
  { name: "Leases elsewhere are RBAC's business (speakers)", req: req({ verb: "update", apiGroup: "coordination.k8s.io", resource: "leases", namespace: "kube-system", name: "speaker-b" }), want: undefined },
  { name: "status of a pod bound to it", req: req({ verb: "patch", resource: "pods", subresource: "status", namespace: "default", name: "mine", current: pods[0] }), want: undefined },
  { name: "status of another node's pod", req: req({ verb: "patch", resource: "pods", subresource: "status", namespace: "default", name: "theirs", current: pods[1] }), want: /can only update pod status for pods with spec.nodeName set to itself/ },
  { name: "deleting a pod bound to it", req: req({ verb: "delete", resource: "pods", namespace: "default", name: "mine", current: pods[0] }), want: undefined },
  { name: "deleting another node's pod", req: req({ verb: "delete", resource: "pods", namespace: "default", name: "theirs", current: pods[1] }), want: /can only delete pods with spec.nodeName set to itself/ },
  { name: "evicting another node's pod", req: req({ verb: "create", resource: "pods", subresource: "eviction", namespace: "default", name: "theirs", current: pods[1] }), want: /can only delete pods/ },
  { name: "creating a pod", req: req({ verb: "create", resource: "pods", namespace: "default", name: "new" }), want: /can only create mirror pods/ },
  { name: "changing a pod's spec", req: req({ verb: "update", resource: "pods", namespace: "default", name: "mine", current: pods[0] }), want: 'node "a" is not allowed to update pods' },
  { name: "a token for its pod's service account", req: req({ verb: "create", resource: "serviceaccounts", subresource: "token", namespace: "default", name: "web", incoming: tokenRequest({ kind: "Pod", name: "mine", uid: "uid-mine" }) }), want: undefined },
  { name: "a token bound to no pod", req: req({ verb: "create", resource: "serviceaccounts", subresource: "token", namespace: "default", name: "web", incoming: tokenRequest(undefined) }), want: "node requested token not bound to a pod" },
  { name: "a token bound to another node's pod", req: req({ verb: "create", resource: "serviceaccounts", subresource: "token", namespace: "default", name: "default", incoming: tokenRequest({ kind: "Pod", name: "theirs" }) }), want: /scheduled on a different node/ },
  { name: "a token for another account than the pod's", req: req({ verb: "create", resource: "serviceaccounts", subresource: "token", namespace: "default", name: "admin", incoming: tokenRequest({ kind: "Pod", name: "mine" }) }), want: /runs as "web"/ },
  { name: "a token whose uid is stale", req: req({ verb: "create", resource: "serviceaccounts", subresource: "token", namespace: "default", name: "web", incoming: tokenRequest({ kind: "Pod", name: "mine", uid: "old" }) }), want: /does not match the UID in record/ },
  { name: "a Secret its pod mounts", req: req({ verb: "get", resource: "secrets", namespace: "default", name: "tls" }), want: undefined },
  { name: "a Secret its pod reads into env", req: req({ verb: "get", resource: "secrets", namespace: "default", name: "db" }), want: undefined },
  { name: "a ConfigMap in a projected volume", req: req({ verb: "get", resource: "configmaps", namespace: "default", name: "kube-root-ca.crt" }), want: undefined },
  { name: "a ConfigMap in envFrom, watched by name", req: req({ verb: "watch", resource: "configmaps", namespace: "default", name: "settings" }), want: undefined },
  { name: "another node's pod's Secret", req: req({ verb: "get", resource: "secrets", namespace: "default", name: "other-node-secret" }), want: "no relationship found between node 'a' and this object" },
  { name: "a Secret in another namespace", req: req({ verb: "get", resource: "secrets", namespace: "kube-system", name: "tls" }), want: /no relationship found/ },
  { name: "listing every Secret", req: req({ verb: "list", resource: "secrets", namespace: "default" }), want: /only by name/ },
  { name: "writing a ConfigMap", req: req({ verb: "update", resource: "configmaps", namespace: "default", name: "settings" }), want: /only by name/ },
  { name: "Services are RBAC's business", req: req({ verb: "watch", resource: "services" }), want: undefined },
];

for (const c of cases) {
  test(`node restriction (node "a"): ${c.name}`, () => {
    const got = nodeRestriction("a", c.req, lookup);
    if (c.want === undefined || typeof c.want === "string") assert.equal(got, c.want);
    else assert.match(got ?? "", c.want);
  });
}

test("node restriction: a node identity without a name is refused everything", () => {
  assert.equal(nodeRestriction("", req({ verb: "get", resource: "services" }), lookup), "node identity must be of the form system:node:<name>");
});

test("isNodeRestricted: the resources the restriction judges", () => {
  const cases: { name: string; apiGroup?: string; resource: string; subresource?: string; namespace?: string; want: boolean }[] = [
    { name: "nodes", resource: "nodes", want: true },
    { name: "pods and their subresources", resource: "pods", subresource: "eviction", namespace: "default", want: true },
    { name: "node leases", apiGroup: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease", want: true },
    { name: "other leases", apiGroup: "coordination.k8s.io", resource: "leases", namespace: "default", want: false },
    { name: "token requests", resource: "serviceaccounts", subresource: "token", namespace: "default", want: true },
    { name: "service accounts themselves", resource: "serviceaccounts", namespace: "default", want: false },
    { name: "secrets", resource: "secrets", namespace: "default", want: true },
    { name: "configmaps", resource: "configmaps", namespace: "default", want: true },
    { name: "events", resource: "events", namespace: "default", want: false },
    { name: "CSRs", apiGroup: "certificates.k8s.io", resource: "certificatesigningrequests", want: false },
  ];
  for (const c of cases) {
    assert.equal(isNodeRestricted({ apiGroup: c.apiGroup ?? "", resource: c.resource, subresource: c.subresource ?? "", namespace: c.namespace ?? "" }), c.want, c.name);
  }
});

test("podReferences: every edge, and the default service account", () => {
  const refs = podReferences(pods[0]);
  assert.deepEqual([...refs.secrets].sort(), ["db", "tls"]);
  assert.deepEqual([...refs.configmaps].sort(), ["kube-root-ca.crt", "settings"]);
  assert.deepEqual([...refs.serviceaccounts], ["web"]);
  assert.deepEqual([...podReferences(makePod("p", "a")).serviceaccounts], ["default"]);
});
