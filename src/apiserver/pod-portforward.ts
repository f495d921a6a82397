// pods/<name>/portforward (`kubectl port-forward`): which agent serves it, and on which path.
// kubectl ≥ 1.31 first asks for a WebSocket that tunnels SPDY (subprotocol
// SPDY/3.1+portforward.k8s.io) and falls back to a plain SPDY/3.1 upgrade when that is refused;
// the node agent speaks both, so the API server checks the request and passes it through.

import { ApiError } from "../api/errors.js";
import { findResource } from "../api/resources.js";
import type { Pod } from "../api/types.js";
import type { Registry } from "../registry/registry.js";
import type { PodKubelet } from "./pod-log.js";
import { podKubelet } from "./pod-log.js";

export const PORT_FORWARD_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/;

/** The agent of the pod and the agent's path for forwarding its ports. */
export async function portForwardRoute(registry: Registry, ns: string, name: string, upgrade: string | undefined): Promise<{ kubelet: PodKubelet; path: string }> {
  const kind = (upgrade ?? "").toLowerCase();
  if (kind !== "websocket" && !kind.startsWith("spdy/3.1")) {
    throw ApiError.badRequest(`port forwarding needs an upgrade to SPDY/3.1 or a WebSocket (SPDY/3.1+portforward.k8s.io), not ${JSON.stringify(upgrade ?? "")}`);
  }
  const pods = findResource("", "v1", "pods");
  if (!pods) throw ApiError.notFoundPath();
  // Ports belong to the pod, not to a container: any container will do to find its agent.
  const pod = (await registry.get(pods, ns, name)) as Pod;
  const kubelet = await podKubelet(registry, ns, name, pod.spec.containers[0]?.name ?? null, "port forwarding");
  return { kubelet, path: `/portForward/${encodeURIComponent(ns)}/${encodeURIComponent(name)}` };
}
