// What every cluster has from its first start: the four system namespaces, and the
// `kubernetes` service in `default` (first service IP, port 443) whose Endpoints and
// EndpointSlice point at the API server's advertised address. Idempotent: runs at every start.

import { ApiError } from "../api/errors.js";
import { requireResource } from "../api/resources.js";
import type { ResourceInfo } from "../api/resources.js";
import type { KubeObject } from "../api/types.js";
import type { Registry } from "../registry/registry.js";

export const systemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];


/**
 * Creates the object unless it exists. Checked first, because a create can fail for reasons
 * other than AlreadyExists when the object is there (the kubernetes service's 10.0.0.1 is
 * "already allocated" — to itself); checked again after a failure, because another API server
 * on the same etcd may have created it in between.
 */
async function ensure(registry: Registry, r: ResourceInfo, ns: string | undefined, obj: KubeObject): Promise<void> {
  const name = obj.metadata.name ?? "";
  if (await registry.find(r, ns, name)) return;
  try {
    await registry.create(r, ns, obj);
  } catch (e) {
    if (!(e instanceof ApiError) || !(await registry.find(r, ns, name))) throw e;
  }
}

/** PUT-or-create so the object follows the advertised address if it changed between starts. */
async function reconcile(registry: Registry, r: ResourceInfo, ns: string, obj: KubeObject): Promise<void> {
  const name = obj.metadata.name ?? "";
  const live = await registry.find(r, ns, name);
  if (!live) return ensure(registry, r, ns, obj);
  await registry.update(r, ns, name, { ...obj, metadata: { ...live.metadata, labels: obj.metadata.labels } });
}

export interface BootstrapOptions {
  /** The first IP of the service range (10.0.0.1). */
  kubernetesServiceIP: string;
  advertiseAddress: string;
  advertisePort: number;
}

export async function bootstrapCluster(registry: Registry, o: BootstrapOptions): Promise<void> {
  const namespaces = requireResource("", "v1", "namespaces");
  for (const name of systemNamespaces) await ensure(registry, namespaces, undefined, { metadata: { name } });
  const services = requireResource("", "v1", "services");
  await ensure(registry, services, "default", {
    metadata: { name: "kubernetes", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: {
      type: "ClusterIP",
      clusterIP: o.kubernetesServiceIP,
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: o.advertisePort }],
      sessionAffinity: "None",
    },
  });
  await reconcile(registry, requireResource("", "v1", "endpoints"), "default", {
    metadata: { name: "kubernetes", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } },
    subsets: [{ addresses: [{ ip: o.advertiseAddress }], ports: [{ name: "https", port: o.advertisePort, protocol: "TCP" }] }],
  });
  await reconcile(registry, requireResource("discovery.k8s.io", "v1", "endpointslices"), "default", {
    metadata: { name: "kubernetes", labels: { "kubernetes.io/service-name": "kubernetes" } },
    addressType: "IPv4",
    endpoints: [{ addresses: [o.advertiseAddress], conditions: { ready: true } }],
    ports: [{ name: "https", port: o.advertisePort, protocol: "TCP" }],
  });
}
