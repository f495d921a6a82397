// Asks a node's agent for its proxy's live rules (GET /proxyRules on the loopback endpoint the agent
// published on its Node, as the API server does for logs and exec: with the API server's client
// certificate, to the agent whose certificate hash the Node publishes).

import { ApiError } from "../../api/errors.js";
import { loopbackAgentOf } from "../../api/node-annotations.js";
import type { NodeProxyRules } from "../../api/node-proxy-rules.js";
import { proxyRulesPath } from "../../api/node-proxy-rules.js";
import type { Node } from "../../api/types.js";
import type { KubeletClientCertificate } from "../../apiserver/kubelet-client.js";
import { kubeletGet } from "../../apiserver/kubelet-client.js";

/** Where the dashboard gets a node's rules; tests pass their own. */
export type NodeRulesSource = (node: Node, signal?: AbortSignal) => Promise<NodeProxyRules>;

/**
 * The real source: the agent's endpoint, reached with `client` (the API server's certificate for
 * node agents), with a deadline of `timeoutMs` (default 15 s).
 */
export function agentRulesSource(o: { timeoutMs?: number; client?: KubeletClientCertificate } = {}): NodeRulesSource {
  return async (node, signal) => {
    const name = node.metadata.name ?? "";
    const agent = loopbackAgentOf(node);
    if (!agent) throw ApiError.badRequest(`node ${name} publishes no agent endpoint (simulated nodes run no proxy): its rules cannot be read`);
    const timeout = AbortSignal.timeout(o.timeoutMs ?? 15_000);
    const res = await kubeletGet({ ...agent, nodeName: name }, o.client, proxyRulesPath, signal ? AbortSignal.any([signal, timeout]) : timeout);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if (res.statusCode === 404) throw ApiError.badRequest(`the agent of node ${name} does not serve its proxy rules (an older agent?)`);
    if (res.statusCode !== 200) throw ApiError.unavailable(`the agent of node ${name} could not read its rules: ${text}`);
    return JSON.parse(text) as NodeProxyRules;
  };
}
