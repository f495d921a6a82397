// What client-node's models do not carry but Kubernetes' own OpenAPI does: list types and merge
// keys (from the Go struct tags), enum values, which string fields are really resource
// quantities, and which untyped fields are FieldsV1 or RawExtension. Written by hand from the
// Kubernetes API conventions for the types svcnet serves; keyed by definition name, then field.

import type { JsonObject } from "../../json.js";

const meta = "io.k8s.apimachinery.pkg.apis.meta.v1";
const core = "io.k8s.api.core.v1";
const apps = "io.k8s.api.apps.v1";
const discovery = "io.k8s.api.discovery.v1";
const rbac = "io.k8s.api.rbac.v1";
const authorization = "io.k8s.api.authorization.v1";
const authentication = "io.k8s.api.authentication.v1";
const certificates = "io.k8s.api.certificates.v1";

/** Definition names of the schemas that are not generated from a client-node model. */
export const builtinNames = {
  time: `${meta}.Time`,
  microTime: `${meta}.MicroTime`,
  fieldsV1: `${meta}.FieldsV1`,
  patch: `${meta}.Patch`,
  intOrString: "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
  quantity: "io.k8s.apimachinery.pkg.api.resource.Quantity",
  rawExtension: "io.k8s.apimachinery.pkg.runtime.RawExtension",
} as const;

/** The schemas of the apimachinery value types, which have custom JSON forms. */
export const builtinSchemas: Record<string, JsonObject> = {
  [builtinNames.time]: {
    description: "A timestamp in RFC 3339 form with second precision, always in UTC, e.g. 2024-05-01T12:00:00Z.",
    type: "string",
    format: "date-time",
  },
  [builtinNames.microTime]: {
    description: "A timestamp in RFC 3339 form with microsecond precision, e.g. 2024-05-01T12:00:00.000001Z.",
    type: "string",
    format: "date-time",
  },
  [builtinNames.fieldsV1]: {
    description: "The set of fields a manager owns, as a JSON trie (the FieldsV1 format of server-side apply).",
    type: "object",
  },
  [builtinNames.patch]: {
    description: "The body of a PATCH request; its form is given by the request's Content-Type.",
    type: "object",
  },
  [builtinNames.intOrString]: {
    description: "A value that is either an integer or a string, e.g. a port number or a port name.",
    format: "int-or-string",
    oneOf: [{ type: "integer" }, { type: "string" }],
  },
  [builtinNames.quantity]: {
    description:
      "A fixed-point amount such as 100m, 2, 1.5Gi or 1e3, written as a string or a number. Suffixes: binary (Ki, Mi, Gi, Ti, Pi, Ei), decimal (m, k, M, G, T, P, E) or a decimal exponent.",
    oneOf: [{ type: "string" }, { type: "number" }],
  },
  [builtinNames.rawExtension]: {
    description: "An embedded object of any kind, carried as its own JSON.",
    type: "object",
  },
};

/** Untyped (`any`) model fields and the definition they stand for. */
export const untypedFields: Record<string, Record<string, string>> = {
  [`${meta}.ManagedFieldsEntry`]: { fieldsV1: builtinNames.fieldsV1 },
  [`${meta}.WatchEvent`]: { object: builtinNames.rawExtension },
};

/** String fields (or string-valued maps) whose values are resource quantities. */
export const quantityFields: Record<string, string[]> = {
  [`${core}.ResourceRequirements`]: ["limits", "requests"],
  [`${core}.VolumeResourceRequirements`]: ["limits", "requests"],
  [`${core}.NodeStatus`]: ["allocatable", "capacity"],
  [`${core}.PodSpec`]: ["overhead"],
  [`${core}.ContainerStatus`]: ["allocatedResources"],
  [`${core}.EmptyDirVolumeSource`]: ["sizeLimit"],
  [`${core}.ResourceFieldSelector`]: ["divisor"],
};

const atomicList: JsonObject = { "x-kubernetes-list-type": "atomic" };
const setList: JsonObject = { "x-kubernetes-list-type": "set" };
const atomicMap: JsonObject = { "x-kubernetes-map-type": "atomic" };

/** A list merged element-wise on `mergeKey` by strategic merge patch, and a list-map on `mapKeys` for apply. */
function mergedMap(mergeKey: string, mapKeys: string[], strategy = "merge"): JsonObject {
  return {
    "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": mapKeys,
    "x-kubernetes-patch-merge-key": mergeKey,
    "x-kubernetes-patch-strategy": strategy,
  };
}

