// The API server's request pipeline, independent of sockets: authenticate (a client certificate
// the TLS layer verified, then static bearer tokens, service account tokens, bootstrap tokens) →
// impersonate → wait for a seat (flow control, flowcontrol/) → authorize (access-control.ts) →
// resolve → (per verb) decode → admit → validate → store → respond. `inject()` runs a request
// through it in-process; the HTTPS listener (http-server.ts) is a thin shell around the same
// call. Every failure becomes a Kubernetes Status with the right code; nothing escapes as a
// crash. With a `ui` handler, paths under /ui/ are the dashboard's (which authorizes each read it
// makes for the user with this server's authorizers); its session cookie stands in for a bearer
// token on GET and HEAD only (ui-credentials.ts), and a write that carries only the cookie is
// refused with 403. Every response carries an Audit-Id; mutating requests, refused ones
// included, are recorded in the audit log with the final response code (audit/).

import { timingSafeEqual } from "node:crypto";
import { ApiError } from "../api/errors.js";
import type { AuditSink } from "./audit/audit-event.js";
import type { RequestAudit } from "./audit/request-auditor.js";
import { RequestAuditor } from "./audit/request-auditor.js";
import { findResource } from "../api/resources.js";
import type { BootstrapTokenSecret } from "./bootstrap-token.js";
import { bootstrapTokenNamespace } from "./bootstrap-token.js";
import { BootstrapTokenAuthenticator } from "./bootstrap-token-authenticator.js";
import { isClusterInfoRead } from "./bootstrap-token-discovery.js";
import { openApiDocumentEntry, openApiIndex } from "../api/schema/openapi-v3.js";
import type { Registry } from "../registry/registry.js";
import { BoundObjectIndex, registryLookup } from "./serviceaccount/bound-object-index.js";
import type { ServiceAccountTokens } from "./serviceaccount/service-account-tokens.js";
import type { TokenAuthentication } from "./serviceaccount/token-authenticator.js";
import { ServiceAccountTokenAuthenticator } from "./serviceaccount/token-authenticator.js";
import { aggregatedContentType, aggregatedDiscovery, apiGroupDocument, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from "./discovery.js";
import type { ApiRequest, ApiResponse } from "./request.js";
import { jsonResponse } from "./request.js";
import type { RequestInfo } from "./request-info.js";
import { parseRequestInfo } from "./request-info.js";
import { requestVerb } from "./request-verb.js";
import type { ResourceContext } from "./resource-handler.js";
import { handleResource } from "./resource-handler.js";
import { apiErrorOf, isInternalError } from "./store-error-status.js";
import type { FlowControl } from "./flowcontrol/flow-control.js";
import { tooManyRequestsResponse } from "./flowcontrol/flow-control.js";
import { requestDigest } from "./flowcontrol/request-digest.js";
import type { ReadyzCheck } from "./readyz.js";
import { conditionCheck, pingCheck, readyzResponse, storageCheck } from "./readyz.js";
import type { UserInfo } from "./user-info.js";
import { requestCredential } from "./ui-credentials.js";
import { AccessControl } from "./access-control.js";
import type { AuthorizationAttributes } from "./authorization/attributes.js";
import { requestAttributes, resourceAttributes } from "./authorization/attributes.js";
import type { KubeObject } from "../api/types.js";
import type { ClientCertificate } from "./x509-authenticator.js";
import { userFromClientCertificate } from "./x509-authenticator.js";
import type { UiAccess, UiHandler } from "./ui-handler.js";
import { isUiPath } from "./ui-handler.js";
import type { KubeletClientCertificate } from "./kubelet-client.js";
import { NODES_GROUP, withAuthenticatedGroup } from "./user-groups.js";
import { parseBody } from "./body.js";
import type { HeaderValues } from "./authorization/impersonation.js";
import { isNodeRestricted } from "./noderestriction/node-restriction.js";
import { isJsonObject } from "../api/json.js";

export type { UserInfo };

export interface ApiServerOptions {
  registry: Registry;
  /** Bearer token → user. */
  tokens: ReadonlyMap<string, UserInfo>;
  /**
   * Service account tokens: issued through serviceaccounts/<name>/token and accepted as bearer
   * tokens while the objects they name exist. Without it there is neither.
   */
  serviceAccountTokens?: ServiceAccountTokens;
  /**
   * Accept bootstrap tokens (`<id>.<secret>` backed by a Secret kube-system/bootstrap-token-<id>,
   * bootstrap-token.ts) in the request pipeline — kube-apiserver's --enable-bootstrap-token-auth.
   * Default true. Not in the synchronous authenticate() (exec upgrades).
   */
  bootstrapTokens?: boolean;
  /** The address clients reach the server at, for discovery's serverAddressByClientCIDRs. */
  serverAddress: string;
  now?: () => Date;
  /** Is the server ready (store reachable, caches synced)? */
  ready?: () => boolean;
  /**
   * Authorization: RBAC (with system:masters allowed everything), the node restriction, the
   * RBAC escalation checks and the access reviews (access-control.ts). Default true; false lets
   * every authenticated request through, for tests of other stages.
   */
  authorization?: boolean;
  /** Serves the dashboard under /ui/ (src/dashboard/); without it /ui/ is not found. */
  ui?: UiHandler;
  /** Where the audit events of mutating requests go (audit/); without it none are kept. */
  audit?: AuditSink;
  /**
   * API Priority and Fairness: authenticated requests wait for a seat of their priority level
   * and get 429 when there is none. Without it every request runs at once.
   */
  flowControl?: FlowControl;
  /**
   * The client certificate the server presents to node agents for logs, exec and port forwarding
   * (kube-apiserver's --kubelet-client-certificate and --kubelet-client-key). Without it those
   * answer 503.
   */
  kubeletClient?: KubeletClientCertificate;
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

function bearerToken(headers: ApiRequest["headers"]): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
  return m ? m[1] : undefined;
}

function userOf(auth: TokenAuthentication): UserInfo | undefined {
  return auth.kind === "ok" ? auth.user : undefined;
}

/**
 * The body the node restriction needs for a node agent's create, decoded as the handler decodes
 * it (JSON, YAML or protobuf, depth-limited): the name of what it creates (a Node, its Lease) is
 * in the body, and a TokenRequest names the pod it is for. undefined for anyone else, for a
 * resource the restriction does not judge (Events, CSRs…), or for a body that does not decode
 * (which the handler refuses on its own).
 */
function nodeRequestBody(attrs: AuthorizationAttributes, req: ApiRequest): KubeObject | undefined {
  if (attrs.verb !== "create" || !attrs.user.groups.includes(NODES_GROUP) || !isNodeRestricted(attrs)) return undefined;
  try {
    const { value } = parseBody(req.body, req.headers["content-type"]);
    return isJsonObject(value) ? (value as unknown as KubeObject) : undefined;
  } catch {
    return undefined;
  }
}

/** As kube-apiserver: a verified client certificate wins over any token the request carries. */
function certificateUser(clientCertificate: ClientCertificate | undefined): UserInfo | undefined {
  return clientCertificate && userFromClientCertificate(clientCertificate);
}

function plain(status: number, text: string): ApiResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8" }, body: text };
}

