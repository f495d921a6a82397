// The catalog of served resources: what discovery advertises, how URLs map to kinds and how
// objects are keyed. Data only; behaviour lives in the registry.

import { CERTIFICATES_GROUP } from "./certificates-types.js";
import { METALLB_GROUP, METALLB_VERSION } from "./metallb-types.js";
import { AUTHORIZATION_GROUP, RBAC_GROUP } from "./rbac-types.js";

export interface SubresourceInfo {
  name: string;
  /** The kind the subresource reads and writes (Scale for /scale), with its group/version. */
  kind: string;
  group: string;
  version: string;
  verbs: string[];
}

export interface ResourceInfo {
  group: string;
  version: string;
  /** Plural, lower-case: "services". */
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: SubresourceInfo[];
  /** Field selector labels beyond metadata.name and metadata.namespace. */
  fieldLabels: string[];
  /**
   * Served the way kube-apiserver serves a CustomResourceDefinition's kind (MetalLB's
   * IPAddressPool…): no strategic merge patch, wrong-typed values reported as schema
   * validation errors (422) rather than Go decode errors (400). Absent for built-in kinds.
   */
  customResource?: true;
  /**
   * A review kind (SelfSubjectAccessReview, SelfSubjectReview…): only POSTed, never stored. The
   * server answers with the object, its status filled in. Its only verb is create.
   */
  review?: true;
}

const allVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const statusSub = (group: string, version: string, kind: string): SubresourceInfo => ({
  name: "status",
  kind,
  group,
  version,
  verbs: ["get", "patch", "update"],
});
const scaleSub: SubresourceInfo = { name: "scale", kind: "Scale", group: "autoscaling", version: "v1", verbs: ["get", "patch", "update"] };

/** The verbs of a custom resource, in the order kube-apiserver lists them for one. */
const customResourceVerbs = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];

/** A namespaced kind of metallb.io/v1beta1, served as MetalLB's CRDs define it (no short names, no categories). */
function metallb(resource: string, kind: string, singular: string): ResourceInfo {
  return {
    group: METALLB_GROUP,
    version: METALLB_VERSION,
    resource,
    kind,
    singular,
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: customResourceVerbs,
    subresources: [statusSub(METALLB_GROUP, METALLB_VERSION, kind)],
    fieldLabels: [],
    customResource: true,
  };
}

/** A v1 kind with no short names, no categories, no subresources and every verb, as kube-apiserver serves RBAC's and the reviews. */
function plainV1(group: string, resource: string, kind: string, namespaced: boolean): ResourceInfo {
  return { group, version: "v1", resource, kind, singular: kind.toLowerCase(), namespaced, shortNames: [], categories: [], verbs: allVerbs, subresources: [], fieldLabels: [] };
}

/** A kind of rbac.authorization.k8s.io/v1. */
function rbac(resource: string, kind: string, namespaced: boolean): ResourceInfo {
  return plainV1(RBAC_GROUP, resource, kind, namespaced);
}

/** A review kind: create only, answered rather than stored. */
function review(group: string, resource: string, kind: string, namespaced: boolean): ResourceInfo {
  return { ...plainV1(group, resource, kind, namespaced), verbs: ["create"], review: true };
}

function core(r: Omit<ResourceInfo, "group" | "version" | "verbs" | "fieldLabels"> & { verbs?: string[]; fieldLabels?: string[] }): ResourceInfo {
  return { group: "", version: "v1", verbs: allVerbs, fieldLabels: [], ...r };
}

