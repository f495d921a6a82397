// The dial helper's server on a unix socket in a temp dir, dialling loopback in this namespace
// (the agent runs it inside a pod's namespace; the real test does that).

import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDialAnswer } from "./pod-dial-protocol.js";
import { PodDialServer } from "./pod-dial-server.js";

async function withServer(fn: (o: { socketPath: string; port: number; unused: number }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "svcnet-dial-test-"));
  const socketPath = join(dir, "dial.sock");
  const dialer = new PodDialServer({ socketPath });
  // "The pod": answers `pong:<what it read>` after the client's FIN.
  const pod = createServer({ allowHalfOpen: true }, (s) => {
    const chunks: Buffer[] = [];
    s.on("data", (c: Buffer) => chunks.push(c));
    s.on("end", () => s.end(`pong:${Buffer.concat(chunks).toString()}`));
  });
  const spare = createServer();
  try {
    await dialer.listen();
    pod.listen(0, "127.0.0.1");
    spare.listen(0, "127.0.0.1");
    await Promise.all([once(pod, "listening"), once(spare, "listening")]);
    const unused = (spare.address() as { port: number }).port;
    // A port that was just free: nothing listens there once the spare listener is closed.
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    await fn({ socketPath, port: (pod.address() as { port: number }).port, unused });
  } finally {
    await dialer.close();
    pod.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function request(socketPath: string, line: string, body?: string): Promise<string> {
  const socket: Socket = connect({ path: socketPath, allowHalfOpen: true });
  socket.end(body === undefined ? line : line + body);
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  await once(socket, "close");
  return Buffer.concat(chunks).toString();
}

test("DIAL <port> answers OK, then carries the connection with half-close both ways", async () => {
  await withServer(async ({ socketPath, port }) => {
    assert.equal(await request(socketPath, `DIAL ${port}\n`, "ping"), "OK\npong:ping");
  });
});

test("a port nothing listens on: both localhost addresses' failures, in Go's words", async () => {
  await withServer(async ({ socketPath, unused }) => {
    const answer = await request(socketPath, `DIAL ${unused}\n`);
    assert.ok(answer.endsWith("\n"));
    const parsed = parseDialAnswer(answer.slice(0, -1));
    assert.ok(parsed && !parsed.ok, answer);
    assert.equal(parsed.ipv4, `dial tcp4 127.0.0.1:${unused}: connect: connection refused`);
    assert.match(parsed.ipv6, new RegExp(`^dial tcp6 \\[::1\\]:${unused}: `));
  });
});

test("a connection that does not start with a DIAL line is cut", async () => {
  await withServer(async ({ socketPath }) => {
    assert.equal(await request(socketPath, "CONNECT 127.0.0.1:80\n"), "");
    assert.equal(await request(socketPath, "x".repeat(2000)), "");
  });
});
