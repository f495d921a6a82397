// kube-proxy's per-service health checks: for every LoadBalancer Service with
// externalTrafficPolicy Local, an HTTP listener on its healthCheckNodePort tells the cloud load
// balancer whether this node has local endpoints (200) or not (503), so traffic only goes to
// nodes that can serve it without a second hop.
//
// Contract (upstream's):
// - `syncServices` makes the open set equal the given one: a service whose port changed or that
//   disappeared is closed first, then new ones are opened — on every configured address. If any
//   address fails (port in use, no such address), the service's listeners are all closed, the
//   error is kept in `errors()`, and the next `syncServices` tries again. Nothing throws.
// - Any path answers with a tab-indented JSON body naming the service, its local endpoint count
//   and whether the proxy is healthy, and the header X-Load-Balancing-Endpoint-Weight carrying
//   the count (read by load balancers that weight nodes); 200 only when count > 0 and the proxy
//   is healthy.
// - `syncEndpoints` replaces all counts at once; a service missing from the map has 0. Counts are
//   kept for every service, so a listener opened later answers with the latest count at once.
// - Calls to `syncServices` are serialised; each returns when its own changes are done.

import { createServer } from "node:http";
import type { RequestListener, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { joinHostPort } from "../service-port-name.js";
import type { HttpAnswer } from "../http-listen.js";
import { closeServer, listen, respond } from "../http-listen.js";

/** The answer of a service's health check (pure). `service` is "namespace/name". */
export function serviceHealthAnswer(service: string, localEndpoints: number, proxyHealthy: boolean): HttpAnswer {
  const { namespace, name } = splitServiceKey(service);
  const body = [
    "{",
    '\t"service": {',
    `\t\t"namespace": ${JSON.stringify(namespace)},`,
    `\t\t"name": ${JSON.stringify(name)}`,
    "\t},",
    `\t"localEndpoints": ${localEndpoints},`,
    `\t"serviceProxyHealthy": ${proxyHealthy}`,
    "}",
  ].join("\n");
  return {
    status: localEndpoints > 0 && proxyHealthy ? 200 : 503,
    headers: {
      "Content-Type": "application/json",
      "X-Content-Type-Options": "nosniff",
      "X-Load-Balancing-Endpoint-Weight": String(localEndpoints),
    },
    body,
  };
}

export function splitServiceKey(service: string): { namespace: string; name: string } {
  const slash = service.indexOf("/");
  if (slash <= 0 || slash === service.length - 1) throw new Error(`invalid service key ${JSON.stringify(service)}: want namespace/name`);
  return { namespace: service.slice(0, slash), name: service.slice(slash + 1) };
}

export interface ServiceHealthServersOptions {
  /** Addresses to listen on (the node IPs matching --nodeport-addresses); default ["0.0.0.0"]. */
  addresses?: readonly string[];
  /** Whether the proxy itself is healthy now (e.g. `() => state.health(new Date()).healthy`). */
  proxyHealthy: () => boolean;
  /** Makes each HTTP server; default node:http's createServer. Tests use it to reach the servers. */
  serverFactory?: (handler: RequestListener) => Server;
}

interface Instance {
  port: number;
  servers: Server[];
}

export class ServiceHealthServers {
  readonly #addresses: readonly string[];
  readonly #proxyHealthy: () => boolean;
  readonly #serverFactory: (handler: RequestListener) => Server;
  readonly #open = new Map<string, Instance>();
  readonly #errors = new Map<string, Error>();
  #endpoints: ReadonlyMap<string, number> = new Map();
  #queue: Promise<void> = Promise.resolve();

  constructor(options: ServiceHealthServersOptions) {
    this.#addresses = options.addresses?.length ? [...options.addresses] : ["0.0.0.0"];
    this.#proxyHealthy = options.proxyHealthy;
    this.#serverFactory = options.serverFactory ?? ((handler) => createServer(handler));
  }

  /** Opens and closes listeners so that exactly `services` ("ns/name" → healthCheckNodePort) are served. */
  syncServices(services: ReadonlyMap<string, number>): Promise<void> {
    const wanted = new Map(services);
    const run = this.#queue.then(() => this.#sync(wanted));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Local endpoint counts per "ns/name"; services not in the map have none. */
  syncEndpoints(counts: ReadonlyMap<string, number>): void {
    this.#endpoints = new Map(counts);
  }

  /** Services served now, with their port. */
  services(): ReadonlyMap<string, number> {
    return new Map([...this.#open].map(([key, inst]) => [key, inst.port]));
  }

  /** Where a service's listeners are bound ("ip:port"), e.g. to learn the port when 0 was asked. */
  boundAddresses(service: string): string[] {
    return (this.#open.get(service)?.servers ?? []).map((s) => {
      const a = s.address() as AddressInfo;
      return joinHostPort(a.address, a.port);
    });
  }

  /** Services whose listeners could not be opened on the last attempt, with the reason. */
  errors(): ReadonlyMap<string, Error> {
    return new Map(this.#errors);
  }

  /** Answers a request for `service` without a socket (what its listeners run). */
  answer(service: string): HttpAnswer {
    return serviceHealthAnswer(service, this.#endpoints.get(service) ?? 0, this.#proxyHealthy());
  }

  /** Closes every listener (after pending syncs). */
  close(): Promise<void> {
    return this.syncServices(new Map());
  }

  async #sync(wanted: ReadonlyMap<string, number>): Promise<void> {
    // Close first, so a port that moves from one service to another is free when reopened.
    const closing: Promise<void>[] = [];
    for (const [key, inst] of this.#open) {
      if (wanted.get(key) === inst.port) continue;
      this.#open.delete(key);
      closing.push(...inst.servers.map(closeServer));
    }
    await Promise.all(closing);
    for (const key of this.#errors.keys()) if (!wanted.has(key)) this.#errors.delete(key);

    for (const [key, port] of wanted) {
      if (this.#open.has(key)) continue;
      try {
        splitServiceKey(key);
        this.#open.set(key, { port, servers: await this.#listenAll(key, port) });
        this.#errors.delete(key);
      } catch (err) {
        this.#errors.set(key, err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  #drop(service: string, server: Server, err: Error): void {
    this.#errors.set(service, err);
    const inst = this.#open.get(service);
    if (!inst?.servers.includes(server)) return;
    this.#open.delete(service);
    void Promise.all(inst.servers.map(closeServer));
  }

  async #listenAll(service: string, port: number): Promise<Server[]> {
    const servers: Server[] = [];
    try {
      for (const address of this.#addresses) {
        const server = this.#serverFactory((req, res) => respond(res, this.answer(service), req));
        await listen(server, port, address);
        // A later socket error must not crash the proxy: drop the service so the next sync reopens it.
        server.on("error", (err) => this.#drop(service, server, err));
        servers.push(server);
      }
      return servers;
    } catch (err) {
      await Promise.all(servers.map(closeServer));
      throw err;
    }
  }
}
