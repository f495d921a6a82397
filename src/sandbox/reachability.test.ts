import assert from "node:assert/strict";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { FakeIpRunner } from "./fake-ip-runner.js";
import { ExecIpRunner, IpCommandError } from "./ip-runner.js";
import type { IpRunner } from "./ip-runner.js";
import { detectProbeMethod, probeArgs, probeReachable } from "./reachability.js";

describe("probeArgs", () => {
  it("runs ping once inside the namespace", () => {
    assert.deepEqual(probeArgs({ from: "ns", to: "10.1.13.2", method: "icmp", timeoutMs: 1500 }), [
      "netns", "exec", "ns", "ping", "-n", "-q", "-c", "1", "-W", "2", "10.1.13.2",
    ]);
  });

  it("runs a node TCP probe inside the namespace", () => {
    const args = probeArgs({ from: "ns", to: "10.1.13.2", method: "tcp", nodePath: "/usr/bin/node" });
    assert.deepEqual(args.slice(0, 5), ["netns", "exec", "ns", "/usr/bin/node", "-e"]);
    assert.deepEqual(args.slice(6), ["10.1.13.2", "9", "1000"]);
  });
});

describe("probeReachable", () => {
  const cases: { name: string; script: (ip: FakeIpRunner) => void; want: boolean }[] = [
    { name: "success is reachable", script: () => undefined, want: true },
    { name: "a failed probe is unreachable", script: (ip) => ip.failWhen(() => true, "EHOSTUNREACH", { exitCode: 1 }), want: false },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const ip = new FakeIpRunner();
      ip.addNamespace("ns");
      c.script(ip);
      assert.equal(await probeReachable(ip, { from: "ns", to: "10.1.13.2", method: "tcp" }), c.want);
    });
  }

  it("rethrows when the namespace does not exist", async () => {
    await assert.rejects(probeReachable(new FakeIpRunner(), { from: "ns", to: "10.1.13.2", method: "tcp" }), IpCommandError);
  });

  it("rethrows when the probe could not run", async () => {
    const runner: IpRunner = { ip: (args) => Promise.reject(new IpCommandError(args, { stderr: "" })) };
    await assert.rejects(probeReachable(runner, { from: "ns", to: "10.1.13.2", method: "tcp" }), IpCommandError);
  });

  it("the TCP probe script counts a reset (closed port on loopback) as reachable", async () => {
    // Runs the generated script without `ip netns exec <ns>`; the unreachable case is proved by
    // the real sandbox test.
    const direct: IpRunner = { ip: (args) => new ExecIpRunner({ program: args[3] }).ip(args.slice(4)) };
    assert.equal(await probeReachable(direct, { from: "-", to: "127.0.0.1", method: "tcp", port: 1 }), true);
  });
});

describe("detectProbeMethod", () => {
  it("picks icmp only when an executable ping is on PATH", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "svcnet-probe-"));
    try {
      assert.equal(await detectProbeMethod({ PATH: dir }), "tcp");
      await writeFile(path.join(dir, "ping"), "#!/bin/sh\n");
      assert.equal(await detectProbeMethod({ PATH: dir }), "tcp");
      await chmod(path.join(dir, "ping"), 0o755);
      assert.equal(await detectProbeMethod({ PATH: `/nonexistent${path.delimiter}${dir}` }), "icmp");
      assert.equal(await detectProbeMethod({}), "tcp");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
