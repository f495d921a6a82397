// Which Kubernetes package each generated model lives in, decided deterministically.
//
// client-node names models after their Go type with only a version prefix (V1ServiceSpec), so
// the package is not in the name. We recover it from reachability: every model is reached from
// the served kinds below, walked in table order (core/v1 first). A model takes the package of the
// root kind it was first reached from, except the apimachinery meta types (a fixed list) and
// models whose client-node name carries a group prefix (CoreV1Event, DiscoveryV1EndpointPort),
// whose package must then agree with that prefix.

/** An API group-version-kind as OpenAPI's `x-kubernetes-group-version-kind` spells it. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** A Kubernetes Go package that definitions are named after. */
export interface ApiPackage {
  /** Definition-name prefix: "io.k8s.api.core.v1". */
  prefix: string;
  /** The Go package name used in type strings: "v1" in "v1.ServiceSpec". */
  goName: string;
}

export const packages = {
  core: { prefix: "io.k8s.api.core.v1", goName: "v1" },
  apps: { prefix: "io.k8s.api.apps.v1", goName: "v1" },
  authentication: { prefix: "io.k8s.api.authentication.v1", goName: "v1" },
  authorization: { prefix: "io.k8s.api.authorization.v1", goName: "v1" },
  autoscaling: { prefix: "io.k8s.api.autoscaling.v1", goName: "v1" },
  certificates: { prefix: "io.k8s.api.certificates.v1", goName: "v1" },
  coordination: { prefix: "io.k8s.api.coordination.v1", goName: "v1" },
  discovery: { prefix: "io.k8s.api.discovery.v1", goName: "v1" },
  meta: { prefix: "io.k8s.apimachinery.pkg.apis.meta.v1", goName: "v1" },
  rbac: { prefix: "io.k8s.api.rbac.v1", goName: "v1" },
} as const satisfies Record<string, ApiPackage>;

/** A model the walk starts from, with the kinds it is served as. */
export interface RootModel {
  className: string;
  pkg: ApiPackage;
  gvks: GroupVersionKind[];
}

const servedGroups: { group: string; version: string }[] = [
  { group: "", version: "v1" },
  { group: "apps", version: "v1" },
  { group: "authentication.k8s.io", version: "v1" },
  { group: "authorization.k8s.io", version: "v1" },
  { group: "autoscaling", version: "v1" },
  { group: "certificates.k8s.io", version: "v1" },
  { group: "coordination.k8s.io", version: "v1" },
  { group: "discovery.k8s.io", version: "v1" },
  { group: "rbac.authorization.k8s.io", version: "v1" },
];

function kind(className: string, pkg: ApiPackage, group: string, kindName: string): RootModel {
  return { className, pkg, gvks: [{ group, version: "v1", kind: kindName }] };
}

/** In every served group-version (DeleteOptions, WatchEvent are accepted by all of them). */
function everywhere(className: string, kindName: string): RootModel {
  return { className, pkg: packages.meta, gvks: servedGroups.map((g) => ({ ...g, kind: kindName })) };
}

