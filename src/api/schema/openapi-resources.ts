// The resources the OpenAPI v3 documents describe: URL shape, scope, verbs, subresources.
// Kept independent of the API server's catalog on purpose: the documents state what a client
// may send, and a test beside this file pins the table.

/** An OpenAPI action on a path, as `x-kubernetes-action` names it. */
export type OpenApiAction = "list" | "post" | "deletecollection" | "get" | "put" | "patch" | "delete";

/** A subresource path under an item: `/…/{name}/<name>`. */
export interface OpenApiSubresource {
  name: string;
  /** The kind read and written there (Scale for /scale), as group/version/kind. */
  group: string;
  version: string;
  kind: string;
  actions: OpenApiAction[];
}

/** One resource: its kind, plural, scope and which actions exist on collection and item paths. */
export interface OpenApiResource {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  collection: OpenApiAction[];
  item: OpenApiAction[];
  subresources: OpenApiSubresource[];
  /** Documented as kube-apiserver documents a CRD's kind: no strategic merge patch, CRD-style operation ids. */
  customResource?: boolean;
}

const collection: OpenApiAction[] = ["list", "post", "deletecollection"];
const item: OpenApiAction[] = ["get", "put", "patch", "delete"];
const readWrite: OpenApiAction[] = ["get", "put", "patch"];

function status(group: string, kind: string): OpenApiSubresource {
  return { name: "status", group, version: "v1", kind, actions: readWrite };
}
/** A namespaced metallb.io/v1beta1 kind with a status subresource, as MetalLB's CRDs declare it. */
function metallb(plural: string, kind: string): OpenApiResource {
  const group = "metallb.io";
  const version = "v1beta1";
  return resource(group, plural, kind, {
    version,
    customResource: true,
    subresources: [{ name: "status", group, version, kind, actions: readWrite }],
  });
}
const scale: OpenApiSubresource = { name: "scale", group: "autoscaling", version: "v1", kind: "Scale", actions: readWrite };

function resource(group: string, plural: string, kind: string, more: Partial<OpenApiResource> = {}): OpenApiResource {
  return { group, version: "v1", plural, kind, namespaced: true, collection, item, subresources: [], ...more };
}

/** A review kind: POST on the collection only (no list kind, no item paths), as kube-apiserver documents it. */
function review(group: string, plural: string, kind: string, namespaced = false): OpenApiResource {
  return resource(group, plural, kind, { namespaced, collection: ["post"], item: [] });
}

/** Every served resource, in document order. */
export const openApiResources: readonly OpenApiResource[] = [
  resource("", "namespaces", "Namespace", {
    namespaced: false,
    collection: ["list", "post"],
    subresources: [status("", "Namespace"), { name: "finalize", group: "", version: "v1", kind: "Namespace", actions: ["put"] }],
  }),
  resource("", "pods", "Pod", {
    subresources: [status("", "Pod"), { name: "binding", group: "", version: "v1", kind: "Binding", actions: ["post"] }],
  }),
  resource("", "services", "Service", { subresources: [status("", "Service")] }),
  resource("", "endpoints", "Endpoints"),
  resource("", "serviceaccounts", "ServiceAccount", {
    subresources: [{ name: "token", group: "authentication.k8s.io", version: "v1", kind: "TokenRequest", actions: ["post"] }],
  }),
  resource("", "configmaps", "ConfigMap"),
  resource("", "secrets", "Secret"),
  resource("", "nodes", "Node", { namespaced: false, subresources: [status("", "Node")] }),
  resource("", "replicationcontrollers", "ReplicationController", { subresources: [status("", "ReplicationController"), scale] }),
  resource("", "events", "Event"),
  resource("discovery.k8s.io", "endpointslices", "EndpointSlice"),
  resource("coordination.k8s.io", "leases", "Lease"),
  resource("apps", "deployments", "Deployment", { subresources: [status("apps", "Deployment"), scale] }),
  resource("apps", "replicasets", "ReplicaSet", { subresources: [status("apps", "ReplicaSet"), scale] }),
  resource("certificates.k8s.io", "certificatesigningrequests", "CertificateSigningRequest", {
    namespaced: false,
    subresources: [
      { name: "approval", group: "certificates.k8s.io", version: "v1", kind: "CertificateSigningRequest", actions: readWrite },
      status("certificates.k8s.io", "CertificateSigningRequest"),
    ],
  }),
  review("authentication.k8s.io", "selfsubjectreviews", "SelfSubjectReview"),
  review("authorization.k8s.io", "localsubjectaccessreviews", "LocalSubjectAccessReview", true),
  review("authorization.k8s.io", "selfsubjectaccessreviews", "SelfSubjectAccessReview"),
  review("authorization.k8s.io", "selfsubjectrulesreviews", "SelfSubjectRulesReview"),
  review("authorization.k8s.io", "subjectaccessreviews", "SubjectAccessReview"),
  resource("rbac.authorization.k8s.io", "clusterrolebindings", "ClusterRoleBinding", { namespaced: false }),
  resource("rbac.authorization.k8s.io", "clusterroles", "ClusterRole", { namespaced: false }),
  resource("rbac.authorization.k8s.io", "rolebindings", "RoleBinding"),
  resource("rbac.authorization.k8s.io", "roles", "Role"),
  metallb("ipaddresspools", "IPAddressPool"),
  metallb("l2advertisements", "L2Advertisement"),
];

/** The group-versions that get a document, as OpenAPI v3 path keys ("api/v1", "apis/apps/v1"), in index order. */
export const openApiGroupVersions: readonly string[] = [
  "api/v1",
  "apis/apps/v1",
  "apis/authentication.k8s.io/v1",
  "apis/authorization.k8s.io/v1",
  "apis/autoscaling/v1",
  "apis/certificates.k8s.io/v1",
  "apis/coordination.k8s.io/v1",
  "apis/discovery.k8s.io/v1",
  "apis/metallb.io/v1beta1",
  "apis/rbac.authorization.k8s.io/v1",
];

/** The OpenAPI v3 path key of a group-version: "api/v1" for the core group, else "apis/<group>/<version>". */
export function groupVersionKey(group: string, version: string): string {
  return group === "" ? `api/${version}` : `apis/${group}/${version}`;
}
