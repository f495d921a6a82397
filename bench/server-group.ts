// A system under test for the API benchmarks: one or more `svcnet server` processes on one
// store — the embedded SQLite store (one server: its database is the server's own file) or a
// fresh real etcd of its own — and a benchmark client for each server. Everything it starts is
// stopped by stop(), and already on a failed start.

import { startEtcd } from "../src/storage/etcd-test-server.js";
import { ApiClient } from "./api-client.js";
import type { ServerChild } from "./server-child.js";
import { startServerChild } from "./server-child.js";

/** What to start. */
export interface ServerGroupSpec {
  /** The system's name in the report, e.g. "etcd×2". */
  name: string;
  store: "sqlite" | "etcd";
  /** API servers (1 for sqlite). */
  servers: number;
}

/** Options for startServerGroup. */
export interface ServerGroupOptions {
  /** Keep-alive connections each client may open to its server (default 50). */
  maxSockets?: number;
}

/** Running servers and a client per server (clients[i] talks to servers[i]). */
export interface ServerGroup {
  spec: ServerGroupSpec;
  servers: ServerChild[];
  clients: ApiClient[];
  /** The etcd client URL, for an etcd group. */
  etcdEndpoint?: string;
  /** Closes the clients, stops the servers, then etcd. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the group: etcd first when needed, then the servers one after the other (each later
 * one finds the cluster bootstrapped, as when a replica is added). Throws, after stopping what
 * had started, when the spec is impossible or a process does not come up.
 */
export async function startServerGroup(spec: ServerGroupSpec, options: ServerGroupOptions = {}): Promise<ServerGroup> {
  if (!Number.isInteger(spec.servers) || spec.servers < 1) throw new Error(`${spec.name}: servers must be a positive integer, got ${spec.servers}`);
  if (spec.store === "sqlite" && spec.servers !== 1) {
    throw new Error(`${spec.name}: the SQLite store belongs to one server; use etcd for ${spec.servers} servers`);
  }
  const stops: (() => Promise<void>)[] = [];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      const errors: unknown[] = [];
      for (const s of stops.splice(0).reverse()) await s().catch((err: unknown) => errors.push(err));
      if (errors.length) throw new Error(`${spec.name}: stop: ${errors.map(String).join("; ")}`);
    })());
  try {
    let storeFlag = "sqlite";
    let etcdEndpoint: string | undefined;
    if (spec.store === "etcd") {
      const etcd = await startEtcd();
      stops.push(() => etcd.stop());
      etcdEndpoint = etcd.endpoints[0];
      storeFlag = `etcd://${new URL(etcdEndpoint).host}`;
    }
    const servers: ServerChild[] = [];
    const clients: ApiClient[] = [];
    for (let i = 0; i < spec.servers; i++) {
      const server = await startServerChild({ store: storeFlag });
      stops.push(() => server.stop());
      servers.push(server);
      const client = new ApiClient({ baseUrl: server.url, ca: server.ca, token: server.token, maxSockets: options.maxSockets ?? 50 });
      stops.push(() => Promise.resolve(client.close()));
      clients.push(client);
    }
    return { spec, servers, clients, etcdEndpoint, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}
