// The sockets of the cluster DNS: UDP and TCP on the same address and port. TCP carries
// length-prefixed messages (RFC 1035 §4.2.2, several per connection, answered in order), closes
// idle connections after 10 s and bounds how many are open at once.

import { createSocket } from "node:dgram";
import type { Socket as UdpSocket } from "node:dgram";
import { isIPv6 } from "node:net";
import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import type { QueryHandler } from "./query-handler.js";

export interface DnsListener {
  host: string;
  port: number;
  close(): Promise<void>;
}

export interface DnsListenerOptions {
  handler: QueryHandler;
  host: string;
  /** 0 picks a free port (the same for UDP and TCP). */
  port: number;
  /** Idle TCP connections close after this long; default 10 000 ms. */
  tcpIdleMs?: number;
  /** Most TCP connections open at once; default 1 000. */
  maxTcpConnections?: number;
}

export async function listenDns(o: DnsListenerOptions): Promise<DnsListener> {
  for (let attempt = 0; ; attempt++) {
    const udp = await bindUdp(o.host, o.port);
    const port = udp.address().port;
    try {
      const tcp = await bindTcp(o, port);
      serveUdp(udp, o.handler);
      return {
        host: o.host,
        port,
        close: () => Promise.all([new Promise<void>((r) => udp.close(() => r())), tcp.close()]).then(() => undefined),
      };
    } catch (e) {
      udp.close();
      // With a chosen port, a TCP port taken by someone else is an error; with port 0, try another.
      if (o.port !== 0 || attempt >= 5) throw e;
    }
  }
}

function bindUdp(host: string, port: number): Promise<UdpSocket> {
  const udp = createSocket({ type: isIPv6(host) ? "udp6" : "udp4" });
  return new Promise((resolve, reject) => {
    udp.once("error", reject);
    udp.bind(port, host, () => {
      udp.off("error", reject);
      udp.on("error", () => undefined);
      resolve(udp);
    });
  }).then(() => udp);
}

function serveUdp(udp: UdpSocket, handler: QueryHandler): void {
  udp.on("message", (msg, rinfo) => {
    const reply = handler.handle(msg, "udp");
    if (reply === undefined) return;
    if (reply instanceof Promise) {
      void reply.then((r) => r && udp.send(r, rinfo.port, rinfo.address));
      return;
    }
    udp.send(reply, rinfo.port, rinfo.address);
  });
}

/** A listening TCP server and a way to close it with its open connections. */
async function bindTcp(o: DnsListenerOptions, port: number): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => serveTcp(socket, o, sockets));
  server.maxConnections = o.maxTcpConnections ?? 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, o.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function serveTcp(socket: Socket, o: DnsListenerOptions, sockets: Set<Socket>): void {
  sockets.add(socket);
  socket.setNoDelay(true);
  socket.setTimeout(o.tcpIdleMs ?? 10_000, () => socket.destroy());
  socket.on("error", () => undefined);
  socket.on("close", () => sockets.delete(socket));
  let pending: Buffer = Buffer.alloc(0);
  // Answers go out in query order even when one waits for an upstream.
  let order: Promise<void> = Promise.resolve();
  socket.on("data", (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const length = pending.readUInt16BE(0);
      if (pending.length < 2 + length) break;
      const message = pending.subarray(2, 2 + length);
      pending = pending.subarray(2 + length);
      const reply = o.handler.handle(message, "tcp");
      order = order.then(async () => {
        const r = await reply;
        if (!r || socket.destroyed) return;
        const framed = Buffer.allocUnsafe(2 + r.length);
        framed.writeUInt16BE(r.length, 0);
        r.copy(framed, 2);
        socket.write(framed);
      });
    }
  });
}
