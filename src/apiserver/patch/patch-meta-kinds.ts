// The patch strategy tables of the kinds svcnet serves, transcribed from the `patchStrategy`,
// `patchMergeKey`, `listType`, `listMapKey` and `mapType` markers of k8s.io/api v0.32.
// Lists that carry no marker are atomic and are not written down.

import type { ListMeta, MetaTable } from "./patch-meta.js";

const byKey = (key: string, more: Partial<ListMeta> = {}): ListMeta => ({
  strategy: "merge",
  mergeKey: key,
  listType: "map",
  keys: [key],
  ...more,
});
const primitiveSet: ListMeta = { strategy: "merge", listType: "set" };
/** Merged by strategic merge patch, but atomic for server-side apply (the key is not unique). */
const mergeButAtomic = (key: string): ListMeta => ({ strategy: "merge", mergeKey: key, listType: "atomic" });
const tcp = { protocol: "TCP" } as const;

/** ObjectMeta, mounted at `metadata` of every kind. */
export const metadataTable: MetaTable = {
  lists: {
    finalizers: primitiveSet,
    ownerReferences: byKey("uid"),
  },
};

const conditionsByType: MetaTable = { lists: { conditions: byKey("type") } };

function containerLists(prefix: string): Record<string, ListMeta> {
  return {
    [`${prefix}[].ports`]: byKey("containerPort", { keys: ["containerPort", "protocol"], keyDefaults: tcp }),
    [`${prefix}[].env`]: byKey("name"),
    [`${prefix}[].volumeMounts`]: byKey("mountPath"),
    [`${prefix}[].volumeDevices`]: byKey("devicePath"),
  };
}

/** PodSpec, mounted at `spec` of a Pod and `spec.template.spec` of the workload kinds. */
const podSpecTable: MetaTable = {
  lists: {
    containers: byKey("name"),
    initContainers: byKey("name"),
    ephemeralContainers: byKey("name"),
    ...containerLists("containers"),
    ...containerLists("initContainers"),
    ...containerLists("ephemeralContainers"),
    imagePullSecrets: byKey("name"),
    schedulingGates: byKey("name"),
    volumes: byKey("name", { retainKeys: true }),
    resourceClaims: byKey("name", { retainKeys: true }),
    hostAliases: byKey("ip"),
    topologySpreadConstraints: byKey("topologyKey", { keys: ["topologyKey", "whenUnsatisfiable"] }),
  },
  atomicMaps: ["nodeSelector"],
};

const podStatusTable: MetaTable = {
  lists: {
    conditions: byKey("type"),
    podIPs: byKey("ip"),
    hostIPs: byKey("ip"),
  },
};

const serviceSpecTable: MetaTable = {
  lists: { ports: byKey("port", { keys: ["port", "protocol"], keyDefaults: tcp }) },
  atomicMaps: ["selector"],
};

const nodeSpecTable: MetaTable = { lists: { podCIDRs: primitiveSet } };
const nodeStatusTable: MetaTable = { lists: { conditions: byKey("type"), addresses: mergeButAtomic("type") } };
const serviceAccountTable: MetaTable = { lists: { secrets: byKey("name") } };
const templateMetaTable = metadataTable;

type Mounts = (readonly [string, MetaTable])[];

function workload(selectorAtomic: boolean): Mounts {
  return [
    ["spec.template.metadata", templateMetaTable],
    ["spec.template.spec", podSpecTable],
    ["status", conditionsByType],
    ["spec", { lists: {}, atomicMaps: selectorAtomic ? ["selector"] : [] }],
  ];
}

const tables: Record<string, () => Mounts> = {
  "v1/Pod": () => [
    ["spec", podSpecTable],
    ["status", podStatusTable],
  ],
  "v1/Service": () => [
    ["spec", serviceSpecTable],
    ["status", conditionsByType],
  ],
  // Endpoints' subsets and EndpointSlice's endpoints/ports carry no strategy: replaced whole.
  "v1/Endpoints": () => [],
  "discovery.k8s.io/v1/EndpointSlice": () => [],
  "v1/Node": () => [
    ["spec", nodeSpecTable],
    ["status", nodeStatusTable],
  ],
  "v1/Namespace": () => [["status", conditionsByType]],
  "v1/ReplicationController": () => workload(true),
  "apps/v1/Deployment": () => workload(true),
  "apps/v1/ReplicaSet": () => workload(true),
  "v1/ServiceAccount": () => [["", serviceAccountTable]],
  "v1/Event": () => [],
  "events.k8s.io/v1/Event": () => [],
  "v1/ConfigMap": () => [],
  "v1/Secret": () => [],
};

/** The tables of a known kind with where they mount, or undefined for a kind svcnet does not know. */
export function kindTables(apiVersion: string, kind: string): Mounts | undefined {
  return tables[`${apiVersion}/${kind}`]?.();
}
