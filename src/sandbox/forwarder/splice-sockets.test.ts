// Real sockets on the loopback (127.0.0.1 only): a client talks to a front server, which splices
// each connection to an upstream server, and the upstream's behaviour varies per case.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { connect, createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { after, describe, it } from "node:test";
import { spliceSockets } from "./splice-sockets.js";
import { listenLoopback } from "./test-helpers.js";

/** Everything `socket` sends until it ends, and how it ended. */
async function readAll(socket: Socket): Promise<{ data: Buffer; error?: string }> {
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  let error: string | undefined;
  socket.on("error", (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
  // A half-open socket whose peer is gone would otherwise never close.
  socket.on("end", () => socket.end());
  await new Promise((resolve) => socket.once("close", resolve));
  return error === undefined ? { data: Buffer.concat(chunks) } : { data: Buffer.concat(chunks), error };
}

/** A front server that splices every connection to 127.0.0.1:`upstreamPort`, after `header`. */
async function front(upstreamPort: number, header = ""): Promise<{ port: number; server: Server }> {
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ host: "127.0.0.1", port: upstreamPort, allowHalfOpen: true });
    if (header !== "") upstream.write(header);
    spliceSockets(client, upstream);
  });
  return { port: await listenLoopback(server), server };
}

describe("spliceSockets", () => {
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) s.close();
  });

  async function setup(onUpstream: (socket: Socket) => void, header?: string): Promise<number> {
    const upstream = createServer({ allowHalfOpen: true }, onUpstream);
    const upstreamPort = await listenLoopback(upstream);
    const f = await front(upstreamPort, header);
    servers.push(upstream, f.server);
    return f.port;
  }

  it("passes a half-close on and still carries the answer back", async () => {
    const port = await setup((s) => {
      s.on("error", () => undefined);
      const got: Buffer[] = [];
      s.on("data", (c: Buffer) => got.push(c));
      // Answers only after the client's end arrives: proves the end was passed on and the way
      // back stayed open.
      s.on("end", () => s.end(`got:${Buffer.concat(got).toString()}`));
    });
    const client = connect({ host: "127.0.0.1", port, allowHalfOpen: true });
    const result = readAll(client);
    client.end("hello");
    assert.deepEqual(await result, { data: Buffer.from("got:hello") });
  });

  it("carries what the upstream says first, then its end", async () => {
    const port = await setup((s) => {
      s.on("error", () => undefined);
      s.end("banner\n");
    });
    const client = connect({ host: "127.0.0.1", port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    client.on("data", (c: Buffer) => chunks.push(c));
    await once(client, "end");
    assert.equal(Buffer.concat(chunks).toString(), "banner\n");
    client.end();
    await new Promise((resolve) => client.once("close", resolve));
  });

  it("sends writes queued before the splice first", async () => {
    let seen: Promise<{ data: Buffer }> | undefined;
    const port = await setup((s) => {
      seen = readAll(s);
      s.end();
    }, "HEADER\n");
    const client = connect({ host: "127.0.0.1", port, allowHalfOpen: true });
    client.end("body");
    await readAll(client);
    assert.ok(seen);
    assert.equal((await seen).data.toString(), "HEADER\nbody");
  });

  it("copies a large payload intact both ways", async () => {
    const payload = randomBytes(4 * 1024 * 1024);
    const port = await setup((s) => {
      const got: Buffer[] = [];
      s.on("data", (c: Buffer) => got.push(c));
      s.on("end", () => s.end(Buffer.concat(got)));
    });
    const client = connect({ host: "127.0.0.1", port, allowHalfOpen: true });
    const result = readAll(client);
    client.end(payload);
    const { data, error } = await result;
    assert.equal(error, undefined);
    assert.ok(data.equals(payload), `got ${data.length} of ${payload.length} bytes back`);
  });

  it("closes the client when the upstream resets", async () => {
    const port = await setup((s) => {
      s.on("error", () => undefined);
      s.once("data", () => s.resetAndDestroy());
    });
    const client = connect({ host: "127.0.0.1", port, allowHalfOpen: true });
    const result = readAll(client);
    client.write("anything");
    const { data } = await result;
    assert.equal(data.length, 0);
  });

  it("closes the upstream when the client resets", async () => {
    let upstreamDone: Promise<unknown> | undefined;
    const port = await setup((s) => {
      upstreamDone = readAll(s);
      s.write("hi");
    });
    const client = connect({ host: "127.0.0.1", port, allowHalfOpen: true });
    client.on("error", () => undefined);
    await once(client, "data");
    client.resetAndDestroy();
    assert.ok(upstreamDone);
    await upstreamDone;
  });
});
