// What every cluster has from its first start: the four system namespaces, and the
// `kubernetes` service in `default` (first service IP, port 443) whose Endpoints and
// EndpointSlice list every live API server, this one included (its Lease is taken here and kept
// by runApiServerEndpointReconciler). Idempotent: runs at every start. Also what joining
// machines use: the cluster-info ConfigMap and join tokens.

import { randomBytes } from "node:crypto";
import { ApiError } from "../api/errors.js";
import { findResource, requireResource } from "../api/resources.js";
import type { ResourceInfo } from "../api/resources.js";
import type { KubeObject } from "../api/types.js";
import type { Registry } from "../registry/registry.js";
import { ApiServerEndpointReconciler } from "./apiserver-endpoints/endpoint-reconciler.js";
import { bootstrapTokenNamespace, bootstrapTokenSecret, formatBootstrapToken, generateBootstrapToken } from "../apiserver/bootstrap-token.js";
import { clusterInfoConfigMap, clusterInfoName, clusterInfoNamespace, readClusterInfo } from "../apiserver/bootstrap-token-discovery.js";
import { JOIN_TOKEN_GROUP } from "../apiserver/authorization/bootstrap-policy.js";

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

/**
 * The cluster-info ConfigMap in kube-public that joining machines read before they trust the
 * server (bootstrap-token-discovery.ts): created if absent, rewritten when the CA in it is not
 * this cluster's (a data dir made anew). The server named in it is kept as first written, so
 * that several API servers on one store do not take turns rewriting it.
 */
export async function ensureClusterInfo(registry: Registry, o: { server: string; caCert: string }): Promise<void> {
  const configmaps = requireResource("", "v1", "configmaps");
  const wanted = clusterInfoConfigMap(o);
  await ensure(registry, configmaps, clusterInfoNamespace, wanted);
  const found = await registry.find(configmaps, clusterInfoNamespace, clusterInfoName);
  const current = found && readClusterInfo(found);
  if (!found || (current?.ok && current.caCert === o.caCert)) return;
  await registry.update(configmaps, clusterInfoNamespace, clusterInfoName, { ...found, data: wanted.data });
}

/**
 * Creates a new bootstrap token (bootstrap-token.ts) for joining machines, valid for `ttlMs`
 * (0: never expires), and returns it as `<id>.<secret>`; undefined when this server does not
 * serve Secrets, where tokens live.
 */
export async function createJoinToken(registry: Registry, o: { ttlMs: number; now: Date; description: string }): Promise<string | undefined> {
  const secrets = findResource("", "v1", "secrets");
  if (!secrets) return undefined;
  const token = generateBootstrapToken(randomBytes);
  await registry.create(secrets, bootstrapTokenNamespace, bootstrapTokenSecret({ token, ttlMs: o.ttlMs, now: o.now, description: o.description, extraGroups: [JOIN_TOKEN_GROUP] }));
  return formatBootstrapToken(token);
}
