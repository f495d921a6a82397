// Forwarding of names outside the cluster zones to one upstream server (`--upstream`): over
// UDP with ids of our own (a client's id could collide with another client's), over TCP for
// clients that asked over TCP (a truncated UDP answer is retried there). Gives up after 2 s
// (the handler then answers SERVFAIL).

import { randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import { connect, isIPv6 } from "node:net";
import type { Transport } from "../wire/response-write.js";

export interface Forwarder {
  forward(query: Uint8Array, transport: Transport): Promise<Uint8Array | undefined>;
  close(): void;
}

export function udpForwarder(upstream: { host: string; port: number }, timeoutMs = 2000): Forwarder {
  const socket = createSocket(isIPv6(upstream.host) ? "udp6" : "udp4");
  socket.on("error", () => undefined);
  socket.unref();
  const waiting = new Map<number, { originalId: number; resolve: (r: Uint8Array | undefined) => void }>();
  socket.on("message", (msg) => {
    if (msg.length < 12) return;
    const id = msg.readUInt16BE(0);
    const w = waiting.get(id);
    if (!w) return;
    waiting.delete(id);
    msg.writeUInt16BE(w.originalId, 0);
    w.resolve(msg);
  });
  const overUdp = (query: Uint8Array): Promise<Uint8Array | undefined> => {
    let id = randomInt(0, 65_536);
    for (let tries = 0; waiting.has(id) && tries < 16; tries++) id = randomInt(0, 65_536);
    if (waiting.has(id)) return Promise.resolve(undefined);
    const copy = Buffer.from(query);
    const originalId = copy.readUInt16BE(0);
    copy.writeUInt16BE(id, 0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(undefined);
      }, timeoutMs);
      waiting.set(id, {
        originalId,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
      socket.send(copy, upstream.port, upstream.host);
    });
  };
  const overTcp = (query: Uint8Array): Promise<Uint8Array | undefined> =>
    new Promise((resolve) => {
      const conn = connect(upstream.port, upstream.host);
      let got = Buffer.alloc(0);
      const done = (r: Uint8Array | undefined): void => {
        conn.destroy();
        resolve(r);
      };
      conn.setTimeout(timeoutMs, () => done(undefined));
      conn.on("error", () => done(undefined));
      conn.on("connect", () => {
        const framed = Buffer.allocUnsafe(2 + query.length);
        framed.writeUInt16BE(query.length, 0);
        framed.set(query, 2);
        conn.write(framed);
      });
      conn.on("data", (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) done(got.subarray(2, 2 + got.readUInt16BE(0)));
      });
    });
  return {
    forward: (query, transport) => (transport === "tcp" ? overTcp(query) : overUdp(query)),
    close: () => {
      for (const w of waiting.values()) w.resolve(undefined);
      waiting.clear();
      socket.close();
    },
  };
}
