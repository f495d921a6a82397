// The dashboard under /ui/ (the API server's UiHandler): the page, its scripts and the graph
// library (anonymous: code, no data), the login link that turns a token into the session cookie,
// and the page's own JSON under /ui/api/ (rule path and counters of a service on a node; its DNS
// names and environment variables). The handler reads the registry and node agents with the API
// server's rights, so every /ui/api/ read is first authorized as the user's own reads of the same
// data through the API would be (viewReads), and refused with the API's 403 Status otherwise.
//
//   GET  /ui/                                              the page, or how to log in (401)
//   GET  /ui/login?token=T                                 sets the cookie, 303 to /ui/ (401 page for a bad token)
//   GET  /ui/login                                         a page whose script sends the #token=T of the link:
//   POST /ui/login  (Authorization: Bearer T)              sets the cookie, 204
//   GET  /ui/logout                                        clears the cookie, 303 to /ui/
//   GET  /ui/api/services/<ns>/<name>/path?node=&port=     ServicePathView   (get services, get nodes, list pods in <ns>, get nodes/proxy)
//   GET  /ui/api/services/<ns>/<name>/reach                ServiceReachView  (get services, list endpointslices in <ns>)

import { ApiError } from "../../api/errors.js";
import { requireResource } from "../../api/resources.js";
import type { EndpointSlice, Service } from "../../api/types.js";
import { parseLabelSelector } from "../../api/selectors/label-selector.js";
import type { KubeletClientCertificate } from "../../apiserver/kubelet-client.js";
import type { ApiRequest, ApiResponse } from "../../apiserver/request.js";
import { jsonResponse } from "../../apiserver/request.js";
import { uiLogoutCookie, uiSessionCookie } from "../../apiserver/ui-credentials.js";
import type { UiAccess, UiHandler, UiRequestContext } from "../../apiserver/ui-handler.js";
import type { Registry } from "../../registry/registry.js";
import type { NodeRulesSource } from "./agent-rules.js";
import { agentRulesSource } from "./agent-rules.js";
import { badTokenPage, indexPage, loginHelpPage, loginPage, securityHeaders, stylesheet } from "./pages.js";
import { servicePath } from "./service-path.js";
import { serviceReach } from "./service-reach.js";
import { StaticAssets } from "./static-assets.js";

export interface DashboardOptions {
  registry: Registry;
  /** Where a node's live rules come from; default: its agent (agent-rules.ts), reached with `kubeletClient`. */
  rules?: NodeRulesSource;
  /** The API server's client certificate for node agents (kube-apiserver's --kubelet-client-certificate). */
  kubeletClient?: KubeletClientCertificate;
  /** The cluster domain for DNS names; default cluster.local. */
  clusterDomain?: string;
}

/**
 * The reads a view makes, as the user would make them through the API to see the same. The rule
 * path also needs `get nodes/proxy` on the node, which is what the node's agent (as kubelet) asks
 * of a caller of /proxyRules: the rules it answers show every service on that node, and the
 * server's own certificate would otherwise let anyone read them.
 */
export function viewReads(view: "path" | "reach", namespace: string, name: string, node: string | null): UiAccess[] {
  const service: UiAccess = { verb: "get", resource: "services", namespace, name };
  if (view === "reach") return [service, { verb: "list", apiGroup: "discovery.k8s.io", resource: "endpointslices", namespace }];
  // Without ?node= the view answers 400 before it reads more than the service.
  if (!node) return [service];
  return [
    service,
    { verb: "get", resource: "nodes", name: node },
    { verb: "list", resource: "pods", namespace },
    { verb: "get", resource: "nodes", subresource: "proxy", name: node },
  ];
}

function html(status: number, body: string, extra: Record<string, string> = {}): ApiResponse {
  return { status, headers: { "content-type": "text/html; charset=utf-8", ...securityHeaders, ...extra }, body };
}

function redirect(location: string, extra: Record<string, string> = {}): ApiResponse {
  return { status: 303, headers: { location, "cache-control": "no-store", ...extra }, body: "" };
}

export class DashboardHandler implements UiHandler {
  readonly #o: DashboardOptions;
  readonly #rules: NodeRulesSource;
  readonly #assets = new StaticAssets();

  constructor(options: DashboardOptions) {
    this.#o = options;
    this.#rules = options.rules ?? agentRulesSource({ ...(options.kubeletClient && { client: options.kubeletClient }) });
  }

  async handle(req: ApiRequest, ctx: UiRequestContext): Promise<ApiResponse> {
    const path = req.path;
    if (path === "/ui/login") return this.#login(req, ctx);
    if (req.method !== "GET" && req.method !== "HEAD") throw new ApiError(405, "MethodNotAllowed", `${req.method} is not supported on ${path}: the dashboard only reads`);
    if (path === "/ui") return redirect("/ui/");
    if (path === "/ui/") return ctx.user ? html(200, indexPage) : html(401, loginHelpPage);
    if (path === "/ui/logout") return redirect("/ui/", { "set-cookie": uiLogoutCookie() });
    if (path === "/ui/style.css") return { status: 200, headers: { "content-type": "text/css; charset=utf-8", "cache-control": "no-cache" }, body: stylesheet };
    if (path.startsWith("/ui/api/")) {
      if (!ctx.user) throw ApiError.unauthorized();
      return this.#api(req, path.slice("/ui/api/".length).split("/"), ctx);
    }
    const asset = await this.#assets.get(path);
    if (!asset) throw ApiError.notFoundPath();
    return { status: 200, headers: { "content-type": asset.contentType, "cache-control": "no-cache", "x-content-type-options": "nosniff" }, body: asset.body };
  }

  async #login(req: ApiRequest, ctx: UiRequestContext): Promise<ApiResponse> {
    if (req.method === "POST") {
      // The login page's script sends the #token of the link as a bearer token: ctx.user is its user.
      if (!ctx.user) throw ApiError.unauthorized();
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
      return { status: 204, headers: { "set-cookie": uiSessionCookie(token), "cache-control": "no-store" }, body: "" };
    }
    if (req.method !== "GET" && req.method !== "HEAD") throw new ApiError(405, "MethodNotAllowed", `${req.method} is not supported on /ui/login`);
    const token = req.query.get("token");
    if (token === null) return html(200, loginPage);
    if (token === "" || !(await ctx.authenticateToken(token))) return html(401, badTokenPage);
    return redirect("/ui/", { "set-cookie": uiSessionCookie(token) });
  }

  async #api(req: ApiRequest, parts: string[], ctx: UiRequestContext): Promise<ApiResponse> {
    const [what, ns, name, view] = parts;
    if (parts.length !== 4 || what !== "services" || !ns || !name || (view !== "path" && view !== "reach")) throw ApiError.notFoundPath();
    const node = req.query.get("node");
    // All of it before anything is read, so that a refusal says nothing about what exists.
    for (const access of viewReads(view, ns, name, node)) await ctx.authorize(access);
    if (view === "path") {
      const out = await servicePath({ registry: this.#o.registry, rules: this.#rules, namespace: ns, name, node, port: req.query.get("port"), signal: req.signal });
      return jsonResponse(200, out, { "cache-control": "no-store" });
    }
    const service = (await this.#o.registry.get(requireResource("", "v1", "services"), ns, name)) as Service;
    const slices = (await this.#o.registry.list(requireResource("discovery.k8s.io", "v1", "endpointslices"), ns, { labelSelector: parseLabelSelector(`kubernetes.io/service-name=${name}`) })).items as EndpointSlice[];
    return jsonResponse(200, serviceReach(service, slices, { zone: this.#o.clusterDomain }), { "cache-control": "no-store" });
  }
}
