// One TCP listener of the userspace proxy (a ClusterIP:port, an external address:port or a
// NodePort) and the connections it forwards.
//
// Contract:
// - The listener is bound only while its spec has endpoints: with none, the port is closed and a
//   client's SYN is answered with RST by the kernel ("connection refused", what kube-proxy's
//   REJECT rule gives too).
// - Each accepted connection is held (paused) while the proxy dials endpoints in the balancer's
//   order, each attempt bounded by its timeout; the first that connects gets the connection, and
//   when all fail the client connection is reset.
// - Bytes are copied both ways; a FIN from either side is passed on as a FIN (half-close), a reset
//   or error on either side resets the other.
// - A new spec (endpoints gone or added) only affects new connections: existing ones run to
//   their end (draining). close(drainMs) stops accepting and destroys what is still open after
//   drainMs.

import type { Server, Socket } from "node:net";
import { connect, createServer } from "node:net";
import type { ProtocolCounters } from "./userspace-metrics.js";
import { protocolCounters } from "./userspace-metrics.js";
import type { ForwarderContext } from "./forwarder-context.js";
import { hasEndpoints, plainIP, poolFor } from "./forwarder-context.js";
import type { EndpointTarget, ListenerSpec } from "./listener-plan.js";

export class TcpForwarder {
  #spec: ListenerSpec;
  readonly #ctx: ForwarderContext;
  #server: Server | undefined;
  readonly #connections = new Set<Socket>();
  #closed = false;
  readonly #counters: ProtocolCounters;

  constructor(spec: ListenerSpec, ctx: ForwarderContext) {
    this.#spec = spec;
    this.#ctx = ctx;
    this.#counters = protocolCounters(ctx.metrics, "tcp");
  }

  get spec(): ListenerSpec {
    return this.#spec;
  }

  /** Whether the port is bound now. */
  get listening(): boolean {
    return this.#server !== undefined;
  }

  /** Whether the spec wants the port bound and it is not (a bind failed): the proxier retries. */
  get needsListen(): boolean {
    return !this.#closed && hasEndpoints(this.#spec) && this.#server === undefined;
  }

  /** Connections open now. */
  get connections(): number {
    return this.#connections.size;
  }

  /** Takes a new spec and binds or unbinds the port to match it. Rejects when binding failed. */
  async update(spec: ListenerSpec): Promise<void> {
    this.#spec = spec;
    await this.reconcile();
  }

  /** Binds the port when the spec has endpoints and unbinds it when not. Rejects when binding failed. */
  async reconcile(): Promise<void> {
    if (this.#closed) return;
    if (hasEndpoints(this.#spec) && !this.#server) await this.#listen();
    else if (!hasEndpoints(this.#spec) && this.#server) this.#unlisten();
  }

  /**
   * Stops accepting now; connections still open after `drainMs` are destroyed. Resolves when
   * the last connection is gone.
   */
  close(drainMs: number): Promise<void> {
    this.#closed = true;
    this.#unlisten();
    if (this.#connections.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        for (const socket of this.#connections) socket.destroy();
      }, drainMs);
      timer.unref();
      const check = (): void => {
        if (this.#connections.size > 0) return;
        clearTimeout(timer);
        resolve();
      };
      for (const socket of this.#connections) socket.once("close", () => setImmediate(check));
    });
  }

  #listen(): Promise<void> {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (socket) => this.#accept(socket));
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        this.#ctx.metrics.listenFailures.inc();
        reject(error);
      };
      server.once("error", onError);
      server.listen({ host: this.#spec.address, port: this.#spec.port, backlog: 1024 }, () => {
        server.off("error", onError);
        server.on("error", (error) => this.#ctx.log(`${this.#spec.key}: listener error: ${error.message}`));
        if (this.#closed || !hasEndpoints(this.#spec)) {
          server.close();
          resolve();
          return;
        }
        this.#server = server;
        this.#counters.listeners.inc();
        resolve();
      });
    });
  }

  #unlisten(): void {
    if (!this.#server) return;
    this.#server.close();
    this.#server = undefined;
    this.#counters.listeners.dec();
  }

  #accept(client: Socket): void {
    this.#connections.add(client);
    this.#counters.active.inc();
    client.once("close", () => {
      this.#connections.delete(client);
      this.#counters.active.dec();
      this.#counters.bytesTo.inc(client.bytesRead);
      this.#counters.bytesFrom.inc(client.bytesWritten);
    });
    client.on("error", () => undefined);
    const clientIP = plainIP(client.remoteAddress);
    const pool = poolFor(this.#spec, clientIP, this.#ctx);
    const order = this.#ctx.balancer.connectOrder(pool.key, clientIP, this.#ctx.connectTimeoutsMs.length);
    void this.#dial(client, clientIP, pool.key, order, 0);
  }

  /** Tries order[i], then the rest; resets the client when none connects. */
  async #dial(client: Socket, clientIP: string, poolKey: string, order: readonly EndpointTarget[], i: number): Promise<void> {
    for (; i < order.length; i++) {
      if (client.destroyed) return;
      const target = order[i];
      const backend = await this.#connect(target, this.#ctx.connectTimeoutsMs[i] ?? 1000);
      if (backend && client.destroyed) {
        backend.destroy();
        return;
      }
      if (backend) {
        this.#ctx.balancer.connected(poolKey, clientIP, target.endpoint);
        this.#counters.forwarded.inc();
        this.#splice(client, backend);
        return;
      }
      this.#counters.connectFailures.inc();
      this.#ctx.balancer.failed(poolKey, clientIP, target.endpoint);
    }
    this.#counters.failed.inc();
    if (!client.destroyed) client.resetAndDestroy();
  }

  /** A connected socket to the endpoint, or undefined when it refused or did not answer in time. */
  #connect(target: EndpointTarget, timeoutMs: number): Promise<Socket | undefined> {
    return new Promise((resolve) => {
      const backend = connect({ host: target.ip, port: target.port, allowHalfOpen: true, noDelay: true });
      const timer = setTimeout(() => {
        backend.destroy();
        resolve(undefined);
      }, timeoutMs);
      backend.once("connect", () => {
        clearTimeout(timer);
        backend.removeAllListeners("error");
        resolve(backend);
      });
      backend.once("error", () => {
        clearTimeout(timer);
        backend.destroy();
        resolve(undefined);
      });
    });
  }

  /** Forwards both ways with half-close; a reset on one side resets the other. */
  #splice(client: Socket, backend: Socket): void {
    const resetOther = (other: Socket) => (): void => {
      if (!other.destroyed) other.resetAndDestroy();
    };
    backend.on("error", resetOther(client));
    client.on("error", resetOther(backend));
    // A side that closes without error after both directions finished needs nothing; one that
    // closes early (destroyed by drain) takes the other with it.
    backend.once("close", () => {
      if (!client.destroyed && !client.writableEnded) client.destroy();
    });
    client.once("close", () => {
      if (!backend.destroyed && !backend.writableEnded) backend.destroy();
    });
    forward(client, backend);
    forward(backend, client);
    client.resume();
  }
}

/**
 * Copies `from` into `to` with backpressure and passes the end of `from` on as a FIN. Leaner
 * than stream.pipe (which adds seven listeners a side and state checks a chunk): per-connection
 * cost is what limits a proxy on fresh connections.
 */
function forward(from: Socket, to: Socket): void {
  const resume = (): void => void from.resume();
  from.on("data", (chunk: Buffer) => {
    if (!to.write(chunk)) {
      from.pause();
      to.once("drain", resume);
    }
  });
  from.once("end", () => to.end());
}
