// The host forwarder against an in-process relay: client → 127.0.0.1:<host port> → unix socket →
// relay → 127.0.0.1:<test server>. Loopback only; no namespace, no root.

import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { connect, createServer } from "node:net";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ForwarderErrorCode } from "./host-forwarder.js";
import { ForwarderError, HostForwarder } from "./host-forwarder.js";
import { RelayServer } from "./relay-server.js";
import { connectError, failsWithCode, freePort, listenLoopback, namedEcho } from "./test-helpers.js";

/** Connects to 127.0.0.1:port, sends `text`, ends, and returns the whole answer. */
async function ask(port: number, text: string): Promise<{ data: string; ms: number }> {
  const started = Date.now();
  const socket = connect({ host: "127.0.0.1", port, allowHalfOpen: true });
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  socket.on("error", () => undefined);
  socket.end(text);
  socket.on("end", () => socket.end());
  await new Promise((resolve) => socket.once("close", resolve));
  return { data: Buffer.concat(chunks).toString(), ms: Date.now() - started };
}

const failsWith = (code: ForwarderErrorCode): ((error: unknown) => boolean) => failsWithCode(ForwarderError, code);

describe("HostForwarder", () => {
  let dir: string;
  let socketPath: string;
  let relay: RelayServer;
  const servers: Server[] = [];
  let alphaPort: number;
  let betaPort: number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "svcnet-fwd-test-"));
    socketPath = join(dir, "relay.sock");
    relay = new RelayServer({ socketPath, allow: ["127.0.0.0/8"] });
    await relay.listen();
    const alpha = namedEcho("alpha");
    const beta = namedEcho("beta");
    servers.push(alpha, beta);
    alphaPort = await listenLoopback(alpha);
    betaPort = await listenLoopback(beta);
  });

  after(async () => {
    for (const s of servers) s.close();
    await relay.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("forwards a published port through the relay, and retargets it when published again", async () => {
    const forwarder = new HostForwarder({ socketPath });
    try {
      const hostPort = await freePort();
      await forwarder.publish(hostPort, { ip: "127.0.0.1", port: alphaPort });
      assert.deepEqual(forwarder.published(), new Map([[hostPort, { ip: "127.0.0.1", port: alphaPort }]]));
      assert.equal((await ask(hostPort, "one")).data, "alpha:one");
      // Several at once, each on its own relay connection.
      const answers = await Promise.all(["a", "b", "c"].map((t) => ask(hostPort, t)));
      assert.deepEqual(answers.map((a) => a.data), ["alpha:a", "alpha:b", "alpha:c"]);

      await forwarder.publish(hostPort, { ip: "127.0.0.1", port: betaPort });
      assert.equal((await ask(hostPort, "two")).data, "beta:two");
      assert.deepEqual(forwarder.published().get(hostPort), { ip: "127.0.0.1", port: betaPort });
    } finally {
      await forwarder.close();
    }
  });

  it("reports a host port in use instead of crashing, and leaves nothing behind", async () => {
    const forwarder = new HostForwarder({ socketPath });
    const occupant = createServer();
    try {
      const hostPort = await listenLoopback(occupant);
      await assert.rejects(forwarder.publish(hostPort, { ip: "127.0.0.1", port: alphaPort }), (error: unknown) => {
        failsWith("HostPortInUse")(error);
        assert.equal((error as ForwarderError).hostPort, hostPort);
        assert.match((error as Error).message, new RegExp(`127\\.0\\.0\\.1:${hostPort} is already in use on the host`));
        return true;
      });
      assert.equal(forwarder.published().size, 0);
      await forwarder.unpublish(hostPort);
    } finally {
      occupant.close();
      await forwarder.close();
    }
  });

  const invalid: { name: string; hostPort: number; target: { ip: string; port: number }; code: ForwarderErrorCode }[] = [
    { name: "host port 0", hostPort: 0, target: { ip: "127.0.0.1", port: 80 }, code: "InvalidHostPort" },
    { name: "host port 65536", hostPort: 65536, target: { ip: "127.0.0.1", port: 80 }, code: "InvalidHostPort" },
    { name: "an IPv6 target", hostPort: 30080, target: { ip: "::1", port: 80 }, code: "InvalidTarget" },
    { name: "target port 0", hostPort: 30080, target: { ip: "127.0.0.1", port: 0 }, code: "InvalidTarget" },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name} before listening`, async () => {
      const forwarder = new HostForwarder({ socketPath });
      await assert.rejects(forwarder.publish(c.hostPort, c.target), failsWith(c.code));
      assert.equal(forwarder.published().size, 0);
    });
  }

  it("closes a client at once when the relay refuses the target", async () => {
    const forwarder = new HostForwarder({ socketPath });
    try {
      const hostPort = await freePort();
      await forwarder.publish(hostPort, { ip: "172.17.8.101", port: 30080 });
      const got = await ask(hostPort, "GET / HTTP/1.0\r\n\r\n");
      assert.deepEqual(got.data, "");
      assert.ok(got.ms < 1000, `took ${got.ms} ms`);
    } finally {
      await forwarder.close();
    }
  });

  it("closes a client at once when no relay listens", async () => {
    const logs: string[] = [];
    const forwarder = new HostForwarder({ socketPath: join(dir, "nobody.sock"), log: (l) => logs.push(l) });
    try {
      const hostPort = await freePort();
      await forwarder.publish(hostPort, { ip: "127.0.0.1", port: alphaPort });
      const got = await ask(hostPort, "hello");
      assert.equal(got.data, "");
      assert.ok(got.ms < 1000, `took ${got.ms} ms`);
      assert.deepEqual(logs, [`forwarder: 127.0.0.1:${hostPort}: relay ${join(dir, "nobody.sock")}: ENOENT`]);
    } finally {
      await forwarder.close();
    }
  });

  it("unpublish stops listening and drops open connections; close rejects later publishes", async () => {
    const forwarder = new HostForwarder({ socketPath });
    const hostPort = await freePort();
    await forwarder.publish(hostPort, { ip: "127.0.0.1", port: alphaPort });
    const open = connect({ host: "127.0.0.1", port: hostPort });
    open.on("error", () => undefined);
    await once(open, "connect");
    open.write("still talking");
    await new Promise((resolve) => setTimeout(resolve, 50));

    const closed = new Promise((resolve) => open.once("close", resolve));
    await forwarder.unpublish(hostPort);
    await closed;
    assert.equal(forwarder.published().size, 0);
    assert.equal(await connectError(hostPort), "ECONNREFUSED");

    // The port is free again for anyone, the forwarder included.
    await forwarder.publish(hostPort, { ip: "127.0.0.1", port: alphaPort });
    assert.equal((await ask(hostPort, "back")).data, "alpha:back");
    await forwarder.close();
    assert.equal(forwarder.published().size, 0);
    await assert.rejects(forwarder.publish(hostPort, { ip: "127.0.0.1", port: alphaPort }), failsWith("ForwarderClosed"));
  });

  it("unpublish while the listener is still opening leaves no listener", async () => {
    const forwarder = new HostForwarder({ socketPath });
    const hostPort = await freePort();
    const publishing = forwarder.publish(hostPort, { ip: "127.0.0.1", port: alphaPort });
    await forwarder.unpublish(hostPort);
    await publishing;
    assert.equal(forwarder.published().size, 0);
    assert.equal(await connectError(hostPort), "ECONNREFUSED");
  });
});
