// The whole path in the real kernel: host 127.0.0.1:<port> → HostForwarder → unix socket → relay
// inside a namespace of our own → 127.0.0.1:18080 inside that namespace. The namespace has only
// `lo` (no veth, no route anywhere), so every packet is loopback-to-loopback: none is ever sent
// to a private address, from the host or from the namespace. Needs root for `ip netns`.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { existsSync, readlinkSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { listNamespaces } from "../destroy-by-prefix.js";
import { ExecIpRunner } from "../ip-runner.js";
import { HostForwarder, startRelay } from "./host-forwarder.js";
import type { RelayProcess } from "./host-forwarder.js";
import { alive, freePort, waitFor } from "./test-helpers.js";

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : "needs root to create a network namespace (CI runs as root)";

const SERVER_PORT = 18080;
// Answers every request with the server's own network namespace, so the test can tell it really
// reached the namespace and not some host process that happens to use the same port.
const SERVER = [
  "const { readlinkSync } = require('node:fs');",
  "const server = require('node:http').createServer((req, res) => res.end('netns ' + readlinkSync('/proc/self/ns/net')));",
  `server.listen(${SERVER_PORT}, '127.0.0.1', () => console.log('listening'));`,
  "process.stdin.resume(); process.stdin.on('end', () => process.exit(0));",
].join("\n");

/** GET http://127.0.0.1:port/ on a fresh connection; resolves with the body or the error code. */
function fetchBody(port: number): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = get({ host: "127.0.0.1", port, path: "/", agent: false, timeout: 3000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      res.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
}

describe("host forwarder into a real namespace", { skip }, () => {
  const runner = new ExecIpRunner();
  const netns = `svcnet-t${randomBytes(4).toString("hex")}-fwd`;
  let dir: string | undefined;
  let server: ChildProcessWithoutNullStreams | undefined;
  let relay: RelayProcess | undefined;
  let forwarder: HostForwarder | undefined;
  const relayLog: string[] = [];

  let created = false;

  before(async () => {
    await runner.ip(["netns", "add", netns]);
    created = true;
    await runner.ip(["-n", netns, "link", "set", "lo", "up"]);
    dir = await mkdtemp(join(tmpdir(), "svcnet-fwd-real-"));
    const child = spawn("ip", ["netns", "exec", netns, process.execPath, "-e", SERVER], { stdio: ["pipe", "pipe", "pipe"] });
    server = child;
    const [line] = (await Promise.race([
      once(createInterface({ input: child.stdout }), "line"),
      once(child, "exit").then(() => Promise.reject(new Error("the namespace's server exited"))),
    ])) as [string];
    assert.equal(line, "listening");
  });

  after(async () => {
    await forwarder?.close();
    await relay?.stop();
    if (server && server.exitCode === null && server.signalCode === null) {
      server.kill("SIGKILL");
      await once(server, "close");
    }
    try {
      if (created) await runner.ip(["netns", "del", netns]);
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
    assert.deepEqual(await listNamespaces(runner, netns), []);
  });

  it("publishes a host port into the namespace, refuses what it must, and cleans up", async () => {
    assert.ok(dir);
    const socketPath = join(dir, "relay.sock");
    relay = await startRelay({ netns, socketPath, allow: ["127.0.0.0/8"], log: (l) => relayLog.push(l) });
    assert.ok(relay.pid !== undefined && alive(relay.pid));
    const relayPid = relay.pid;
    // The relay runs in the namespace, not in ours.
    assert.equal(readlinkSync(`/proc/${relayPid}/ns/net`), readlinkSync(`/proc/${server?.pid}/ns/net`));
    assert.notEqual(readlinkSync(`/proc/${relayPid}/ns/net`), readlinkSync("/proc/self/ns/net"));

    forwarder = new HostForwarder({ socketPath });
    const hostPort = await freePort();
    await forwarder.publish(hostPort, { ip: "127.0.0.1", port: SERVER_PORT });

    // Through the forwarder, the answer comes from the namespace's server.
    const got = await fetchBody(hostPort);
    assert.equal(got.status, 200, JSON.stringify(got));
    const hostNetns = readlinkSync("/proc/self/ns/net");
    assert.match(got.body ?? "", /^netns net:\[\d+\]$/);
    assert.notEqual(got.body, `netns ${hostNetns}`, "answered from the host's own namespace");
    assert.equal(got.body, `netns ${readlinkSync(`/proc/${relayPid}/ns/net`)}`);
    // Again, several at once.
    const many = await Promise.all([1, 2, 3].map(() => fetchBody(hostPort)));
    assert.deepEqual(many.map((m) => m.body), [got.body, got.body, got.body]);

    // A port nothing listens on inside the namespace: the client's connection ends at once.
    const closedPort = await freePort();
    await forwarder.publish(closedPort, { ip: "127.0.0.1", port: SERVER_PORT + 1 });
    const started = Date.now();
    const refused = await fetchBody(closedPort);
    assert.ok(refused.error !== undefined, JSON.stringify(refused));
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    await waitFor(() => relayLog.some((l) => l.includes(`dialing 127.0.0.1:${SERVER_PORT + 1} failed: ECONNREFUSED`)));

    // A target outside the relay's allowed ranges is refused before any dial.
    const outside = await freePort();
    await forwarder.publish(outside, { ip: "172.17.8.101", port: 30080 });
    assert.ok((await fetchBody(outside)).error !== undefined);
    await waitFor(() => relayLog.some((l) => l.includes("refused: 172.17.8.101:30080 is outside the allowed ranges (127.0.0.0/8)")));

    // Unpublished: the host port is closed again.
    await forwarder.unpublish(hostPort);
    assert.equal(forwarder.published().has(hostPort), false);
    assert.equal((await fetchBody(hostPort)).error, "ECONNREFUSED");

    // Stopping removes the relay process and its socket.
    await relay.stop();
    await relay.exited;
    assert.equal(alive(relayPid), false);
    assert.equal(existsSync(socketPath), false);
  });
});
