// What every cluster has from its first start: the four system namespaces, and the
// `kubernetes` service in `default` (first service IP, port 443) whose Endpoints and
// EndpointSlice list every live API server, this one included (its Lease is taken here and kept
// by runApiServerEndpointReconciler). Idempotent: runs at every start.

import { ApiError } from "../api/errors.js";
import { requireResource } from "../api/resources.js";
import type { ResourceInfo } from "../api/resources.js";
import type { KubeObject } from "../api/types.js";
import type { Registry } from "../registry/registry.js";
import { ApiServerEndpointReconciler } from "./apiserver-endpoints/endpoint-reconciler.js";

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

export interface BootstrapOptions {
  /** The first IP of the service range (10.0.0.1). */
  kubernetesServiceIP: string;
  advertiseAddress: string;
  advertisePort: number;
  /** Names this server's Lease across restarts; see ApiServerEndpointReconcilerOptions.identity. */
  identity?: string;
  /** Clock for the Lease (epoch ms); default Date.now. */
  now?: () => number;
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
  // This server's Lease, and the endpoints of every live server (see apiserver-endpoints/).
  await new ApiServerEndpointReconciler({ registry, self: { ip: o.advertiseAddress, port: o.advertisePort }, ...(o.identity ? { identity: o.identity } : {}), ...(o.now ? { now: o.now } : {}) }).renewAndReconcile();
}
