// Annotations a svcnet node agent publishes on its Node for the API server: where its log
// endpoint is (loopback) and the bearer token it wants.

export const kubeletEndpointAnnotation = "svcnet.io/kubelet-endpoint";
export const kubeletTokenAnnotation = "svcnet.io/kubelet-token";

/**
 * Where the API server may reach a node's agent: the endpoint and token it published, when the
 * endpoint is on this machine's loopback (agents of `svcnet up`); undefined otherwise (simulated
 * nodes, agents joined from other machines, or no agent at all).
 */
export function loopbackAgentOf(node: { metadata: { annotations?: Record<string, string> } } | undefined): { endpoint: string; token: string } | undefined {
  const endpoint = node?.metadata.annotations?.[kubeletEndpointAnnotation];
  if (!endpoint || !/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint)) return undefined;
  return { endpoint, token: node?.metadata.annotations?.[kubeletTokenAnnotation] ?? "" };
}
