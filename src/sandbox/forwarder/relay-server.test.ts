// The relay in this process, dialing test servers on 127.0.0.1 (loopback only, no namespace).

import assert from "node:assert/strict";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RelayProtocolError } from "./relay-protocol.js";
import { RelayServer, answers } from "./relay-server.js";
import { freePort, listenLoopback, namedEcho, waitFor } from "./test-helpers.js";

/** Sends `text` on a new unix connection, ends it, and collects the answer and how it ended. */
async function exchange(socketPath: string, text: string | Buffer, options: { end?: boolean } = {}): Promise<{ data: string; error?: string; ms: number }> {
  const started = Date.now();
  const socket = connect({ path: socketPath, allowHalfOpen: true });
  const chunks: Buffer[] = [];
  let error: string | undefined;
  socket.on("data", (c: Buffer) => chunks.push(c));
  socket.on("error", (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
  if (options.end ?? true) socket.end(text);
  else socket.write(text);
  socket.on("end", () => socket.end());
  await new Promise((resolve) => socket.once("close", resolve));
  const data = Buffer.concat(chunks).toString();
  return { ...(error === undefined ? { data } : { data, error }), ms: Date.now() - started };
}

describe("RelayServer", () => {
  let dir: string;
  let echo: Server;
  let echoPort: number;
  let closedPort: number;
  let echoConnections = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "svcnet-relay-test-"));
    // Answers `echo:<everything received>` once the client has finished sending.
    echo = namedEcho("echo");
    echo.on("connection", () => echoConnections++);
    echoPort = await listenLoopback(echo);
    closedPort = await freePort();
  });

  after(async () => {
    echo.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function started(name: string, options: { headerTimeoutMs?: number } = {}): Promise<{ relay: RelayServer; path: string; logs: string[] }> {
    const path = join(dir, `${name}.sock`);
    const logs: string[] = [];
    const relay = new RelayServer({ socketPath: path, allow: ["127.0.0.0/8"], log: (l) => logs.push(l), ...options });
    await relay.listen();
    return { relay, path, logs };
  }

  it("dials the target and carries bytes both ways, including bytes sent with the header", async () => {
    const { relay, path } = await started("forward");
    try {
      assert.deepEqual(await exchange(path, `CONNECT 127.0.0.1:${echoPort}\nhello`).then(({ data, error }) => ({ data, error })), { data: "echo:hello", error: undefined });
      // The header split across writes works as well.
      const socket = connect({ path, allowHalfOpen: true });
      const chunks: Buffer[] = [];
      socket.on("data", (c: Buffer) => chunks.push(c));
      socket.write("CONNECT 127.0");
      await new Promise((r) => setTimeout(r, 20));
      socket.write(`.0.1:${echoPort}`);
      await new Promise((r) => setTimeout(r, 20));
      socket.end("\nsplit");
      await once(socket, "end");
      assert.equal(Buffer.concat(chunks).toString(), "echo:split");
      socket.destroy();
    } finally {
      await relay.close();
    }
  });

  const refusals: { name: string; send: (port: number) => string; log: RegExp }[] = [
    { name: "a target outside the allowed ranges", send: (port) => `CONNECT 172.17.8.101:${port}\n`, log: /refused: 172\.17\.8\.101:\d+ is outside the allowed ranges \(127\.0\.0\.0\/8\)/ },
    { name: "a malformed header", send: () => "GET / HTTP/1.1\r\nHost: x\r\n\r\n", log: /refused: header "GET \/ HTTP\/1\.1\\r" is not/ },
    { name: "an over-long header", send: () => "x".repeat(100), log: /refused: no header line within 64 bytes/ },
    { name: "an IPv6 target", send: (port) => `CONNECT ::1:${port}\n`, log: /refused: header/ },
  ];
  for (const c of refusals) {
    it(`refuses ${c.name} at once, without dialing`, async () => {
      const { relay, path, logs } = await started("refuse");
      const before = echoConnections;
      try {
        const got = await exchange(path, c.send(echoPort), { end: false });
        assert.equal(got.data, "");
        assert.ok(got.ms < 1000, `took ${got.ms} ms`);
        assert.equal(echoConnections, before, "nothing was dialed");
        assert.equal(logs.length, 1, logs.join("\n"));
        assert.match(logs[0], c.log);
      } finally {
        await relay.close();
      }
    });
  }

  it("closes the connection when the target refuses it", async () => {
    const { relay, path, logs } = await started("closed-port");
    try {
      const got = await exchange(path, `CONNECT 127.0.0.1:${closedPort}\nhello`, { end: false });
      assert.equal(got.data, "");
      assert.ok(got.ms < 1000, `took ${got.ms} ms`);
      assert.deepEqual(logs, [`relay: dialing 127.0.0.1:${closedPort} failed: ECONNREFUSED`]);
      await waitFor(() => relay.connections === 0);
    } finally {
      await relay.close();
    }
  });

  it("drops a connection that sends no header in time", async () => {
    const { relay, path, logs } = await started("silent", { headerTimeoutMs: 100 });
    try {
      const got = await exchange(path, "", { end: false });
      assert.equal(got.data, "");
      assert.ok(got.ms >= 90 && got.ms < 1000, `took ${got.ms} ms`);
      assert.deepEqual(logs, ["relay: no header in time; dropping the connection"]);
    } finally {
      await relay.close();
    }
  });

  it("drops a connection that ends before its header", async () => {
    const { relay, path, logs } = await started("early-end");
    try {
      const got = await exchange(path, "CONNECT 127.0.0.1:1");
      assert.equal(got.data, "");
      assert.deepEqual(logs, []);
      await waitFor(() => relay.connections === 0);
    } finally {
      await relay.close();
    }
  });

  it("close() drops open connections and removes the socket file", async () => {
    const { relay, path } = await started("close");
    const socket = connect({ path });
    socket.on("error", () => undefined);
    socket.write(`CONNECT 127.0.0.1:${echoPort}\npartial`);
    await waitFor(() => relay.connections === 2);
    const closed = new Promise((resolve) => socket.once("close", resolve));
    await relay.close();
    await closed;
    assert.equal(existsSync(path), false);
    assert.equal(await answers(path), false);
    await relay.close();
  });

  it("replaces a stale socket file but refuses a path a live relay holds", async () => {
    const path = join(dir, "stale.sock");
    await writeFile(path, "");
    // A plain file is not a socket: listening fails with EADDRINUSE and nothing answers on it.
    const relay = new RelayServer({ socketPath: path, allow: ["127.0.0.0/8"] });
    await relay.listen();
    try {
      assert.equal(await answers(path), true);
      const second = new RelayServer({ socketPath: path, allow: ["127.0.0.0/8"] });
      await assert.rejects(second.listen(), /another process is listening on/);
      assert.equal(await answers(path), true, "the first relay still listens");
    } finally {
      await relay.close();
    }
  });

  it("refuses a bad allow range when constructed", () => {
    assert.throws(() => new RelayServer({ socketPath: join(dir, "x.sock"), allow: ["172.17.8.0"] }), RelayProtocolError);
  });
});
