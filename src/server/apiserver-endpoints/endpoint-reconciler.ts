// Keeps this API server listed in the `kubernetes` service: renews the server's Lease (see
// apiserver-lease.ts), reads every API server Lease, and writes default/kubernetes Endpoints and
// EndpointSlices for the live ones (see desired-endpoints.ts) — kube-apiserver's "lease"
// endpoint reconciler. Works on the Registry directly, like the bootstrap, so it needs no
// credentials and runs before the API is served.
//
// Contract:
// - renewAndReconcile() is idempotent and safe to run from several servers at once: writes
//   carry the resourceVersion they read, a lost race is retried a few times with fresh reads,
//   and servers reading the same Leases converge on the same objects. It writes only what
//   differs, so a steady cluster sees no writes except the Lease renewals.
// - removeSelf() deletes this server's Lease and reconciles without it: a server that stops
//   gracefully leaves the endpoints at once; one that dies leaves when its Lease expires, at
//   the next reconcile of a surviving server (within one renew interval after the expiry).
// - Leases expired for a further lease duration are deleted (any server does it), so the
//   Leases of servers gone for good do not pile up.
// - runApiServerEndpointReconciler() renews and reconciles every intervalMs until `signal`
//   aborts, then removes itself; the promise it returns settles after that removal, so the
//   caller must keep the store open until then. Failures are reported to onError and retried
//   at the next tick; they never reject the promise.

import { ApiError } from "../../api/errors.js";
import { requireResource } from "../../api/resources.js";
import type { ResourceInfo } from "../../api/resources.js";
import type { EndpointSlice, Endpoints, KubeObject, Lease } from "../../api/types.js";
import type { Registry } from "../../registry/registry.js";
import type { ApiServerEndpoint } from "./apiserver-lease.js";
import {
  APISERVER_LEASE_DURATION_SECONDS,
  APISERVER_LEASE_NAMESPACE,
  APISERVER_RENEW_INTERVAL_MS,
  apiServerLease,
  apiServerLeaseName,
  formatEndpoint,
  liveApiServers,
  staleApiServerLeases,
} from "./apiserver-lease.js";
import { KUBERNETES_SERVICE_NAME, KUBERNETES_SERVICE_NAMESPACE, desiredKubernetesEndpoints, planEndpointWrites } from "./desired-endpoints.js";

const leases = requireResource("coordination.k8s.io", "v1", "leases");
const endpointsResource = requireResource("", "v1", "endpoints");
const slicesResource = requireResource("discovery.k8s.io", "v1", "endpointslices");

/** How many times one reconcile re-reads and retries after losing a write race. */
const conflictRetries = 4;

/** Options of ApiServerEndpointReconciler. */
export interface ApiServerEndpointReconcilerOptions {
  registry: Registry;
  /** This server's advertised address and secure port. */
  self: ApiServerEndpoint;
  /**
   * What names this server's Lease across restarts (svcnet: `${hostname()}:${dataDir}`), so a
   * restart on another port replaces the old entry at once. Default: the "ip:port" of `self`.
   */
  identity?: string;
  /** Default 15 (kube-apiserver's endpoint reconciler TTL). */
  leaseDurationSeconds?: number;
  /** Clock (epoch ms); default Date.now. */
  now?: () => number;
}

function isConflict(e: unknown): boolean {
  return e instanceof ApiError && e.code === 409;
}

function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.code === 404;
}

/** One API server's share of keeping the `kubernetes` endpoints right; see the file comment. */
export class ApiServerEndpointReconciler {
  readonly #o: Required<ApiServerEndpointReconcilerOptions>;

  constructor(options: ApiServerEndpointReconcilerOptions) {
    this.#o = { leaseDurationSeconds: APISERVER_LEASE_DURATION_SECONDS, now: Date.now, identity: formatEndpoint(options.self), ...options };
  }

  /** Renews this server's Lease, then reconciles. Returns the servers listed. */
  async renewAndReconcile(): Promise<ApiServerEndpoint[]> {
    await this.renewLease();
    return this.reconcile();
  }

