// An in-process API server on a MemoryStore for tests: the real pipeline (registry,
// strategies, allocation, bootstrap objects) with no socket and no disk.

import { MemoryStore } from "../storage/memory-store.js";
import { WatchCache } from "../storage/watch-cache.js";
import { buildRegistry } from "../registry/build-registry.js";
import type { Registry } from "../registry/registry.js";
import { bootstrapCluster } from "../server/bootstrap.js";
import { ApiServer } from "./api-server.js";
import { trackManagedFields } from "./managed-fields.js";
import type { ApiRequest, ApiResponse } from "./request.js";

export const testToken = "test-token-0123456789";

export interface TestApi {
  api: ApiServer;
  registry: Registry;
  store: MemoryStore;
  /** Sends a request with the test token; body objects are JSON-encoded. */
  request(method: string, path: string, o?: { body?: unknown; contentType?: string; accept?: string; token?: string | null; signal?: AbortSignal }): Promise<ApiResponse>;
  json<T = Record<string, unknown>>(res: ApiResponse): T;
  close(): void;
}

export async function startTestApi(o: { cacheCapacity?: number } = {}): Promise<TestApi> {
  const store = new MemoryStore();
  const stop = new AbortController();
  const cache = new WatchCache(store, { prefix: "/registry/", capacity: o.cacheCapacity });
  void cache.start(stop.signal);
  await cache.ready;
  const { registry } = buildRegistry({ store, cache, serviceCIDR: "10.0.0.0/24", nodePortRange: "30000-32767", fieldTracker: trackManagedFields });
  await bootstrapCluster(registry, { kubernetesServiceIP: "10.0.0.1", advertiseAddress: "172.17.8.101", advertisePort: 6443 });
  const api = new ApiServer({
    registry,
    tokens: new Map([[testToken, { name: "admin", groups: ["system:masters"] }]]),
    serverAddress: "172.17.8.101:6443",
  });
  return {
    api,
    registry,
    store,
    async request(method, path, o = {}) {
      const url = new URL(path, "https://svcnet.test");
      const headers: ApiRequest["headers"] = {};
      if (o.token !== null) headers.authorization = `Bearer ${o.token ?? testToken}`;
      if (o.accept) headers.accept = o.accept;
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
