// One valid object of every kind svcnet serves (resources.ts), and the bodies its subresources
// take: what the fuzzer mutates, and what it stores as the fixed objects whose stored form must
// survive a fuzz run unchanged. Each is accepted as it is (valid-objects.test.ts checks that).

import type { JsonObject } from "../../api/json.js";
import type { ResourceInfo } from "../../api/resources.js";
import { groupVersionOf } from "../../api/resources.js";
import { RBAC_GROUP } from "../../api/rbac-types.js";

type Build = (ns: string, name: string) => JsonObject;

/** One of sixteen /28 blocks, chosen by name. */
export function addressBlock(name: string): number {
  let h = 0;
  for (const c of name) h = (h * 31 + (c.codePointAt(0) ?? 0)) >>> 0;
  return h % 16;
}

/**
 * A PKCS#10 request (ECDSA P-256, CN=fuzz, O=fuzz), base64 as JSON carries it: fixed, so that
 * fuzz runs are reproducible and need no key generation.
 */
const fuzzCertificateRequest =
  "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlIWU1JR0FBZ0VBTUI0eERUQUxCZ05WQkFvTUJHWjFlbm94RFRB" +
  "TEJnTlZCQU1NQkdaMWVub3dXVEFUQmdjcQpoa2pPUFFJQkJnZ3Foa2pPUFFNQkJ3TkNBQVFvQnJsWjl2bWlsdUR2NCtrTDlOMUJF" +
  "aWZrOWs2SFUvMU5wcDVyCkNJczF5R29CbmtCZEJTeU94VzAvdmc1dDhIVGRxSnZUQTIzcWNIeXhwakZCemF2eW9BQXdDZ1lJS29a" +
  "SXpqMEUKQXdJRFJ3QXdSQUlnTGFwVVg4TGs2UHNaVVh3SkYwWlpSY0g3V1ZuazBhUEM1QkFpQkQzVTFtRUNJRzcvWnUzZwpaSFha" +
  "WC9BbnFzRVg5aWVDSzFabUFFZlNsd3Q2MzltUTUyV2MKLS0tLS1FTkQgQ0VSVElGSUNBVEUgUkVRVUVTVC0tLS0tCg==";

const container = { name: "c", image: "registry.example/app:1", ports: [{ containerPort: 8080, name: "http" }] };

const podTemplate = (app: string): JsonObject => ({ metadata: { labels: { app } }, spec: { containers: [container] } });

/** The kind-specific part of each object (apiVersion, kind and metadata are added around it). */
const bodies: Record<string, Build> = {
  namespaces: () => ({}),
  // Bound to a node, so that deleting it takes the graceful path (an unbound pod goes at once).
  pods: () => ({ spec: { containers: [container], terminationGracePeriodSeconds: 30, restartPolicy: "Always", nodeName: "fuzz-node" } }),
  services: (_ns, name) => ({ spec: { selector: { app: name }, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }], sessionAffinity: "None" } }),
  endpoints: () => ({ subsets: [{ addresses: [{ ip: "10.1.0.5" }], ports: [{ name: "http", port: 8080, protocol: "TCP" }] }] }),
  serviceaccounts: () => ({ automountServiceAccountToken: false }),
  configmaps: () => ({ data: { "app.conf": "key = value\n", mode: "fast" } }),
  secrets: () => ({ type: "Opaque", data: { password: "c2VjcmV0" }, stringData: { user: "admin" } }),
  nodes: () => ({ spec: { podCIDR: "10.1.7.0/24", unschedulable: false } }),
  replicationcontrollers: (_ns, name) => ({ spec: { replicas: 2, selector: { app: name }, template: podTemplate(name) } }),
  events: (ns) => ({
    involvedObject: { kind: "Pod", namespace: ns, name: "web", apiVersion: "v1" },
    reason: "Started",
    message: "Started container c",
    type: "Normal",
    source: { component: "fuzz" },
    count: 1,
    firstTimestamp: "2026-01-01T00:00:00Z",
    lastTimestamp: "2026-01-01T00:00:00Z",
  }),
  endpointslices: () => ({
    addressType: "IPv4",
    endpoints: [{ addresses: ["10.1.0.5"], conditions: { ready: true } }],
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  }),
  leases: () => ({ spec: { holderIdentity: "fuzz", leaseDurationSeconds: 15, leaseTransitions: 0 } }),
  deployments: (_ns, name) => ({ spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: podTemplate(name), strategy: { type: "RollingUpdate" } } }),
  replicasets: (_ns, name) => ({ spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: podTemplate(name) } }),
  // Pools may not overlap: each name gets its own block of 192.0.2.0/24.
  ipaddresspools: (_ns, name) => ({ spec: { addresses: [`192.0.2.${addressBlock(name) * 16}/28`], autoAssign: false } }),
  l2advertisements: (_ns, name) => ({ spec: { ipAddressPools: [name] } }),
  roles: () => ({ rules: [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] }] }),
  clusterroles: () => ({ rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }, { nonResourceURLs: ["/healthz"], verbs: ["get"] }] }),
  rolebindings: () => ({ roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: "view" }, subjects: [{ kind: "User", apiGroup: RBAC_GROUP, name: "jane" }] }),
  clusterrolebindings: () => ({ roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: "view" }, subjects: [{ kind: "Group", apiGroup: RBAC_GROUP, name: "readers" }] }),
  certificatesigningrequests: () => ({ spec: { request: fuzzCertificateRequest, signerName: "example.com/fuzz", usages: ["digital signature", "client auth"] } }),
  // The reviews are answered, not stored.
  selfsubjectaccessreviews: (ns) => ({ spec: { resourceAttributes: { namespace: ns, verb: "get", resource: "pods" } } }),
  subjectaccessreviews: (ns) => ({ spec: { user: "jane", groups: ["dev"], resourceAttributes: { namespace: ns, verb: "list", resource: "services" } } }),
  localsubjectaccessreviews: (ns) => ({ spec: { user: "jane", resourceAttributes: { namespace: ns, verb: "watch", resource: "configmaps" } } }),
  selfsubjectrulesreviews: (ns) => ({ spec: { namespace: ns } }),
  selfsubjectreviews: () => ({}),
};

