// OpenAPI v3 component schemas of metallb.io/v1beta1 IPAddressPool and L2Advertisement, written
// by hand in the shape kube-apiserver publishes for MetalLB's CRDs (their openAPIV3Schema:
// inline label selectors, `default` on autoAssign/avoidBuggyIPs, atomic list and map markers),
// plus the metadata references and group-version-kind that the API server adds. Data only;
// merged into the generated definitions by schema-registry.ts.

import type { JsonObject } from "../json.js";
import { METALLB_GROUP, METALLB_VERSION } from "../metallb-types.js";

/** Definition names, as kube-apiserver names a CRD's schemas: reversed group, version, kind. */
export const IP_ADDRESS_POOL_DEFINITION = "io.metallb.v1beta1.IPAddressPool";
export const IP_ADDRESS_POOL_LIST_DEFINITION = "io.metallb.v1beta1.IPAddressPoolList";
export const L2_ADVERTISEMENT_DEFINITION = "io.metallb.v1beta1.L2Advertisement";
export const L2_ADVERTISEMENT_LIST_DEFINITION = "io.metallb.v1beta1.L2AdvertisementList";

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.${name}` });

const apiVersion: JsonObject = {
  description:
    "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
  type: "string",
};

const kind: JsonObject = {
  description:
    "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
  type: "string",
};

const objectMeta: JsonObject = {
  allOf: [ref("ObjectMeta")],
  description: "Standard object metadata: name, namespace, labels, annotations, and the fields the server maintains.",
};

const listMeta: JsonObject = {
  allOf: [ref("ListMeta")],
  description: "Standard list metadata: the resourceVersion of the list and the continue token of a paged list.",
};

const stringList = (description: string): JsonObject => ({ description, items: { type: "string" }, type: "array" });

/** A metav1.LabelSelector, inlined as controller-gen writes it into a CRD. */
function labelSelector(description: string): JsonObject {
  return {
    description,
    properties: {
      matchExpressions: {
        description: "Requirements on label values, all of which must hold.",
        items: {
          description: "One requirement: a label key, an operator, and the values the operator compares against.",
          properties: {
            key: { description: "The label key the requirement is about.", type: "string" },
            operator: {
              description: "How the key relates to the values: In, NotIn, Exists or DoesNotExist.",
              type: "string",
            },
            values: {
              description: "The values for In and NotIn (at least one); must be empty for Exists and DoesNotExist.",
              items: { type: "string" },
              type: "array",
              "x-kubernetes-list-type": "atomic",
            },
          },
          required: ["key", "operator"],
          type: "object",
        },
        type: "array",
        "x-kubernetes-list-type": "atomic",
      },
      matchLabels: {
        additionalProperties: { type: "string" },
        description: "Labels that must be present with exactly these values; each entry is an In requirement with one value.",
        type: "object",
      },
    },
    type: "object",
    "x-kubernetes-map-type": "atomic",
  };
}

const selectorList = (description: string, item: string): JsonObject => ({
  description,
  items: labelSelector(`${item} An empty selector matches everything.`),
  type: "array",
});

function gvk(k: string): JsonObject[] {
  return [{ group: METALLB_GROUP, kind: k, version: METALLB_VERSION }];
}

const ipAddressPool: JsonObject = {
  description: "IPAddressPool is a set of addresses that LoadBalancer services are given their external addresses from.",
  properties: {
    apiVersion,
    kind,
    metadata: objectMeta,
    spec: {
      description: "IPAddressPoolSpec is the desired state of an IPAddressPool.",
      properties: {
        addresses: stringList(
          "The addresses of the pool: CIDR prefixes (172.17.8.0/24) or ranges of two addresses of one family (172.17.8.201-172.17.8.250), which may not overlap. All of them share the pool's settings.",
        ),
        autoAssign: {
          default: true,
          description: "Whether addresses are handed out to services that do not ask for one; when false, only services that request this pool or one of its addresses get them.",
          type: "boolean",
        },
        avoidBuggyIPs: {
          default: false,
          description: "When true, IPv4 addresses ending in .0 or .255 are never handed out (some old client devices drop traffic to them).",
          type: "boolean",
        },
        serviceAllocation: {
          description:
            "Restricts the pool to some namespaces and/or services, and ranks it among other matching pools: the lowest priority is tried first, and pools without a priority come after those with one.",
          properties: {
            namespaceSelectors: selectorList("Namespaces whose services may use the pool, chosen by their labels; an alternative to the namespaces list.", "Selects namespaces by label."),
            namespaces: stringList("Names of the namespaces whose services may use the pool."),
            priority: { description: "The pool's rank among the pools that match a service; lower is tried first.", type: "integer" },
            serviceSelectors: selectorList("Services that may use the pool, chosen by their labels.", "Selects services by label."),
          },
          type: "object",
        },
      },
      required: ["addresses"],
      type: "object",
    },
    status: {
      description: "IPAddressPoolStatus is the observed state of an IPAddressPool: how many of its addresses are in use.",
      properties: {
        assignedIPv4: { description: "Number of IPv4 addresses assigned to services.", format: "int64", type: "integer" },
        assignedIPv6: { description: "Number of IPv6 addresses assigned to services.", format: "int64", type: "integer" },
        availableIPv4: { description: "Number of IPv4 addresses still free.", format: "int64", type: "integer" },
        availableIPv6: { description: "Number of IPv6 addresses still free.", format: "int64", type: "integer" },
      },
      type: "object",
    },
  },
  required: ["spec"],
  type: "object",
  "x-kubernetes-group-version-kind": gvk("IPAddressPool"),
};

const l2Advertisement: JsonObject = {
  description: "L2Advertisement announces the addresses of the selected pools on the local network (ARP for IPv4, NDP for IPv6) from one elected node each.",
  properties: {
    apiVersion,
    kind,
    metadata: objectMeta,
    spec: {
      description: "L2AdvertisementSpec is the desired state of an L2Advertisement.",
      properties: {
        interfaces: stringList("Network interfaces to announce from; when empty, the node's network interface is used."),
        ipAddressPoolSelectors: selectorList(
          "Pools to announce, chosen by their labels. With neither this nor ipAddressPools, every pool is announced.",
          "Selects IPAddressPools by label.",
        ),
        ipAddressPools: stringList("Pools to announce, by name."),
        nodeSelectors: selectorList("Nodes that may announce the addresses; when empty, every node may.", "Selects nodes by label."),
      },
      type: "object",
    },
    status: { description: "L2AdvertisementStatus is the observed state of an L2Advertisement (nothing is reported yet).", type: "object" },
  },
  type: "object",
  "x-kubernetes-group-version-kind": gvk("L2Advertisement"),
};

function listOf(k: string, plural: string, definition: string): JsonObject {
  return {
    description: `${k}List is a list of ${k}.`,
    properties: {
      apiVersion,
      items: { description: `List of ${plural}.`, items: { $ref: `#/components/schemas/${definition}` }, type: "array" },
      kind,
      metadata: listMeta,
    },
    required: ["items"],
    type: "object",
    "x-kubernetes-group-version-kind": gvk(`${k}List`),
  };
}

/** The four definitions, by name. */
export const metallbDefinitions: Readonly<Record<string, JsonObject>> = {
  [IP_ADDRESS_POOL_DEFINITION]: ipAddressPool,
  [IP_ADDRESS_POOL_LIST_DEFINITION]: listOf("IPAddressPool", "ipaddresspools", IP_ADDRESS_POOL_DEFINITION),
  [L2_ADVERTISEMENT_DEFINITION]: l2Advertisement,
  [L2_ADVERTISEMENT_LIST_DEFINITION]: listOf("L2Advertisement", "l2advertisements", L2_ADVERTISEMENT_DEFINITION),
};