export class ApiServer {
  readonly #opts: ApiServerOptions;
  readonly #ctx: ResourceContext;
  readonly #tokens: { token: Buffer; user: UserInfo }[];
  readonly #boundObjects: BoundObjectIndex;
  readonly #serviceAccounts: ServiceAccountTokenAuthenticator | undefined;
  readonly #bootstrapTokens: BootstrapTokenAuthenticator | undefined;
  readonly #readyz: readonly ReadyzCheck[];
  readonly #auditor: RequestAuditor;
  readonly #access: AccessControl | undefined;

  constructor(options: ApiServerOptions) {
    this.#opts = options;
    this.#auditor = new RequestAuditor({ sink: options.audit });
    const now = options.now ?? (() => new Date());
    const access = options.authorization === false ? undefined : new AccessControl(options.registry);
    this.#access = access;
    this.#ctx = {
      registry: options.registry,
      now,
      serviceAccountTokens: options.serviceAccountTokens,
      kubeletClient: options.kubeletClient,
      ...(access && {
        reviews: (input) => access.review(input),
        admitWrite: (user, r, subresource, obj, old) => {
          if (!user) return;
          if (subresource === "") access.rbacWriteCheck(user, r, obj, old);
          access.csrWriteCheck(user, r, subresource, obj, old);
        },
      }),
    };
    this.#tokens = [...options.tokens].map(([t, user]) => ({ token: Buffer.from(t), user }));
    this.#boundObjects = new BoundObjectIndex(options.registry);
    const sat = options.serviceAccountTokens;
    this.#serviceAccounts = sat && new ServiceAccountTokenAuthenticator(sat, { cached: this.#boundObjects, live: registryLookup(options.registry) });
    const secrets = findResource("", "v1", "secrets");
    this.#bootstrapTokens =
      options.bootstrapTokens !== false && secrets
        ? new BootstrapTokenAuthenticator({ now, find: async (name) => (await options.registry.find(secrets, bootstrapTokenNamespace, name)) as BootstrapTokenSecret | undefined })
        : undefined;
    this.#readyz = [
      pingCheck,
      storageCheck(() => options.registry.currentRevision(), {
        onChange: (ready, why) => console.error(ready ? "svcnet: storage is back: /readyz ok" : `svcnet: /readyz fails: ${why}`),
      }),
      conditionCheck("poststarthook/svcnet-bootstrap", () => options.ready?.() ?? true, "the server has not finished bootstrapping"),
    ];
  }

  /**
   * Starts what the server keeps in memory beside the store: the cache of service accounts and
   * pods that service account tokens are checked against. Resolves once it has synced; it runs
   * until `signal` aborts. Without it, tokens are still checked (against the store) except by
   * `authenticate`, which then refuses them.
   */
  async start(signal: AbortSignal): Promise<void> {
    await Promise.all([this.#serviceAccounts && this.#boundObjects.start(signal).synced, this.#access?.start(signal)]);
  }

  /** The authorizer (undefined when authorization is off), for handlers outside the pipeline. */
  get accessControl(): AccessControl | undefined {
    return this.#access;
  }

  /**
   * Records an exec or port-forward upgrade in the audit log: a create of the pod's subresource
   * by `user` (acting as `actingAs` when impersonating), answered `status` (101 once switched).
   */
  auditUpgrade(req: { path: string; query: URLSearchParams; headers: ApiRequest["headers"]; remoteAddress?: string }, o: { user?: UserInfo; actingAs?: UserInfo; status: number; error?: ApiError }): void {
    const audit = this.#auditor.begin({ method: "POST", path: req.path, query: req.query, headers: req.headers, body: Buffer.alloc(0), remoteAddress: req.remoteAddress });
    audit.authenticated(o.user);
    if (o.actingAs && o.actingAs.name !== o.user?.name) audit.impersonating(o.actingAs);
    audit.finish(o.error ? jsonResponse(o.error.code, o.error.toStatus()) : { status: o.status, headers: {} });
  }

  /**
   * Who an upgrade (exec, port-forward) runs as, and whether it may: impersonation, then create
   * on pods/exec or pods/portforward (what RBAC asks for these). Throws the 401 or 403.
   */
  authorizeUpgrade(user: UserInfo | undefined, headers: ApiRequest["headers"], target: { namespace: string; name: string; subresource: string }): UserInfo {
    if (!user) throw ApiError.unauthorized();
    if (!this.#access) return user;
    const as = this.#actingUser(user, headers);
    this.#access.check(resourceAttributes(as, { verb: "create", namespace: target.namespace, resource: "pods", subresource: target.subresource, name: target.name, apiVersion: "v1" }));
    return as;
  }

  /** The client certificate for node agents, if the server has one (for exec and port-forward upgrades). */
  get kubeletClient(): KubeletClientCertificate | undefined {
    return this.#opts.kubeletClient;
  }

  /** The registry behind the API (for handlers outside the request pipeline, such as exec upgrades). */
  get registry(): Registry {
    return this.#opts.registry;
  }

  /** Runs one request through the whole pipeline and returns the response. Never throws. */
  async inject(req: ApiRequest): Promise<ApiResponse> {
    const audit = this.#auditor.begin(req);
    // Headers every answer carries, error or not (flow control's classification).
    const headers: Record<string, string> = {};
    let res: ApiResponse;
    try {
      res = await this.#handle(req, audit, headers);
      if (Object.keys(headers).length) res = { ...res, headers: { ...res.headers, ...headers } };
    } catch (e) {
      const err = apiErrorOf(e);
      if (isInternalError(e)) console.error("svcnet: internal error:", e);
      // As kube-apiserver's error writer: a Status that asks the client to come back later says when.
      const retryAfter = err.details?.retryAfterSeconds;
      res = jsonResponse(err.code, err.toStatus(), { ...headers, ...(retryAfter ? { "retry-after": String(retryAfter) } : {}) });
    }
    return audit.finish(res);
  }

  /**
   * The user a request's bearer token authenticates, or undefined. Synchronous, for handlers
   * outside the request pipeline (exec upgrades): service account tokens are checked against the
   * in-memory cache only (see start()). The dashboard cookie does not count here: exec and
   * port-forward upgrades are not reads.
   */
  authenticate(headers: ApiRequest["headers"], clientCertificate?: ClientCertificate): UserInfo | undefined {
    const fromCertificate = certificateUser(clientCertificate);
    if (fromCertificate) return fromCertificate;
    const token = bearerToken(headers);
    if (token === undefined) return undefined;
    const user = this.#staticUser(token);
    if (user || !this.#serviceAccounts) return user;
    return userOf(this.#serviceAccounts.authenticateCached(token));
  }

  /** A read the dashboard makes for `user`, authorized as the same read through the API would be. */
  async #authorizeUi(user: UserInfo | undefined, access: UiAccess): Promise<void> {
    if (!user) throw ApiError.unauthorized();
    if (!this.#access) return;
    const attrs = resourceAttributes(user, { ...access, apiVersion: "v1" });
    this.#access.check(attrs);
    await this.#access.restrictNode(attrs, undefined);
  }

  /**
   * As authenticate, reading the store for bound objects the cache does not hold (yet), and
   * accepting bootstrap tokens.
   */
  async #authenticateRequest(method: string, headers: ApiRequest["headers"], clientCertificate: ClientCertificate | undefined): Promise<UserInfo | undefined> {
    const fromCertificate = certificateUser(clientCertificate);
    if (fromCertificate) return fromCertificate;
    const credential = requestCredential(method, headers);
    if (credential.kind === "cookieRefused") {
      throw new ApiError(403, "Forbidden", "the dashboard's session cookie is accepted for GET requests only: send the token as 'Authorization: Bearer <token>'");
    }
    if (credential.kind === "none") return undefined;
    return this.#authenticateToken(credential.token);
  }

  async #authenticateToken(token: string): Promise<UserInfo | undefined> {
    const user = this.#staticUser(token) ?? (this.#serviceAccounts && userOf(await this.#serviceAccounts.authenticate(token)));
    if (user || !this.#bootstrapTokens) return user;
    return userOf(await this.#bootstrapTokens.authenticate(token));
  }

  #staticUser(token: string): UserInfo | undefined {
    const given = Buffer.from(token);
    for (const t of this.#tokens) {
      if (t.token.length === given.length && timingSafeEqual(t.token, given)) return t.user;
    }
    return undefined;
  }

  /**
   * Whom a request by `user` acts as: `user` in system:authenticated, or whom its Impersonate-*
   * headers name when it may impersonate them (else the 403), which `audit` records.
   */
  #actingUser(user: UserInfo, headers: HeaderValues, audit?: RequestAudit): UserInfo {
    const requester = withAuthenticatedGroup(user);
    if (!this.#access) return requester;
    const as = this.#access.impersonation(requester, headers);
    if (as !== requester) audit?.impersonating(as);
    return as;
  }

  async #handle(req: ApiRequest, audit: RequestAudit, headers: Record<string, string>): Promise<ApiResponse> {
    const path = req.path.length > 1 ? req.path.replace(/\/+$/, "") : req.path;
    const authenticated = await this.#authenticateRequest(req.method, req.headers, req.clientCertificate);
    audit.authenticated(authenticated);
    const user = authenticated && this.#actingUser(authenticated, req.headersDistinct ?? req.headers, audit);
    req.user = user;
    if (this.#opts.ui && isUiPath(req.path)) {
      return this.#opts.ui.handle(req, { user, authenticateToken: (token) => this.#authenticateToken(token), authorize: (access) => this.#authorizeUi(user, access) });
    }
    // Anonymous: health and version, and (as kubeadm's RBAC grants) reading cluster-info, which
    // joining machines fetch before they trust the server (bootstrap-token-discovery.ts).
    const anonymousRead = anonymousPaths.has(path) || (isClusterInfoRead(req.method, path) && !req.query.has("watch"));
    if (!user && !anonymousRead) throw ApiError.unauthorized();
    const info = parseRequestInfo(path);
    const verb = requestVerb(req.method, info, req.query);
    if (!this.#opts.flowControl) return this.#serve(req, path, info, verb);
    const seat = await this.#opts.flowControl.admit(requestDigest(verb, info, user), req.signal);
    Object.assign(headers, seat.headers);
    if (!seat.release) return tooManyRequestsResponse();
    try {
      return await this.#serve(req, path, info, verb);
    } finally {
      seat.release();
    }
  }

  /** Answers an authenticated (or allowed anonymous) request: authorization, then the handlers. `verb` is the request's requestVerb. */
  async #serve(req: ApiRequest, path: string, info: RequestInfo, verb: string): Promise<ApiResponse> {
    const user = req.user;
    if (user && this.#access) {
      const attrs = requestAttributes(user, verb, info, req.query);
      this.#access.check(attrs);
      await this.#access.restrictNode(attrs, nodeRequestBody(attrs, req));
    }
    if (info.kind === "nonResource") {
      return path === "/readyz" && (req.method === "GET" || req.method === "HEAD") ? readyzResponse(this.#readyz, req.query) : this.#nonResource(req, path);
    }
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