/** Status fields the server sets on create and a status write may not take away. */
const serverStatus: Record<string, JsonObject> = {
  namespaces: { phase: "Active" },
  // No requests or limits: BestEffort.
  pods: { phase: "Pending", qosClass: "BestEffort" },
};

/** The resources (plural names) a valid object exists for: every served one. */
export const validObjectResources: readonly string[] = Object.keys(bodies);

/** A valid object of the resource's kind, named `name` in namespace `ns` (ignored for cluster-scoped kinds). */
export function validObject(r: ResourceInfo, ns: string, name: string): JsonObject {
  const build = bodies[r.resource];
  if (!build) throw new Error(`no valid fuzz object for ${r.resource}`);
  const body = build(ns, name);
  // A review's metadata must be empty (a LocalSubjectAccessReview's may name its namespace).
  if (r.review) return { apiVersion: groupVersionOf(r), kind: r.kind, metadata: r.namespaced ? { namespace: ns } : {}, ...body };
  const labels: Record<string, string> = { app: name, "fuzz.svcnet.io/kind": r.kind.toLowerCase() };
  // An EndpointSlice names its Service by label.
  if (r.resource === "endpointslices") labels["kubernetes.io/service-name"] = name;
  const metadata: JsonObject = { name, labels, annotations: { "fuzz.svcnet.io/note": "a valid object" } };
  if (r.namespaced) metadata.namespace = ns;
  return { apiVersion: groupVersionOf(r), kind: r.kind, metadata, ...body };
}

/** The body a subresource write takes, for an object `name` of resource `r`. */
export function validSubresourceBody(r: ResourceInfo, sub: string, ns: string, name: string): JsonObject {
  switch (sub) {
    case "scale":
      return { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name, namespace: ns }, spec: { replicas: 3 } };
    case "binding":
      return { apiVersion: "v1", kind: "Binding", metadata: { name, namespace: ns }, target: { apiVersion: "v1", kind: "Node", name: "fuzz-node" } };
    case "token":
      return { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { audiences: ["https://kubernetes.default.svc"], expirationSeconds: 3600 } };
    default: {
      // status and finalize take the whole object, with the status the server gave it.
      const obj = validObject(r, ns, name);
      const status = serverStatus[r.resource];
      if (status) obj.status = status;
      return obj;
    }
  }
}

/** DeleteOptions as kubectl sends them. */
export function validDeleteOptions(): JsonObject {
  return { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: 30, propagationPolicy: "Background" };
}
