// One UDP listener of the userspace proxy and its sessions.
//
// Contract:
// - A session is one client address:port. Its first datagram picks an endpoint (round robin or
//   ClientIP affinity) and opens a socket connected to it; the client's datagrams go out on that
//   socket and the endpoint's replies go back to the client from the listener's own socket, so
//   the client sees them come from the service address:port it sent to.
// - A session ends after `idleTimeoutMs` without a datagram either way, when its endpoint leaves
//   the pool (the client's next datagram starts a session on a current endpoint), when the
//   endpoint answers with ICMP port unreachable (the affinity to it is dropped too), or when the
//   session table is full (the oldest session goes).
// - The socket is bound only while the spec has endpoints; with none, the kernel answers
//   datagrams with ICMP port unreachable, as kube-proxy's REJECT rule does. Unbinding ends every
//   session: replies could no longer leave from the service address.

import type { RemoteInfo, Socket } from "node:dgram";
import { createSocket } from "node:dgram";
import type { ProtocolCounters } from "./userspace-metrics.js";
import { protocolCounters } from "./userspace-metrics.js";
import type { ForwarderContext } from "./forwarder-context.js";
import { hasEndpoints, poolFor } from "./forwarder-context.js";
import type { ListenerSpec } from "./listener-plan.js";

export interface UdpForwarderOptions {
  /** Session idle timeout (kube-proxy's --udp-timeout). */
  idleTimeoutMs: number;
  /** Most sessions per listener; the oldest is closed to make room. */
  maxSessions: number;
}

interface Session {
  key: string;
  clientAddress: string;
  clientPort: number;
  poolKey: string;
  endpoint: string;
  socket: Socket;
  /** Datagrams that arrived before the connect finished; undefined once connected. */
  pending: Buffer[] | undefined;
  timer: NodeJS.Timeout;
  bytesTo: number;
  bytesFrom: number;
}

export class UdpForwarder {
  #spec: ListenerSpec;
  readonly #ctx: ForwarderContext;
  readonly #o: UdpForwarderOptions;
  #socket: Socket | undefined;
  readonly #sessions = new Map<string, Session>();
  #closed = false;
  readonly #counters: ProtocolCounters;

  constructor(spec: ListenerSpec, ctx: ForwarderContext, options: UdpForwarderOptions) {
    this.#spec = spec;
    this.#ctx = ctx;
    this.#o = options;
    this.#counters = protocolCounters(ctx.metrics, "udp");
  }

  get spec(): ListenerSpec {
    return this.#spec;
  }

  get listening(): boolean {
    return this.#socket !== undefined;
  }

  get needsListen(): boolean {
    return !this.#closed && hasEndpoints(this.#spec) && this.#socket === undefined;
  }

  /** Sessions open now. */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** The endpoint of each session, by client "ip:port" (for tests and listings). */
  sessionEndpoints(): Map<string, string> {
    return new Map([...this.#sessions].map(([key, s]) => [key, s.endpoint]));
  }

  /** Takes a new spec: sessions whose endpoint left their pool end; binds or unbinds to match. */
  async update(spec: ListenerSpec): Promise<void> {
    this.#spec = spec;
    const pools = new Map([spec.pool, ...(spec.localClientPool ? [spec.localClientPool] : [])].map((p) => [p.key, new Set(p.endpoints.map((e) => e.endpoint))]));
    for (const session of [...this.#sessions.values()]) {
      if (!pools.get(session.poolKey)?.has(session.endpoint)) this.#end(session);
    }
    await this.reconcile();
  }

  async reconcile(): Promise<void> {
    if (this.#closed) return;
    if (hasEndpoints(this.#spec) && !this.#socket) await this.#bind();
    else if (!hasEndpoints(this.#spec) && this.#socket) this.#unbind();
  }

  /** Unbinds and ends every session (UDP has nothing to drain: a client just sends again). */
  close(): Promise<void> {
    this.#closed = true;
    this.#unbind();
    return Promise.resolve();
  }

  #bind(): Promise<void> {
    const socket = createSocket({ type: "udp4" });
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        this.#ctx.metrics.listenFailures.inc();
        socket.close();
        reject(error);
      };
      socket.once("error", onError);
      socket.bind({ address: this.#spec.address, port: this.#spec.port }, () => {
        socket.off("error", onError);
        socket.on("error", (error) => this.#ctx.log(`${this.#spec.key}: socket error: ${error.message}`));
        if (this.#closed || !hasEndpoints(this.#spec)) {
          socket.close();
          resolve();
          return;
        }
        socket.on("message", (msg, rinfo) => this.#fromClient(msg, rinfo));
        this.#socket = socket;
        this.#counters.listeners.inc();
        resolve();
      });
    });
  }

  #unbind(): void {
    for (const session of [...this.#sessions.values()]) this.#end(session);
    if (!this.#socket) return;
    this.#socket.close();
    this.#socket = undefined;
    this.#counters.listeners.dec();
  }

  #fromClient(msg: Buffer, rinfo: RemoteInfo): void {
    const key = `${rinfo.address}:${rinfo.port}`;
    const session = this.#sessions.get(key) ?? this.#open(key, rinfo);
    if (!session) return;
    session.timer.refresh();
    session.bytesTo += msg.length;
    if (session.pending) session.pending.push(msg);
    else session.socket.send(msg);
  }

  #open(key: string, rinfo: RemoteInfo): Session | undefined {
    const pool = poolFor(this.#spec, rinfo.address, this.#ctx);
    const [target] = this.#ctx.balancer.connectOrder(pool.key, rinfo.address, 1);
    if (!target) {
      this.#counters.failed.inc();
      return undefined;
    }
    while (this.#sessions.size >= this.#o.maxSessions) {
      const oldest = this.#sessions.values().next().value;
      if (!oldest) break;
      this.#end(oldest);
    }
    const socket = createSocket({ type: "udp4" });
    const session: Session = {
      key,
      clientAddress: rinfo.address,
      clientPort: rinfo.port,
      poolKey: pool.key,
      endpoint: target.endpoint,
      socket,
      pending: [],
      timer: setTimeout(() => this.#end(session), this.#o.idleTimeoutMs),
      bytesTo: 0,
      bytesFrom: 0,
    };
    session.timer.unref();
    this.#sessions.set(key, session);
    this.#counters.active.inc();
    this.#counters.forwarded.inc();
    this.#ctx.balancer.connected(pool.key, rinfo.address, target.endpoint);
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNREFUSED") {
        this.#counters.connectFailures.inc();
        this.#ctx.balancer.failed(pool.key, rinfo.address, target.endpoint);
      }
      this.#end(session);
    });
    socket.on("message", (reply) => {
      if (this.#sessions.get(key) !== session || !this.#socket) return;
      session.timer.refresh();
      session.bytesFrom += reply.length;
      this.#socket.send(reply, session.clientPort, session.clientAddress);
    });
    socket.connect(target.port, target.ip, () => {
      const queued = session.pending ?? [];
      session.pending = undefined;
      if (this.#sessions.get(key) !== session) return;
      for (const msg of queued) socket.send(msg);
    });
    return session;
  }

  #end(session: Session): void {
    if (this.#sessions.get(session.key) !== session) return;
    this.#sessions.delete(session.key);
    clearTimeout(session.timer);
    this.#counters.active.dec();
    this.#counters.bytesTo.inc(session.bytesTo);
    this.#counters.bytesFrom.inc(session.bytesFrom);
    try {
      session.socket.close();
    } catch {
      // Already closed (the connect failed).
    }
  }
}
