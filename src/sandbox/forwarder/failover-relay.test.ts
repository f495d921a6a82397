import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FailoverRelay } from "./failover-relay.js";

/** A TCP server on 127.0.0.1 that answers each connection with `name:` and echoes what it reads. */
async function namedEcho(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer({ allowHalfOpen: true }, (s) => {
    s.write(`${name}:`);
    s.pipe(s);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: (server.address() as AddressInfo).port };
}

/** Sends `text` through the unix socket, half-closes, and returns everything that came back. */
async function roundTrip(path: string, text: string): Promise<string> {
  const s: Socket = connect({ path, allowHalfOpen: true });
  let got = "";
  s.on("data", (d: Buffer) => (got += d.toString()));
  s.end(text);
  await new Promise<void>((resolve) => {
    s.once("close", () => resolve());
    s.once("error", () => resolve());
  });
  return got;
}

describe("FailoverRelay", () => {
  const dir = mkdtempSync(join(tmpdir(), "svcnet-failover-relay-test-"));
  let first: { server: Server; port: number };
  let second: { server: Server; port: number };
  let relay: FailoverRelay;
  before(async () => {
    first = await namedEcho("first");
    second = await namedEcho("second");
    relay = new FailoverRelay({ socketPath: join(dir, "api.sock"), targets: [{ ip: "127.0.0.1", port: first.port }, { ip: "127.0.0.1", port: second.port }], connectTimeoutMs: 1000 });
    await relay.listen();
  });
  after(async () => {
    await relay.close();
    first.server.close();
    second.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("joins a connection to the first replica, bytes both ways", async () => {
    assert.equal(await roundTrip(relay.socketPath, "hello"), "first:hello");
  });

  it("goes to the next replica once the first is gone", async () => {
    await new Promise<void>((resolve) => first.server.close(() => resolve()));
    assert.equal(await roundTrip(relay.socketPath, "again"), "second:again");
  });

  it("drops the connection when no replica accepts", async () => {
    await new Promise<void>((resolve) => second.server.close(() => resolve()));
    assert.equal(await roundTrip(relay.socketPath, "nobody"), "");
  });
});