/** The served kinds (and their lists) the schema walk starts from, in walk order. */
export const rootModels: readonly RootModel[] = [
  ...["Pod", "Service", "Endpoints", "Node", "Namespace", "ReplicationController", "ServiceAccount", "ConfigMap", "Secret"].flatMap((k) => [
    kind(`V1${k}`, packages.core, "", k),
    kind(`V1${k}List`, packages.core, "", `${k}List`),
  ]),
  kind("CoreV1Event", packages.core, "", "Event"),
  kind("CoreV1EventList", packages.core, "", "EventList"),
  kind("V1Binding", packages.core, "", "Binding"),
  kind("AuthenticationV1TokenRequest", packages.authentication, "authentication.k8s.io", "TokenRequest"),
  kind("V1Scale", packages.autoscaling, "autoscaling", "Scale"),
  kind("V1EndpointSlice", packages.discovery, "discovery.k8s.io", "EndpointSlice"),
  kind("V1EndpointSliceList", packages.discovery, "discovery.k8s.io", "EndpointSliceList"),
  kind("V1Lease", packages.coordination, "coordination.k8s.io", "Lease"),
  kind("V1LeaseList", packages.coordination, "coordination.k8s.io", "LeaseList"),
  ...["Deployment", "ReplicaSet"].flatMap((k) => [
    kind(`V1${k}`, packages.apps, "apps", k),
    kind(`V1${k}List`, packages.apps, "apps", `${k}List`),
  ]),
  ...["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"].flatMap((k) => [
    kind(`V1${k}`, packages.rbac, "rbac.authorization.k8s.io", k),
    kind(`V1${k}List`, packages.rbac, "rbac.authorization.k8s.io", `${k}List`),
  ]),
  ...["SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview", "LocalSubjectAccessReview"].map((k) =>
    kind(`V1${k}`, packages.authorization, "authorization.k8s.io", k),
  ),
  kind("V1SelfSubjectReview", packages.authentication, "authentication.k8s.io", "SelfSubjectReview"),
  kind("V1CertificateSigningRequest", packages.certificates, "certificates.k8s.io", "CertificateSigningRequest"),
  kind("V1CertificateSigningRequestList", packages.certificates, "certificates.k8s.io", "CertificateSigningRequestList"),
  kind("V1Status", packages.meta, "", "Status"),
  everywhere("V1DeleteOptions", "DeleteOptions"),
  everywhere("V1WatchEvent", "WatchEvent"),
];

/** Models that live in apimachinery's meta/v1 wherever they are reached from. */
export const metaModels: ReadonlySet<string> = new Set([
  "V1ObjectMeta",
  "V1ListMeta",
  "V1ManagedFieldsEntry",
  "V1OwnerReference",
  "V1LabelSelector",
  "V1LabelSelectorRequirement",
  "V1FieldSelectorRequirement",
  "V1Status",
  "V1StatusDetails",
  "V1StatusCause",
  "V1DeleteOptions",
  "V1Preconditions",
  "V1WatchEvent",
  "V1Condition",
]);

const groupPrefixes: Record<string, ApiPackage> = {
  Core: packages.core,
  Discovery: packages.discovery,
  Apps: packages.apps,
  Authentication: packages.authentication,
  Autoscaling: packages.autoscaling,
  Coordination: packages.coordination,
  Rbac: packages.rbac,
};

/** Splits a client-node class name into its optional group prefix and its Go type name: "CoreV1Event" → {group: "Core", type: "Event"}. */
export function splitClassName(className: string): { group?: string; type: string } {
  const m = /^([A-Z][a-z]+)?V\d+(?:(?:alpha|beta)\d+)?(?=[A-Z])(.+)$/.exec(className);
  if (!m) throw new Error(`unexpected model class name ${className}`);
  return m[1] ? { group: m[1], type: m[2] } : { type: m[2] };
}

/**
 * The package of a model first reached while walking from a root in `rootPkg`, reached from a
 * model in `referrerPkg`. Throws when the rules above contradict each other, so a client-node
 * upgrade that moves types fails loudly instead of mislabeling them.
 */
export function packageOf(className: string, options: { rootPkg: ApiPackage; referrerPkg?: ApiPackage }): ApiPackage {
  if (metaModels.has(className)) return packages.meta;
  if (options.referrerPkg === packages.meta) throw new Error(`meta type reaches ${className}, which is not listed as a meta type`);
  const { group } = splitClassName(className);
  if (group === undefined) return options.rootPkg;
  const pkg = groupPrefixes[group];
  if (!pkg) throw new Error(`${className}: unknown group prefix ${group}`);
  return pkg;
}

/** The definition name of a model in a package: "io.k8s.api.core.v1.Event" for CoreV1Event. */
export function definitionName(className: string, pkg: ApiPackage): string {
  return `${pkg.prefix}.${splitClassName(className).type}`;
}
