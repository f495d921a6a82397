// Annotations a svcnet node agent publishes on its Node for the API server: where its kubelet
// endpoint is (HTTPS on loopback) and the hash of the serving certificate it answers with. Neither
// is secret: the endpoint wants a client certificate of the cluster CA that RBAC lets reach the
// node (nodes/proxy), and the hash only lets the API server recognise the agent's own certificate.

import { createHash } from "node:crypto";

export const kubeletEndpointAnnotation = "svcnet.io/kubelet-endpoint";
export const kubeletServingCertHashAnnotation = "svcnet.io/kubelet-serving-cert-hash";

/** How a serving certificate is named in the annotation: sha256:<hex> of its DER encoding. */
export function servingCertHash(der: Buffer): string {
  return `sha256:${createHash("sha256").update(der).digest("hex")}`;
}

/** Where the API server may reach a node's agent, and the certificate hash the agent must present. */
export interface LoopbackAgent {
  endpoint: string;
  servingCertHash: string;
}

/**
 * Where the API server may reach a node's agent: the endpoint and certificate hash it published,
 * when the endpoint is HTTPS on this machine's loopback (agents of `svcnet up`); undefined
 * otherwise (simulated nodes, agents joined from other machines, agents that publish no hash, or
 * no agent at all).
 */
export function loopbackAgentOf(node: { metadata: { annotations?: Record<string, string> } } | undefined): LoopbackAgent | undefined {
  const endpoint = node?.metadata.annotations?.[kubeletEndpointAnnotation];
  const hash = node?.metadata.annotations?.[kubeletServingCertHashAnnotation];
  if (!endpoint || !/^https:\/\/127\.0\.0\.1:\d+$/.test(endpoint)) return undefined;
  if (!hash || !/^sha256:[0-9a-f]{64}$/.test(hash)) return undefined;
  return { endpoint, servingCertHash: hash };
}