export const resources: readonly ResourceInfo[] = [
  core({
    resource: "namespaces",
    kind: "Namespace",
    singular: "namespace",
    namespaced: false,
    shortNames: ["ns"],
    categories: [],
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    subresources: [statusSub("", "v1", "Namespace"), { name: "finalize", kind: "Namespace", group: "", version: "v1", verbs: ["update"] }],
    fieldLabels: ["status.phase"],
  }),
  core({
    resource: "pods",
    kind: "Pod",
    singular: "pod",
    namespaced: true,
    shortNames: ["po"],
    categories: ["all"],
    subresources: [
      statusSub("", "v1", "Pod"),
      { name: "binding", kind: "Binding", group: "", version: "v1", verbs: ["create"] },
      { name: "log", kind: "Pod", group: "", version: "v1", verbs: ["get"] },
    ],
    fieldLabels: [
      "spec.nodeName",
      "spec.restartPolicy",
      "spec.schedulerName",
      "spec.serviceAccountName",
      "spec.hostNetwork",
      "status.phase",
      "status.podIP",
      "status.podIPs",
      "status.nominatedNodeName",
    ],
  }),
  core({
    resource: "services",
    kind: "Service",
    singular: "service",
    namespaced: true,
    shortNames: ["svc"],
    categories: ["all"],
    subresources: [statusSub("", "v1", "Service")],
    fieldLabels: ["spec.clusterIP", "spec.type"],
  }),
  core({ resource: "endpoints", kind: "Endpoints", singular: "endpoints", namespaced: true, shortNames: ["ep"], categories: [], subresources: [] }),
  core({
    resource: "serviceaccounts",
    kind: "ServiceAccount",
    singular: "serviceaccount",
    namespaced: true,
    shortNames: ["sa"],
    categories: [],
    // POST …/serviceaccounts/<name>/token issues a TokenRequest (authentication.k8s.io/v1).
    subresources: [{ name: "token", kind: "TokenRequest", group: "authentication.k8s.io", version: "v1", verbs: ["create"] }],
  }),
  core({ resource: "configmaps", kind: "ConfigMap", singular: "configmap", namespaced: true, shortNames: ["cm"], categories: [], subresources: [] }),
  // Bootstrap tokens (kube-system/bootstrap-token-<id>) live here; `type` selects by Secret type.
  core({ resource: "secrets", kind: "Secret", singular: "secret", namespaced: true, shortNames: [], categories: [], subresources: [], fieldLabels: ["type"] }),
  core({
    resource: "nodes",
    kind: "Node",
    singular: "node",
    namespaced: false,
    shortNames: ["no"],
    categories: [],
    subresources: [statusSub("", "v1", "Node")],
    fieldLabels: ["spec.unschedulable"],
  }),
  core({
    resource: "replicationcontrollers",
    kind: "ReplicationController",
    singular: "replicationcontroller",
    namespaced: true,
    shortNames: ["rc"],
    categories: ["all"],
    subresources: [statusSub("", "v1", "ReplicationController"), scaleSub],
    fieldLabels: ["status.replicas"],
  }),
  core({
    resource: "events",
    kind: "Event",
    singular: "event",
    namespaced: true,
    shortNames: ["ev"],
    categories: [],
    subresources: [],
    fieldLabels: [
      "involvedObject.kind",
      "involvedObject.namespace",
      "involvedObject.name",
      "involvedObject.uid",
      "involvedObject.apiVersion",
      "involvedObject.resourceVersion",
      "involvedObject.fieldPath",
      "reason",
      "reportingComponent",
      "source",
      "type",
    ],
  }),
  {
    group: "discovery.k8s.io",
    version: "v1",
    resource: "endpointslices",
    kind: "EndpointSlice",
    singular: "endpointslice",
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: allVerbs,
    subresources: [],
    fieldLabels: ["addressType"],
  },
  {
    group: "coordination.k8s.io",
    version: "v1",
    resource: "leases",
    kind: "Lease",
    singular: "lease",
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: allVerbs,
    subresources: [],
    fieldLabels: [],
  },
  {
    group: "apps",
    version: "v1",
    resource: "deployments",
    kind: "Deployment",
    singular: "deployment",
    namespaced: true,
    shortNames: ["deploy"],
    categories: ["all"],
    verbs: allVerbs,
    subresources: [statusSub("apps", "v1", "Deployment"), scaleSub],
    fieldLabels: [],
  },
  {
    group: "apps",
    version: "v1",
    resource: "replicasets",
    kind: "ReplicaSet",
    singular: "replicaset",
    namespaced: true,
    shortNames: ["rs"],
    categories: ["all"],
    verbs: allVerbs,
    subresources: [statusSub("apps", "v1", "ReplicaSet"), scaleSub],
    fieldLabels: ["status.replicas"],
  },
  // Certificate requests (machines joining with a bootstrap token ask for their client
  // certificate here): /approval carries the Approved and Denied conditions, /status the
  // issued certificate, each written by a different party (approver, signer).
  {
    group: CERTIFICATES_GROUP,
    version: "v1",
    resource: "certificatesigningrequests",
    kind: "CertificateSigningRequest",
    singular: "certificatesigningrequest",
    namespaced: false,
    shortNames: ["csr"],
    categories: [],
    verbs: allVerbs,
    subresources: [
      { name: "approval", kind: "CertificateSigningRequest", group: CERTIFICATES_GROUP, version: "v1", verbs: ["get", "patch", "update"] },
      statusSub(CERTIFICATES_GROUP, "v1", "CertificateSigningRequest"),
    ],
    fieldLabels: ["spec.signerName"],
  },
  // `kubectl auth whoami`: who the server takes the caller for.
  review("authentication.k8s.io", "selfsubjectreviews", "SelfSubjectReview", false),
  // `kubectl auth can-i` and friends: may this user do that? Listed in discovery's order.
  review(AUTHORIZATION_GROUP, "localsubjectaccessreviews", "LocalSubjectAccessReview", true),
  review(AUTHORIZATION_GROUP, "selfsubjectaccessreviews", "SelfSubjectAccessReview", false),
  review(AUTHORIZATION_GROUP, "selfsubjectrulesreviews", "SelfSubjectRulesReview", false),
  review(AUTHORIZATION_GROUP, "subjectaccessreviews", "SubjectAccessReview", false),
  rbac("clusterrolebindings", "ClusterRoleBinding", false),
  rbac("clusterroles", "ClusterRole", false),
  rbac("rolebindings", "RoleBinding", true),
  rbac("roles", "Role", true),
  // LoadBalancer address pools, as MetalLB's CRDs serve them (both with a status subresource).
  metallb("ipaddresspools", "IPAddressPool", "ipaddresspool"),
  metallb("l2advertisements", "L2Advertisement", "l2advertisement"),
];

export function groupVersionOf(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** The served group-versions, core first, in discovery order. */
export function servedGroups(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of resources) seen.set(groupVersionOf(r), { group: r.group, version: r.version });
  return [...seen.values()];
}

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** The catalog entry, for resources the caller knows svcnet serves; throws otherwise. */
export function requireResource(group: string, version: string, resource: string): ResourceInfo {
  const r = findResource(group, version, resource);
  if (!r) throw new Error(`${resource}.${group || "core"}/${version} is not served`);
  return r;
}

export function findResourceByKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return resources.find((r) => groupVersionOf(r) === apiVersion && r.kind === kind);
}
