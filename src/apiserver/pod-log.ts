// GET pods/<name>/log: `kubectl logs` (also -f, --previous, --tail, -c). The API server asks
// the node agent that runs the pod, at the endpoint the agent published on its Node (loopback
// only: agents of `svcnet up` run on this machine), and streams the text back.

import { loopbackAgentOf } from "../api/node-annotations.js";
import { ApiError } from "../api/errors.js";
import { findResource } from "../api/resources.js";
import type { Node, Pod } from "../api/types.js";
import type { Registry } from "../registry/registry.js";
import type { KubeletClientCertificate, KubeletTarget } from "./kubelet-client.js";
import { agentRefusedClientCertificate, kubeletGet } from "./kubelet-client.js";
import type { ApiRequest, ApiResponse } from "./request.js";


export function chooseContainer(pod: Pod, asked: string | null): string {
  const names = pod.spec.containers.map((c) => c.name);
  if (asked) {
    if (!names.includes(asked)) throw ApiError.badRequest(`container ${asked} is not valid for pod ${pod.metadata.name}`);
    return asked;
  }
  if (names.length === 1) return names[0];
  throw ApiError.badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(" ")}]`);
}

/** Where the agent running a pod answers, for logs and exec: its loopback endpoint and certificate hash. */
export interface PodKubelet extends KubeletTarget {
  pod: Pod;
  container: string;
}

/** Finds the pod, its container and its node agent's endpoint; ApiErrors say what is missing. */
export async function podKubelet(registry: Registry, ns: string, name: string, askedContainer: string | null, what: string): Promise<PodKubelet> {
  const pods = findResource("", "v1", "pods");
  const nodes = findResource("", "v1", "nodes");
  if (!pods || !nodes) throw ApiError.notFoundPath();
  const pod = (await registry.get(pods, ns, name)) as Pod;
  const container = chooseContainer(pod, askedContainer);
  const nodeName = pod.spec.nodeName;
  if (!nodeName) throw ApiError.badRequest(`pod ${name} does not have a host assigned`);
  const node = (await registry.find(nodes, undefined, nodeName)) as Node | undefined;
  const agent = loopbackAgentOf(node);
  if (!agent) {
    throw ApiError.badRequest(`the node ${nodeName} running pod ${name} serves no ${what} (its agent publishes no endpoint; simulated nodes run no processes)`);
  }
  return { pod, container, nodeName, ...agent };
}

export async function podLog(registry: Registry, ns: string, name: string, req: ApiRequest, client: KubeletClientCertificate | undefined): Promise<ApiResponse> {
  const target = await podKubelet(registry, ns, name, req.query.get("container"), "logs");
  const { container } = target;
  const q = new URLSearchParams();
  for (const k of ["follow", "previous", "tailLines"]) {
    const v = req.query.get(k);
    if (v !== null) q.set(k, v);
  }
  const path = `/containerLogs/${encodeURIComponent(ns)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}?${q}`;
  const res = await kubeletGet(target, client, path, req.signal);
  if (res.statusCode !== 200) {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if (res.statusCode === 404) throw ApiError.badRequest(text);
    // The agent refused the API server itself. Its certificate (401) is the server's problem, not
    // the user's: a 503 that says so. RBAC's nodes/proxy (403) is passed on as the agent said it,
    // as Kubernetes does.
    if (res.statusCode === 401) throw agentRefusedClientCertificate(target.nodeName, text);
    if (res.statusCode === 403) throw new ApiError(403, "Forbidden", text);
    throw ApiError.internal(text);
  }
  async function* lines(): AsyncGenerator<string> {
    for await (const c of res) yield (c as Buffer).toString("utf8");
  }
  return { status: 200, headers: { "content-type": "text/plain" }, stream: lines() };
}