const byName = mergedMap("name", ["name"]);
const byType = mergedMap("type", ["type"]);
const byIp = mergedMap("ip", ["ip"]);

const containerLists: Record<string, JsonObject> = {
  ports: mergedMap("containerPort", ["containerPort", "protocol"]),
  env: byName,
  volumeMounts: mergedMap("mountPath", ["mountPath"]),
  volumeDevices: mergedMap("devicePath", ["devicePath"]),
  envFrom: atomicList,
  command: atomicList,
  args: atomicList,
  resizePolicy: atomicList,
};

/** Extensions merged into a field's schema. */
export const fieldExtensions: Record<string, Record<string, JsonObject>> = {
  [`${meta}.ObjectMeta`]: {
    finalizers: { ...setList, "x-kubernetes-patch-strategy": "merge" },
    ownerReferences: mergedMap("uid", ["uid"]),
    managedFields: atomicList,
  },
  [`${meta}.LabelSelector`]: { matchExpressions: atomicList },
  [`${meta}.LabelSelectorRequirement`]: { values: atomicList },
  [`${core}.PodSpec`]: {
    containers: byName,
    initContainers: byName,
    ephemeralContainers: byName,
    imagePullSecrets: byName,
    schedulingGates: byName,
    volumes: mergedMap("name", ["name"], "merge,retainKeys"),
    resourceClaims: mergedMap("name", ["name"], "merge,retainKeys"),
    hostAliases: byIp,
    topologySpreadConstraints: mergedMap("topologyKey", ["topologyKey", "whenUnsatisfiable"]),
    tolerations: atomicList,
    readinessGates: atomicList,
    nodeSelector: atomicMap,
  },
  [`${core}.Container`]: containerLists,
  [`${core}.EphemeralContainer`]: containerLists,
  [`${core}.PodStatus`]: {
    conditions: byType,
    podIPs: byIp,
    hostIPs: byIp,
    containerStatuses: atomicList,
    initContainerStatuses: atomicList,
    ephemeralContainerStatuses: atomicList,
  },
  [`${core}.ServiceSpec`]: {
    ports: mergedMap("port", ["port", "protocol"]),
    selector: atomicMap,
    clusterIPs: atomicList,
    externalIPs: atomicList,
    ipFamilies: atomicList,
    loadBalancerSourceRanges: atomicList,
  },
  [`${core}.ServiceStatus`]: { conditions: byType },
  [`${core}.LoadBalancerStatus`]: { ingress: atomicList },
  [`${core}.LoadBalancerIngress`]: { ports: atomicList },
  [`${core}.ReplicationControllerSpec`]: { selector: atomicMap },
  [`${core}.ReplicationControllerStatus`]: { conditions: byType },
  [`${core}.NodeSpec`]: { podCIDRs: { ...setList, "x-kubernetes-patch-strategy": "merge" }, taints: atomicList },
  [`${core}.NodeStatus`]: {
    conditions: byType,
    addresses: byType,
    images: atomicList,
    volumesInUse: atomicList,
    volumesAttached: atomicList,
  },
  [`${core}.NamespaceSpec`]: { finalizers: atomicList },
  [`${core}.NamespaceStatus`]: { conditions: byType },
  [`${core}.Endpoints`]: { subsets: atomicList },
  [`${core}.EndpointSubset`]: { addresses: atomicList, notReadyAddresses: atomicList, ports: atomicList },
  [`${apps}.DeploymentStatus`]: { conditions: byType },
  [`${apps}.ReplicaSetStatus`]: { conditions: byType },
  [`${discovery}.EndpointSlice`]: { endpoints: atomicList, ports: atomicList },
  [`${discovery}.Endpoint`]: { addresses: setList },
  [`${discovery}.EndpointHints`]: { forZones: atomicList, forNodes: atomicList },
  [`${meta}.FieldSelectorRequirement`]: { values: atomicList },
  [`${rbac}.Role`]: { rules: atomicList },
  [`${rbac}.ClusterRole`]: { rules: atomicList },
  [`${rbac}.AggregationRule`]: { clusterRoleSelectors: atomicList },
  [`${rbac}.PolicyRule`]: { verbs: atomicList, apiGroups: atomicList, resources: atomicList, resourceNames: atomicList, nonResourceURLs: atomicList },
  [`${rbac}.RoleBinding`]: { subjects: atomicList },
  [`${rbac}.ClusterRoleBinding`]: { subjects: atomicList },
  [`${authorization}.SubjectAccessReviewSpec`]: { groups: atomicList },
  [`${authorization}.FieldSelectorAttributes`]: { requirements: atomicList },
  [`${authorization}.LabelSelectorAttributes`]: { requirements: atomicList },
  [`${authorization}.SubjectRulesReviewStatus`]: { resourceRules: atomicList, nonResourceRules: atomicList },
  [`${authorization}.ResourceRule`]: { verbs: atomicList, apiGroups: atomicList, resources: atomicList, resourceNames: atomicList },
  [`${authorization}.NonResourceRule`]: { verbs: atomicList, nonResourceURLs: atomicList },
  [`${authentication}.UserInfo`]: { groups: atomicList },
  [`${certificates}.CertificateSigningRequestSpec`]: { usages: atomicList, groups: atomicList },
  [`${certificates}.CertificateSigningRequestStatus`]: { conditions: byType },
};