  /** Creates or renews this server's Lease. */
  async renewLease(): Promise<void> {
    const { registry, self } = this.#o;
    const name = apiServerLeaseName(this.#o.identity);
    for (let attempt = 0; ; attempt++) {
      const want = apiServerLease(self, this.#o.now(), { identity: this.#o.identity, durationSeconds: this.#o.leaseDurationSeconds });
      try {
        const live = (await registry.find(leases, APISERVER_LEASE_NAMESPACE, name)) as Lease | undefined;
        if (!live) {
          want.spec = { ...want.spec, acquireTime: want.spec?.renewTime };
          await registry.create(leases, APISERVER_LEASE_NAMESPACE, want);
        } else {
          const acquireTime = live.spec?.acquireTime ?? want.spec?.renewTime;
          await registry.update(leases, APISERVER_LEASE_NAMESPACE, name, {
            ...want,
            metadata: { ...live.metadata, labels: { ...live.metadata.labels, ...want.metadata.labels } },
            spec: { ...want.spec, ...(acquireTime ? { acquireTime } : {}) },
          });
        }
        return;
      } catch (e) {
        if (!isConflict(e) || attempt >= conflictRetries) throw e;
      }
    }
  }

  /** Deletes this server's Lease (if any) and reconciles without it. */
  async removeSelf(): Promise<ApiServerEndpoint[]> {
    try {
      await this.#o.registry.delete(leases, APISERVER_LEASE_NAMESPACE, apiServerLeaseName(this.#o.identity));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    return this.reconcile();
  }

  /**
   * Writes the `kubernetes` Endpoints and slices for the servers whose Leases are live now, and
   * returns those servers. With none live it writes nothing.
   */
  async reconcile(): Promise<ApiServerEndpoint[]> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#reconcileOnce();
      } catch (e) {
        if (!isConflict(e) || attempt >= conflictRetries) throw e;
      }
    }
  }

  async #reconcileOnce(): Promise<ApiServerEndpoint[]> {
    const { registry } = this.#o;
    const held = (await registry.list(leases, APISERVER_LEASE_NAMESPACE)).items as Lease[];
    const now = this.#o.now();
    const servers = liveApiServers(held, now);
    for (const lease of staleApiServerLeases(held, now)) {
      const pre = { resourceVersion: lease.metadata.resourceVersion };
      try {
        await registry.delete(leases, APISERVER_LEASE_NAMESPACE, lease.metadata.name ?? "", { preconditions: pre });
      } catch (e) {
        if (!isNotFound(e) && !isConflict(e)) throw e; // gone already, or renewed meanwhile
      }
    }
    const desired = desiredKubernetesEndpoints(servers);
    if (!desired) return servers;
    const ns = KUBERNETES_SERVICE_NAMESPACE;
    const stored = {
      endpoints: (await registry.find(endpointsResource, ns, KUBERNETES_SERVICE_NAME)) as Endpoints | undefined,
      slices: (await registry.list(slicesResource, ns)).items as EndpointSlice[],
    };
    const writes = planEndpointWrites(desired, stored);
    if (writes.endpoints) await put(registry, endpointsResource, ns, writes.endpoints, stored.endpoints);
    for (const slice of writes.putSlices) {
      await put(registry, slicesResource, ns, slice, stored.slices.find((s) => s.metadata.name === slice.metadata.name));
    }
    for (const name of writes.deleteSlices) {
      const live = stored.slices.find((s) => s.metadata.name === name);
      try {
        await registry.delete(slicesResource, ns, name, { preconditions: { resourceVersion: live?.metadata.resourceVersion } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return servers;
  }
}

/** Creates `want`, or replaces `live` with it (keeping live's metadata, merging labels) if live's version is still current. */
async function put(registry: Registry, r: ResourceInfo, ns: string, want: KubeObject, live: KubeObject | undefined): Promise<void> {
  const name = want.metadata.name ?? "";
  if (!live) {
    await registry.create(r, ns, want);
    return;
  }
  const metadata = { ...live.metadata, labels: { ...live.metadata.labels, ...want.metadata.labels } };
  await registry.update(r, ns, name, { ...want, metadata });
}

/** Options of runApiServerEndpointReconciler. */
export interface RunApiServerEndpointReconcilerOptions extends ApiServerEndpointReconcilerOptions {
  /** Stops the loop; the server then removes itself from the endpoints. */
  signal: AbortSignal;
  /** Default 10 000 (kube-apiserver's endpoint reconcile interval). */
  intervalMs?: number;
  /** Default: console.error with a "svcnet:" prefix. */
  onError?: (e: unknown) => void;
}

/** Renews and reconciles every intervalMs until `signal` aborts, then removes this server. */
export async function runApiServerEndpointReconciler(o: RunApiServerEndpointReconcilerOptions): Promise<void> {
  const reconciler = new ApiServerEndpointReconciler(o);
  const onError = o.onError ?? ((e: unknown) => console.error("svcnet: apiserver endpoint reconciler:", e));
  const interval = o.intervalMs ?? APISERVER_RENEW_INTERVAL_MS;
  while (!o.signal.aborted) {
    try {
      await reconciler.renewAndReconcile();
    } catch (e) {
      onError(e);
    }
    await sleep(interval, o.signal);
  }
  try {
    await reconciler.removeSelf();
  } catch (e) {
    onError(e);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
