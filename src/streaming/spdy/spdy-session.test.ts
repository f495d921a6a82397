import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { connect, createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { Transform } from "node:stream";
import { encodeFrame, FrameParser } from "./frame-codec.js";
import type { SpdyFrame } from "./frame-types.js";
import { GoAwayStatus, RstStatus } from "./frame-types.js";
import { encodeHeaderBlock } from "./header-block.js";
import { HeaderDeflater } from "./header-compression.js";
import { SpdySession, SpdyStreamRefused } from "./spdy-session.js";
import type { SpdyStream } from "./spdy-stream.js";

/** A server session and a client session joined by a loopback TCP connection. */
async function sessions(onStream?: (stream: SpdyStream) => void): Promise<{ client: SpdySession; server: SpdySession; close(): Promise<void> }> {
  const { server: listener, accepted, socket } = await loopback();
  const server = new SpdySession(await accepted, { role: "server", onStream });
  const client = new SpdySession(socket, { role: "client" });
  server.start();
  client.start();
  return {
    client,
    server,
    async close() {
      client.destroy();
      server.destroy();
      await Promise.all([client.closed, server.closed]);
      listener.close();
    },
  };
}

async function loopback(): Promise<{ server: Server; accepted: Promise<Socket>; socket: Socket }> {
  const server = createServer();
  const accepted = once(server, "connection").then(([s]) => s as Socket);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as { port: number }).port;
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  return { server, accepted, socket };
}

async function readAll(stream: SpdyStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const upper = (): Transform =>
  new Transform({
    transform(chunk: Buffer, _e, cb) {
      cb(null, Buffer.from(chunk.toString("latin1").toUpperCase(), "latin1"));
    },
  });

test("a client stream is accepted, echoed and half-closed from each side without a reset", async () => {
  const seen: SpdyStream[] = [];
  const serverClosed: Promise<unknown>[] = [];
  const s = await sessions((stream) => {
    seen.push(stream);
    serverClosed.push(once(stream, "close"));
    stream.reply();
    stream.pipe(upper()).pipe(stream);
  });
  try {
    const stream = await s.client.open({ streamType: ["data"], port: ["80"] });
    const clientClosed = once(stream, "close");
    stream.end("hello");
    assert.equal((await readAll(stream)).toString(), "HELLO");
    await Promise.all([clientClosed, ...serverClosed]);
    assert.equal(stream.peerReset, undefined);
    assert.equal(seen[0].peerReset, undefined);
    assert.deepEqual(seen[0].headers, { streamtype: ["data"], port: ["80"] });
    assert.equal(seen[0].id, 1);
  } finally {
    await s.close();
  }
});

test("a refused stream rejects open() with the peer's status; without a handler every stream is refused", async () => {
  const refusing = await sessions((stream) => stream.reset(RstStatus.RefusedStream));
  const defaulted = await sessions();
  try {
    for (const s of [refusing, defaulted]) {
      await assert.rejects(s.client.open({ a: ["1"] }), (e: unknown) => e instanceof SpdyStreamRefused && e.status === RstStatus.RefusedStream);
    }
    // The session is still usable afterwards: ids go on (3 after 1).
    const next = refusing.client.open({ b: ["2"] });
    await assert.rejects(next, SpdyStreamRefused);
  } finally {
    await refusing.close();
    await defaulted.close();
  }
});

test("megabytes both ways on many streams at once arrive whole (connection backpressure only)", async () => {
  const s = await sessions((stream) => {
    stream.reply();
    stream.pipe(stream);
  });
  try {
    const digests = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const payload = randomBytes(512 * 1024 + i);
        const stream = await s.client.open({ n: [String(i)] });
        stream.end(payload);
        const back = await readAll(stream);
        return [createHash("sha256").update(payload).digest("hex"), createHash("sha256").update(back).digest("hex")];
      }),
    );
    for (const [sent, got] of digests) assert.equal(got, sent);
  } finally {
    await s.close();
  }
});

