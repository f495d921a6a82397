// The API server's request pipeline, independent of sockets: authenticate → resolve →
// (per verb) decode → admit → validate → store → respond. `inject()` runs a request through
// it in-process; the HTTPS listener (http-server.ts) is a thin shell around the same call.
// Every failure becomes a Kubernetes Status with the right code; nothing escapes as a crash.

import { timingSafeEqual } from "node:crypto";
import { ApiError } from "../api/errors.js";
import { findResource } from "../api/resources.js";
import { openApiDocumentEntry, openApiIndex } from "../api/schema/openapi-v3.js";
import type { Registry } from "../registry/registry.js";
import { aggregatedContentType, aggregatedDiscovery, apiGroupDocument, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from "./discovery.js";
import type { ApiRequest, ApiResponse } from "./request.js";
import { jsonResponse } from "./request.js";
import { parseRequestInfo } from "./request-info.js";
import type { ResourceContext } from "./resource-handler.js";
import { handleResource } from "./resource-handler.js";

export interface UserInfo {
  name: string;
  groups: string[];
}

export interface ApiServerOptions {
  registry: Registry;
  /** Bearer token → user. */
  tokens: ReadonlyMap<string, UserInfo>;
  /** The address clients reach the server at, for discovery's serverAddressByClientCIDRs. */
  serverAddress: string;
  now?: () => Date;
  /** Is the server ready (store reachable, caches synced)? */
  ready?: () => boolean;
}

export const kubernetesVersion = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.4-svcnet",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-11-26T00:00:00Z",
  goVersion: `node ${process.version}`,
  compiler: "tsc",
  platform: `${process.platform}/${process.arch === "x64" ? "amd64" : process.arch}`,
};

const anonymousPaths = new Set(["/healthz", "/livez", "/readyz", "/version"]);

function plain(status: number, text: string): ApiResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8" }, body: text };
}

export class ApiServer {
  readonly #opts: ApiServerOptions;
  readonly #ctx: ResourceContext;
  readonly #tokens: { token: Buffer; user: UserInfo }[];

  constructor(options: ApiServerOptions) {
    this.#opts = options;
    const now = options.now ?? (() => new Date());
    this.#ctx = { registry: options.registry, now };
    this.#tokens = [...options.tokens].map(([t, user]) => ({ token: Buffer.from(t), user }));
  }

  /** The registry behind the API (for handlers outside the request pipeline, such as exec upgrades). */
  get registry(): Registry {
    return this.#opts.registry;
  }

  /** Runs one request through the whole pipeline and returns the response. Never throws. */
  async inject(req: ApiRequest): Promise<ApiResponse> {
    try {
      return await this.#handle(req);
    } catch (e) {
      const err = e instanceof ApiError ? e : ApiError.internal(e);
      if (!(e instanceof ApiError)) console.error("svcnet: internal error:", e);
      return jsonResponse(err.code, err.toStatus());
    }
  }

  authenticate(headers: ApiRequest["headers"]): UserInfo | undefined {
    const auth = headers.authorization ?? "";
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m) return undefined;
    const given = Buffer.from(m[1]);
    for (const t of this.#tokens) {
      if (t.token.length === given.length && timingSafeEqual(t.token, given)) return t.user;
    }
    return undefined;
  }

  async #handle(req: ApiRequest): Promise<ApiResponse> {
    const path = req.path.length > 1 ? req.path.replace(/\/+$/, "") : req.path;
    const user = this.authenticate(req.headers);
    if (!user && !anonymousPaths.has(path)) throw ApiError.unauthorized();
    const info = parseRequestInfo(path);
    if (info.kind === "nonResource") return this.#nonResource(req, path);
    const r = findResource(info.group, info.version, info.resource);
    if (!r) throw ApiError.notFoundPath();
    if (r.namespaced === false && info.namespace !== undefined) throw ApiError.notFoundPath();
    return handleResource(
      this.#ctx,
      { resource: r, namespace: info.namespace, name: info.name, subresource: info.subresource, watch: info.watchPrefix },
      req,
    );
  }

  #nonResource(req: ApiRequest, path: string): ApiResponse {
    if (req.method !== "GET" && req.method !== "HEAD") throw ApiError.notFoundPath();
    switch (path) {
      case "/healthz":
      case "/livez":
        return plain(200, "ok");
      case "/readyz":
        return (this.#opts.ready?.() ?? true) ? plain(200, "ok") : plain(503, "[-]storage not ready\nreadyz check failed");
      case "/version":
        return jsonResponse(200, kubernetesVersion);
      case "/api":
      case "/apis": {
        const agg = wantsAggregated(req.headers.accept);
        if (agg) {
          return jsonResponse(200, aggregatedDiscovery(path === "/api", agg), { "content-type": aggregatedContentType(agg), vary: "Accept" });
        }
        return jsonResponse(200, path === "/api" ? apiVersions(this.#opts.serverAddress) : apiGroupList(), { vary: "Accept" });
      }
      case "/openapi/v3":
        return jsonResponse(200, openApiIndex());
      case "/openapi/v2":
        throw ApiError.notFoundPath();
    }
    if (path.startsWith("/openapi/v3/")) {
      const entry = openApiDocumentEntry(path.slice("/openapi/v3/".length));
      if (!entry) throw ApiError.notFoundPath();
      const caching: Record<string, string> = req.query.has("hash")
        ? { "cache-control": "public, immutable", expires: new Date(Date.now() + 365 * 86400_000).toUTCString() }
        : { "cache-control": "no-cache, private" };
      return { status: 200, headers: { "content-type": "application/json", etag: `"${entry.hash}"`, ...caching }, body: entry.json };
    }
    const parts = path.split("/").filter(Boolean);
    if (parts[0] === "api" && parts.length === 2) {
      const doc = apiResourceList("", parts[1]);
      if (doc) return jsonResponse(200, doc);
    }
    if (parts[0] === "apis" && parts.length === 2) {
      const doc = apiGroupDocument(parts[1]);
      if (doc) return jsonResponse(200, doc);
    }
    if (parts[0] === "apis" && parts.length === 3) {
      const doc = apiResourceList(parts[1], parts[2]);
      if (doc) return jsonResponse(200, doc);
    }
    throw ApiError.notFoundPath();
  }
}