/** Definitions that are replaced as a whole by apply (Go `structType=atomic`). */
export const atomicStructs: ReadonlySet<string> = new Set([
  `${meta}.LabelSelector`,
  `${core}.ObjectReference`,
  `${core}.LocalObjectReference`,
  `${core}.TypedLocalObjectReference`,
  `${core}.NodeSelector`,
  `${core}.ConfigMapKeySelector`,
  `${core}.SecretKeySelector`,
  `${core}.ObjectFieldSelector`,
  `${core}.ResourceFieldSelector`,
  `${rbac}.RoleRef`,
  `${rbac}.Subject`,
]);

const protocols = ["SCTP", "TCP", "UDP"];
const taintEffects = ["NoExecute", "NoSchedule", "PreferNoSchedule"];

/** The closed value sets of string fields (shown by `kubectl explain` as `enum:`). */
export const enumFields: Record<string, Record<string, string[]>> = {
  [`${core}.ServiceSpec`]: {
    type: ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
    sessionAffinity: ["ClientIP", "None"],
    externalTrafficPolicy: ["Cluster", "Local"],
    internalTrafficPolicy: ["Cluster", "Local"],
    ipFamilyPolicy: ["PreferDualStack", "RequireDualStack", "SingleStack"],
  },
  [`${core}.ServicePort`]: { protocol: protocols },
  [`${core}.ContainerPort`]: { protocol: protocols },
  [`${core}.EndpointPort`]: { protocol: protocols },
  [`${discovery}.EndpointPort`]: { protocol: protocols },
  [`${discovery}.EndpointSlice`]: { addressType: ["FQDN", "IPv4", "IPv6"] },
  [`${core}.Container`]: {
    imagePullPolicy: ["Always", "IfNotPresent", "Never"],
    terminationMessagePolicy: ["FallbackToLogsOnError", "File"],
  },
  [`${core}.PodSpec`]: {
    restartPolicy: ["Always", "Never", "OnFailure"],
    dnsPolicy: ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
    preemptionPolicy: ["Never", "PreemptLowerPriority"],
  },
  [`${core}.PodStatus`]: {
    phase: ["Failed", "Pending", "Running", "Succeeded", "Unknown"],
    qosClass: ["BestEffort", "Burstable", "Guaranteed"],
  },
  [`${core}.NamespaceStatus`]: { phase: ["Active", "Terminating"] },
  [`${core}.NodeStatus`]: { phase: ["Pending", "Running", "Terminated"] },
  [`${core}.Taint`]: { effect: taintEffects },
  [`${core}.Toleration`]: { effect: taintEffects, operator: ["Equal", "Exists"] },
  [`${apps}.DeploymentStrategy`]: { type: ["Recreate", "RollingUpdate"] },
};

/**
 * Descriptions for the standard fields of top-level kinds, which client-node's models leave
 * undocumented (the descriptions of fields whose type is another model are lost upstream of it).
 */
export const kindFieldDescriptions: Record<string, string> = {
  metadata: "Standard object metadata: name, namespace, labels, annotations, and the fields the server maintains.",
  spec: "The desired state of the object, set by its users.",
  status: "The most recently observed state of the object, maintained by the system. Read-only for clients.",
};

/** Descriptions for the standard fields of list kinds. */
export const listFieldDescriptions: Record<string, string> = {
  metadata: "Standard list metadata: the resourceVersion of the list and the continue token of a paged list.",
};
