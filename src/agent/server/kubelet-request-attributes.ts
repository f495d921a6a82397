// What a request to the agent's kubelet endpoint asks for, in the API's terms, as kubelet's
// webhook authorizer sees it (pkg/kubelet/server/auth.go): a verb on a subresource of the node's
// Node object — nodes/stats, nodes/metrics and nodes/log for those paths, nodes/proxy for all
// the rest (container logs, exec, port forwarding and svcnet's /proxyRules among them).
//
// The verb follows the HTTP method (GET is get, POST is create), except for the streaming
// endpoints: svcnet asks create for exec, attach, run and portForward whatever the method.
// Kubelet itself asks get for their WebSocket form (a GET upgrade), which lets anyone who may
// only read nodes/proxy run commands in every container of the node; the API server already asks
// create for pods/exec over WebSockets, and svcnet holds the agent to the same rule.

export interface KubeletRequestAttributes {
  verb: string;
  /** Always of resource nodes (group "", version v1). */
  subresource: string;
  /** The node's name. */
  name: string;
}

const verbs: Record<string, string> = { GET: "get", HEAD: "get", POST: "create", PUT: "update", PATCH: "patch", DELETE: "delete" };

/** The paths kubelet gives their own subresource; everything else is nodes/proxy. */
const subresourcePaths: readonly [string, string][] = [
  ["/stats", "stats"],
  ["/metrics", "metrics"],
  ["/logs", "log"],
];

const streamingPaths = ["/exec", "/attach", "/run", "/portForward"];

/** Whether `path` is `prefix` or below it. */
function isSubpath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** The attributes of a request for `path` (without the query) to node `node`'s agent. */
export function kubeletRequestAttributes(node: string, method: string, path: string): KubeletRequestAttributes {
  const subresource = subresourcePaths.find(([prefix]) => isSubpath(path, prefix))?.[1] ?? "proxy";
  const streaming = streamingPaths.some((prefix) => isSubpath(path, prefix));
  return { verb: streaming ? "create" : (verbs[method.toUpperCase()] ?? ""), subresource, name: node };
}

/** kubelet's 403 text for a request the authorizer did not allow. */
export function forbiddenText(user: string, a: KubeletRequestAttributes): string {
  return `Forbidden (user=${user}, verb=${a.verb}, resource=nodes, subresource=${a.subresource})`;
}

/** kubelet's 500 text when the authorizer could not decide (the API unreachable, say). */
export function authorizationErrorText(user: string, a: KubeletRequestAttributes): string {
  return `Authorization error (user=${user}, verb=${a.verb}, resource=nodes, subresource=${a.subresource})`;
}