test("a reset from the client closes the server's stream and says why", async () => {
  let serverStream: SpdyStream | undefined;
  const s = await sessions((stream) => {
    serverStream = stream;
    stream.reply();
  });
  try {
    const stream = await s.client.open({});
    assert.ok(serverStream);
    const closed = once(serverStream, "close");
    stream.reset(RstStatus.Cancel);
    await closed;
    assert.equal(serverStream.peerReset, RstStatus.Cancel);
  } finally {
    await s.close();
  }
});

test("when the connection ends, every stream closes and the session settles", async () => {
  let serverStream: SpdyStream | undefined;
  const s = await sessions((stream) => {
    serverStream = stream;
    stream.reply();
  });
  const stream = await s.client.open({});
  assert.ok(serverStream);
  const closes = [once(serverStream, "close"), once(stream, "close")];
  s.client.destroy();
  await Promise.all([...closes, s.server.closed]);
  assert.equal(s.server.streamCount, 0);
  await s.close();
});

/** A raw client: frames in, frames out. */
async function rawClient(server: SpdySession | ((socket: Socket) => SpdySession)): Promise<{ send(f: SpdyFrame | Buffer): void; next(): Promise<SpdyFrame | "end">; close(): void }> {
  const { server: listener, accepted, socket } = await loopback();
  const session = typeof server === "function" ? server(await accepted) : server;
  session.start();
  const parser = new FrameParser();
  const queue: (SpdyFrame | "end")[] = [];
  let wake: (() => void) | undefined;
  socket.on("data", (c: Buffer) => {
    queue.push(...parser.push(c));
    wake?.();
  });
  socket.on("end", () => {
    queue.push("end");
    wake?.();
  });
  return {
    send: (f) => socket.write(Buffer.isBuffer(f) ? f : encodeFrame(f)),
    async next() {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      return queue.shift() as SpdyFrame | "end";
    },
    close() {
      socket.destroy();
      session.destroy();
      listener.close();
    },
  };
}

test("a client's PING comes back; SETTINGS and WINDOW_UPDATE are ignored", async () => {
  const raw = await rawClient((socket) => new SpdySession(socket, { role: "server" }));
  try {
    raw.send({ kind: "settings", clearSettings: false, entries: [{ flags: 0, id: 7, value: 1 << 20 }] });
    raw.send({ kind: "window_update", streamId: 1, delta: 1000 });
    // An even id is the server's own kind of ping: it is an answer, not a question.
    raw.send({ kind: "ping", id: 2 });
    raw.send({ kind: "ping", id: 5 });
    assert.deepEqual(await raw.next(), { kind: "ping", id: 5 });
  } finally {
    raw.close();
  }
});

test("a frame of another SPDY version ends the connection with GOAWAY PROTOCOL_ERROR", async () => {
  const raw = await rawClient((socket) => new SpdySession(socket, { role: "server" }));
  try {
    raw.send(Buffer.from("800200060000000400000001", "hex"));
    assert.deepEqual(await raw.next(), { kind: "goaway", lastGoodStreamId: 0, status: GoAwayStatus.ProtocolError });
    assert.equal(await raw.next(), "end");
  } finally {
    raw.close();
  }
});

test("a SYN_STREAM with an even (server-side) id is reset as a protocol error", async () => {
  const raw = await rawClient((socket) => new SpdySession(socket, { role: "server", onStream: (s) => s.reply() }));
  try {
    const deflater = new HeaderDeflater();
    const headerBlock = await deflater.deflate(encodeHeaderBlock({}));
    deflater.close();
    raw.send({ kind: "syn_stream", streamId: 2, associatedStreamId: 0, priority: 0, slot: 0, fin: false, unidirectional: false, headerBlock });
    assert.deepEqual(await raw.next(), { kind: "rst_stream", streamId: 2, status: RstStatus.ProtocolError });
  } finally {
    raw.close();
  }
});
