import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PartStatus, SandboxPart, StopSignal } from "./sandbox-part.js";
import type { SandboxControlServer } from "./sandbox-control-server.js";
import { serveSandboxControl } from "./sandbox-control-server.js";
import { SandboxControlClient, controlSocketPath } from "./sandbox-control-client.js";

/** A part that records what it was asked, taking `delayMs` per operation. */
class RecordingPart implements SandboxPart {
  running = true;
  readonly log: string[] = [];
  constructor(
    readonly name: string,
    readonly kind: "etcd" | "apiserver" | "node",
    readonly delayMs = 0,
  ) {}
  async status(): Promise<PartStatus> {
    return { name: this.name, kind: this.kind, running: this.running, ready: this.running, since: "2026-11-27T00:00:00.000Z", detail: "" };
  }
  async stop(signal: StopSignal): Promise<void> {
    this.log.push(`stop ${signal} begin`);
    await new Promise((r) => setTimeout(r, this.delayMs));
    this.running = false;
    this.log.push("stop end");
  }
  async start(): Promise<void> {
    this.log.push("start begin");
    await new Promise((r) => setTimeout(r, this.delayMs));
    this.running = true;
    this.log.push("start end");
  }
}

describe("the sandbox control socket", () => {
  const dir = mkdtempSync(join(tmpdir(), "svcnet-control-"));
  const etcd = new RecordingPart("etcd-1", "etcd", 30);
  const node = new RecordingPart("core-v2-01", "node");
  let server: SandboxControlServer;
  let client: SandboxControlClient;

  before(async () => {
    server = await serveSandboxControl(controlSocketPath(dir), [etcd, node]);
    client = new SandboxControlClient(server.socketPath);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the socket is for its owner only", () => {
    assert.equal(statSync(server.socketPath).mode & 0o777, 0o600);
  });

  test("lists the parts in their order", async () => {
    assert.deepEqual((await client.parts()).map((p) => `${p.kind}/${p.name}`), ["etcd/etcd-1", "node/core-v2-01"]);
  });

  test("stop and start reach the part with the signal asked, and answer its new state", async () => {
    const stopped = await client.stop("etcd-1", "SIGKILL");
    assert.equal(stopped.running, false);
    const started = await client.start("etcd-1");
    assert.equal(started.running, true);
    assert.deepEqual(etcd.log.splice(0), ["stop SIGKILL begin", "stop end", "start begin", "start end"]);
  });

  test("operations on one part asked at once run one after the other", async () => {
    await Promise.all([client.stop("etcd-1"), client.start("etcd-1"), client.stop("etcd-1")]);
    assert.deepEqual(etcd.log.splice(0), ["stop SIGTERM begin", "stop end", "start begin", "start end", "stop SIGTERM begin", "stop end"]);
  });

  test("bad requests get one line saying the fix", async () => {
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => client.stop("etcd-9"), /no part "etcd-9"; the parts are etcd-1, core-v2-01/],
      [() => client.start("nope"), /no part "nope"/],
    ];
    for (const [call, message] of cases) await assert.rejects(call(), message);
    const raw = await fetchOverSocket(server.socketPath, "POST", "/parts/etcd-1/stop?signal=HUP");
    assert.equal(raw.status, 400);
    assert.match(raw.body, /use TERM \(a clean stop\), KILL \(a crash\) or STOP \(a freeze\)/);
    assert.equal((await fetchOverSocket(server.socketPath, "GET", "/parts/etcd-1/stop")).status, 405);
    assert.equal((await fetchOverSocket(server.socketPath, "GET", "/elsewhere")).status, 404);
  });

  test("without a running svcnet up, the client says so", async () => {
    await assert.rejects(new SandboxControlClient(join(dir, "none.sock")).parts(), /is svcnet up running with this --data-dir\?/);
  });
});

async function fetchOverSocket(socketPath: string, method: string, path: string): Promise<{ status: number; body: string }> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}
