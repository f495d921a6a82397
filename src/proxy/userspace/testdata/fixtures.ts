// Fixtures of the userspace proxy's real tests: Service and EndpointSlice builders, test backends
// (a TCP and a UDP server that answer with their own name) and small clients. Everything binds
// loopback addresses only.

import { createSocket } from "node:dgram";
import type { Server, Socket } from "node:net";
import { connect, createServer } from "node:net";
import { randomInt } from "node:crypto";
import type { EndpointSlice, Service, SliceEndpoint } from "../../../api/types.js";

export interface ServiceEdit {
  clusterIP: string;
  port: number;
  protocol?: "TCP" | "UDP";
  type?: "ClusterIP" | "NodePort" | "LoadBalancer";
  nodePort?: number;
  externalIPs?: string[];
  stickySeconds?: number;
}

export function makeService(namespace: string, name: string, o: ServiceEdit): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace, name, resourceVersion: "1" },
    spec: {
      type: o.type ?? "ClusterIP",
      clusterIP: o.clusterIP,
      ports: [{ port: o.port, protocol: o.protocol ?? "TCP", ...(o.nodePort ? { nodePort: o.nodePort } : {}) }],
      ...(o.externalIPs ? { externalIPs: o.externalIPs } : {}),
      ...(o.stickySeconds ? { sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: o.stickySeconds } } } : {}),
    },
  };
}

export function makeSlice(namespace: string, service: string, ips: string[], port: number, protocol: "TCP" | "UDP" = "TCP"): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { namespace, name: `${service}-1`, resourceVersion: "1", labels: { "kubernetes.io/service-name": service } },
    addressType: "IPv4",
    endpoints: ips.map((ip): SliceEndpoint => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [{ port, protocol }],
  };
}

/** A random 127.x.y.z address (x ≥ 100) so parallel test runs do not meet. */
export function randomLoopback(): string {
  return `127.${randomInt(100, 250)}.${randomInt(1, 250)}.${randomInt(2, 250)}`;
}

/**
 * Consecutive loopback addresses after a random base: 127.a.b.(c+i), with c+i of three digits so
 * the addresses sort as strings in the order they are listed (the balancer orders endpoints as
 * strings, as kube-proxy's does: 127.1.1.10 before 127.1.1.9 would change who is first).
 */
export function loopbackBlock(count: number): string[] {
  const a = randomInt(100, 250);
  const b = randomInt(1, 250);
  const c = randomInt(100, 250 - count);
  return Array.from({ length: count }, (_, i) => `127.${a}.${b}.${c + i}`);
}

/**
 * A TCP backend named `name`: each complete line "x" is answered "name x"; when the client
 * half-closes, it answers "name <bytes received>" and closes its side too.
 */
export function tcpBackend(name: string, host: string, port: number): Promise<Server> {
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    let bytes = 0;
    let buffered = "";
    socket.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        socket.write(`${name} ${buffered.slice(0, nl)}\n`);
        buffered = buffered.slice(nl + 1);
      }
    });
    socket.on("end", () => socket.end(`${name} ${bytes}\n`));
    socket.on("error", () => undefined);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port }, () => resolve(server));
  });
}

/** A UDP backend: each datagram "x" is answered "name x". */
export function udpBackend(name: string, host: string, port: number): Promise<{ close(): void; port: number }> {
  const socket = createSocket("udp4");
  socket.on("message", (msg, rinfo) => socket.send(`${name} ${msg.toString()}`, rinfo.port, rinfo.address));
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind({ address: host, port }, () => resolve({ close: () => socket.close(), port: socket.address().port }));
  });
}

/** A port free on `host` right now (bound and released). */
export function freePort(host: string): Promise<number> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: 0 }, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * One request: connect (from `localAddress` if given), send `payload`, half-close, read all.
 * Resolves with the answer, or "error:<code>" (ECONNREFUSED, ECONNRESET, …).
 */
export function tcpRequest(host: string, port: number, payload = "", localAddress?: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, ...(localAddress ? { localAddress } : {}), allowHalfOpen: true });
    let out = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve("error:timeout");
    }, timeoutMs);
    socket.on("connect", () => socket.end(payload));
    socket.on("data", (d: Buffer) => (out += d.toString()));
    socket.on("end", () => {
      clearTimeout(timer);
      socket.end();
      resolve(out.trim());
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(`error:${e.code ?? e.message}`);
    });
  });
}

/** An open connection that sends lines and reads one answer line per line. */
export class LineClient {
  readonly socket: Socket;
  #buffer = "";
  #waiters: ((line: string) => void)[] = [];
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (d: Buffer) => {
      this.#buffer += d.toString();
      let nl: number;
      while ((nl = this.#buffer.indexOf("\n")) >= 0) {
        const line = this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
        this.#waiters.shift()?.(line);
      }
    });
    socket.on("close", () => {
      this.closed = true;
      for (const w of this.#waiters.splice(0)) w("closed");
    });
    socket.on("error", () => undefined);
  }

  static open(host: string, port: number): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once("connect", () => resolve(new LineClient(socket)));
      socket.once("error", reject);
    });
  }

  ask(line: string, timeoutMs = 3000): Promise<string> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve("timeout"), timeoutMs);
      this.#waiters.push((answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      if (this.closed) return;
      this.socket.write(`${line}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A UDP client on its own port: send, and wait for one reply (with the address it came from). */
export class UdpClient {
  readonly #socket = createSocket("udp4");
  #waiter: ((r: { text: string; from: string }) => void) | undefined;

  static async open(host = "127.0.0.1"): Promise<UdpClient> {
    const c = new UdpClient();
    c.#socket.on("message", (msg, rinfo) => {
      const w = c.#waiter;
      c.#waiter = undefined;
      w?.({ text: msg.toString(), from: `${rinfo.address}:${rinfo.port}` });
    });
    c.#socket.on("error", () => undefined);
    await new Promise<void>((resolve) => c.#socket.bind({ address: host, port: 0 }, () => resolve()));
    return c;
  }

  get port(): number {
    return this.#socket.address().port;
  }

  ask(host: string, port: number, text: string, timeoutMs = 1500): Promise<{ text: string; from: string }> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        resolve({ text: "timeout", from: "" });
      }, timeoutMs);
      this.#waiter = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.#socket.send(text, port, host);
    });
  }

  close(): void {
    this.#socket.close();
  }
}
