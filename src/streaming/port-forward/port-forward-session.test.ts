// The port-forward server against a client that drives it as kubectl does, over loopback TCP;
// "the pod" is a loopback TCP server that answers `pong:<request>` once the request ended.

import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { connect, createServer } from "node:net";
import type { Server, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { RstStatus } from "../spdy/frame-types.js";
import type { SpdySession } from "../spdy/spdy-session.js";
import { SpdyStreamRefused } from "../spdy/spdy-session.js";
import type { SpdyStream } from "../spdy/spdy-stream.js";
import { PortForwardClient } from "./port-forward-client.js";
import type { PortForwardOptions } from "./port-forward-session.js";
import { servePortForward } from "./port-forward-session.js";

async function listenLoopback(onConnection: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer({ allowHalfOpen: true, noDelay: true }, onConnection);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: (server.address() as { port: number }).port };
}

/** Reads the request to its end, then answers and closes: half-close must pass both ways. */
function pongServer(sockets: Set<Socket>): (s: Socket) => void {
  return (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("end", () => socket.end(`pong:${Buffer.concat(chunks).toString()}`));
  };
}

async function readAll(stream: SpdyStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

interface Fixture {
  client: PortForwardClient;
  server: SpdySession;
  /** Connections "in the pod" still open. */
  podSockets: Set<Socket>;
  podPort: number;
  close(): Promise<void>;
}

/** A port-forward server whose pod has `podPort` listening and nothing on podPort + 1. */
async function fixture(o: PortForwardOptions = {}): Promise<Fixture> {
  const podSockets = new Set<Socket>();
  const pod = await listenLoopback(pongServer(podSockets));
  let serverSession: SpdySession | undefined;
  const front = await listenLoopback((socket) => {
    serverSession = servePortForward(
      socket,
      {
        pod: "web_default",
        uid: "uid-1",
        dial: (port) =>
          new Promise<Duplex>((resolve, reject) => {
            const s = connect({ port, host: "127.0.0.1", allowHalfOpen: true, noDelay: true });
            s.once("connect", () => resolve(s));
            s.once("error", (e) => reject(new Error(`dial tcp4 127.0.0.1:${port}: ${e.message}`)));
          }),
      },
      o,
    );
  });
  const socket = connect({ port: front.port, host: "127.0.0.1", noDelay: true });
  await once(socket, "connect");
  const client = new PortForwardClient(socket);
  while (!serverSession) await new Promise((r) => setImmediate(r));
  const server = serverSession;
  return {
    client,
    server,
    podSockets,
    podPort: pod.port,
    async close() {
      client.session.destroy();
      await server.closed;
      front.server.close();
      for (const s of podSockets) s.destroy();
      pod.server.close();
    },
  };
}

test("a forwarded connection carries bytes both ways, half-close included; the error stream ends empty", async () => {
  const f = await fixture();
  try {
    const conn = await f.client.connect(f.podPort);
    conn.data.end("ping");
    assert.equal(await readAll(conn.data), "pong:ping");
    assert.equal(await conn.error, "");
  } finally {
    await f.close();
  }
});

test("a port nothing listens on: the kubelet's message on the error stream, and the session goes on", async () => {
  const f = await fixture();
  try {
    const refused = await f.client.connect(f.podPort + 1);
    refused.data.end("lost");
    assert.equal(await readAll(refused.data), "");
    assert.match(await refused.error, /^error forwarding port \d+ to pod web_default, uid uid-1: dial tcp4 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    const after = await f.client.connect(f.podPort);
    after.data.end("again");
    assert.equal(await readAll(after.data), "pong:again");
    assert.equal(await after.error, "");
  } finally {
    await f.close();
  }
});

test("connections in parallel on one session stay apart", async () => {
  const f = await fixture();
  try {
    const answers = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const conn = await f.client.connect(f.podPort);
        conn.data.end(`n${i}`);
        const text = await readAll(conn.data);
        await conn.error;
        return text;
      }),
    );
    assert.deepEqual(answers, Array.from({ length: 6 }, (_, i) => `pong:n${i}`));
  } finally {
    await f.close();
  }
});

test("a stream with bad headers is refused; a lone stream times out with the kubelet's message", async () => {
  const f = await fixture({ streamCreationTimeoutMs: 100 });
  try {
    await assert.rejects(f.client.session.open({ streamType: ["data"], port: ["0"], requestID: ["x"] }), (e: unknown) => e instanceof SpdyStreamRefused && e.status === RstStatus.RefusedStream);
    const lone = await f.client.session.open({ streamType: ["error"], port: ["80"], requestID: ["7"] });
    lone.end();
    assert.equal(await readAll(lone), "(request=7) timed out waiting for streams");
  } finally {
    await f.close();
  }
});

test("a reset data stream, or the end of the session, closes the pod connection", async () => {
  const f = await fixture();
  try {
    const conn = await f.client.connect(f.podPort);
    conn.data.write("partial");
    while (f.podSockets.size === 0) await new Promise((r) => setTimeout(r, 5));
    const [podSocket] = f.podSockets;
    const podClosed = once(podSocket, "close");
    conn.data.reset();
    await podClosed;
    assert.equal(await conn.error, "");
    const second = await f.client.connect(f.podPort);
    second.data.write("x");
    while (f.podSockets.size === 0) await new Promise((r) => setTimeout(r, 5));
    const [other] = f.podSockets;
    const otherClosed = once(other, "close");
    f.client.session.destroy();
    await otherClosed;
  } finally {
    await f.close();
  }
});
