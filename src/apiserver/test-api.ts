// An in-process API server on a MemoryStore for tests: the real pipeline (registry,
// strategies, allocation, bootstrap objects, service account tokens) with no socket and no
// disk. Its PKI and service account key are made once per process, small (1024-bit RSA) unless
// the caller brings its own, and the system namespaces have their `default` service account as
// if the serviceaccount controller had run.

import { generateKeyPairSync } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { ApiError } from "../api/errors.js";
import { requireResource } from "../api/resources.js";
import { MemoryStore } from "../storage/memory-store.js";
import { WatchCache } from "../storage/watch-cache.js";
import { buildRegistry } from "../registry/build-registry.js";
import type { Registry } from "../registry/registry.js";
import { bootstrapCluster, systemNamespaces } from "../server/bootstrap.js";
import type { ServingPki } from "../server/pki.js";
import { inMemoryServingPki, issueClientCertificateWith } from "../server/pki.js";
import { ApiServer } from "./api-server.js";
import { trackManagedFields } from "./managed-fields.js";
import type { ApiRequest, ApiResponse } from "./request.js";
import type { AuditSink } from "./audit/audit-event.js";
import type { UiHandler } from "./ui-handler.js";
import type { UserInfo } from "./user-info.js";
import { ServiceAccountTokens } from "./serviceaccount/service-account-tokens.js";
import { ensureRbacPolicy } from "./authorization/ensure-policy.js";
import type { KubeletClientCertificate } from "./kubelet-client.js";
import { KUBELET_CLIENT_USER } from "./user-groups.js";

export const testToken = "test-token-0123456789";

/** The names and addresses a test cluster's serving certificate is for. */
export const testServingSans = {
  dns: ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"],
  ips: ["127.0.0.1", "10.0.0.1", "172.17.8.101"],
};

let sharedPki: ServingPki | undefined;
let sharedKey: KeyObject | undefined;
const kubeletClients = new WeakMap<ServingPki, KubeletClientCertificate>();

/** The process's test PKI (CA and serving certificate for testServingSans), made on first use. */
export function testPki(): ServingPki {
  sharedPki ??= inMemoryServingPki(testServingSans, { modulusLength: 1024 });
  return sharedPki;
}

/** The API server's client certificate for node agents (CN kube-apiserver-kubelet-client) from `pki`'s CA, made once per PKI. */
export function testKubeletClient(pki: ServingPki = testPki()): KubeletClientCertificate {
  let client = kubeletClients.get(pki);
  if (!client) {
    client = issueClientCertificateWith(pki, { commonName: KUBELET_CLIENT_USER }, { modulusLength: 1024 });
    kubeletClients.set(pki, client);
  }
  return client;
}

function testServiceAccountKey(): KeyObject {
  sharedKey ??= generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
  return sharedKey;
}

export interface TestApiOptions {
  cacheCapacity?: number;
  /** The cluster PKI; default testPki() (1024-bit, which curl's default security level refuses). */
  pki?: ServingPki;
  /**
   * The client certificate the server presents to node agents; default testKubeletClient(pki),
   * which the agents of a test sandbox (trusting pki's CA) accept. null: none.
   */
  kubeletClient?: KubeletClientCertificate | null;
  /** Serves the dashboard under /ui/. */
  ui?: UiHandler;
  /** Receives the audit events of mutating requests. */
  audit?: AuditSink;
  /** More bearer tokens, besides testToken (the admin's). */
  tokens?: ReadonlyMap<string, UserInfo>;
}

export interface TestApi {
  api: ApiServer;
  registry: Registry;
  store: MemoryStore;
  /** The cluster CA and serving certificate (for an HTTPS listener and kube-root-ca.crt), and the CA's key. */
  pki: ServingPki;
  serviceAccountTokens: ServiceAccountTokens;
  /** Sends a request with the test token; body objects are JSON-encoded. */
  request(method: string, path: string, o?: { body?: unknown; contentType?: string; accept?: string; token?: string | null; cookie?: string; signal?: AbortSignal }): Promise<ApiResponse>;
  json<T = Record<string, unknown>>(res: ApiResponse): T;
  close(): void;
}

export async function startTestApi(o: TestApiOptions = {}): Promise<TestApi> {
  const store = new MemoryStore();
  const stop = new AbortController();
  const cache = new WatchCache(store, { prefix: "/registry/", capacity: o.cacheCapacity });
  void cache.start(stop.signal);
  await cache.ready;
  const { registry } = buildRegistry({ store, cache, serviceCIDR: "10.0.0.0/24", nodePortRange: "30000-32767", fieldTracker: trackManagedFields });
  await bootstrapCluster(registry, { kubernetesServiceIP: "10.0.0.1", advertiseAddress: "172.17.8.101", advertisePort: 6443 });
  await ensureRbacPolicy(registry);
  const serviceAccountTokens = new ServiceAccountTokens({ signingKey: testServiceAccountKey() });
  const pki = o.pki ?? testPki();
  const kubeletClient = o.kubeletClient === null ? undefined : (o.kubeletClient ?? testKubeletClient(pki));
  const api = new ApiServer({
    registry,
    tokens: new Map([[testToken, { name: "admin", groups: ["system:masters"] }], ...(o.tokens ?? [])]),
    serverAddress: "172.17.8.101:6443",
    serviceAccountTokens,
    ...(o.ui ? { ui: o.ui } : {}),
    ...(o.audit ? { audit: o.audit } : {}),
    ...(kubeletClient && { kubeletClient }),
  });
  await api.start(stop.signal);
  const serviceAccounts = requireResource("", "v1", "serviceaccounts");
  for (const ns of systemNamespaces) {
    await registry.create(serviceAccounts, ns, { metadata: { name: "default" } }).catch((e: unknown) => {
      if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
    });
  }
  return {
    api,
    registry,
    store,
    pki,
    serviceAccountTokens,
    async request(method, path, o = {}) {
      const url = new URL(path, "https://svcnet.test");
      const headers: ApiRequest["headers"] = {};
      if (o.token !== null) headers.authorization = `Bearer ${o.token ?? testToken}`;
      if (o.accept) headers.accept = o.accept;
      if (o.cookie !== undefined) headers.cookie = o.cookie;
      let body = Buffer.alloc(0);
      if (o.body !== undefined) {
        body = Buffer.from(typeof o.body === "string" ? o.body : JSON.stringify(o.body));
        headers["content-type"] = o.contentType ?? "application/json";
      }
      return api.inject({ method, path: url.pathname, query: url.searchParams, headers, body, signal: o.signal });
    },
    json<T>(res: ApiResponse): T {
      return JSON.parse(String(res.body)) as T;
    },
    close() {
      stop.abort();
    },
  };
}
