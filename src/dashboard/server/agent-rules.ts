// Asks a node's agent for its proxy's live rules (GET /proxyRules on the loopback endpoint the agent
// published on its Node, with the token it published — as the API server does for logs and exec).

import type { IncomingMessage } from "node:http";
import { request } from "node:http";
import { ApiError } from "../../api/errors.js";
import { loopbackAgentOf } from "../../api/node-annotations.js";
import type { NodeProxyRules } from "../../api/node-proxy-rules.js";
import { proxyRulesPath } from "../../api/node-proxy-rules.js";
import type { Node } from "../../api/types.js";

/** Where the dashboard gets a node's rules; tests pass their own. */
export type NodeRulesSource = (node: Node, signal?: AbortSignal) => Promise<NodeProxyRules>;

/** The real source: the agent's endpoint, with a deadline of `timeoutMs` (default 15 s). */
export function agentRulesSource(o: { timeoutMs?: number } = {}): NodeRulesSource {
  return async (node, signal) => {
    const name = node.metadata.name ?? "";
    const agent = loopbackAgentOf(node);
    if (!agent) throw ApiError.badRequest(`node ${name} publishes no agent endpoint (simulated nodes run no proxy): its rules cannot be read`);
    const { endpoint, token } = agent;
    const timeout = AbortSignal.timeout(o.timeoutMs ?? 15_000);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const r = request(`${endpoint}${proxyRulesPath}`, { headers: { authorization: `Bearer ${token}` }, signal: signal ? AbortSignal.any([signal, timeout]) : timeout }, resolve);
      r.on("error", (e) => reject(ApiError.unavailable(`cannot reach the agent of node ${name}: ${e.message}`)));
      r.end();
    });
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if (res.statusCode === 404) throw ApiError.badRequest(`the agent of node ${name} does not serve its proxy rules (an older agent?)`);
    if (res.statusCode !== 200) throw ApiError.unavailable(`the agent of node ${name} could not read its rules: ${text}`);
    return JSON.parse(text) as NodeProxyRules;
  };
}
