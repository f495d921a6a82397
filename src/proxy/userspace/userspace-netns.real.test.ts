// The userspace proxy as root, in a network namespace of the test's own: the proxier (in a child
// process inside the namespace) puts the ClusterIPs 10.0.0.252 and .253 on a dummy interface with
// a unique name and proxies them to backends; a client in the namespace reaches three backends
// round robin through the first, and through the second gets past an endpoint that never answers
// after one connect timeout; closing the proxier deletes the interface. Traffic stays inside the
// namespace. The namespace is deleted even when the test fails.

import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

const isRoot = process.getuid?.() === 0;

function run(argv: string[], timeoutMs = 10_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { timeout: timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Waits for a line starting with one of `prefixes` on the child's stdout. */
function lineFrom(child: ChildProcess, prefixes: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error(`no ${prefixes.join("/")} line from the child within ${timeoutMs} ms; got: ${buffered}`)), timeoutMs);
    const onData = (d: Buffer): void => {
      buffered += d.toString();
      const line = buffered.split("\n").find((l) => prefixes.some((p) => l.startsWith(p)));
      if (line === undefined) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      resolve(line);
    };
    child.stdout?.on("data", onData);
  });
}

/** One TCP request (to argv host, port) from inside the namespace: connect, half-close, print the answer. */
function clientScript(): string {
  return [
    "const t0 = Date.now(); const s = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]), allowHalfOpen: true });",
    "let out = ''; s.on('connect', () => s.end()); s.on('data', (d) => (out += d));",
    "s.on('end', () => { process.stdout.write(out.trim() + ' ' + (Date.now() - t0) + 'ms'); s.end(); });",
    "s.on('error', (e) => process.stdout.write('error:' + e.code));",
  ].join("");
}

test("userspace proxy in a namespace: ClusterIPs on the dummy interface, round robin, connect timeout, interface removed on close", { skip: isRoot ? false : "needs root (network namespaces)" }, async () => {
  const id = randomBytes(4).toString("hex");
  const netns = `svcnet-${id}-us`;
  const iface = `svu${id}`;
  const vip = "10.0.0.252";
  const childPath = join(import.meta.dirname, "testdata", "netns-proxy-child.js");
  let child: ChildProcess | undefined;
  try {
    assert.equal((await run(["ip", "netns", "add", netns])).code, 0);
    assert.equal((await run(["ip", "-n", netns, "link", "set", "lo", "up"])).code, 0);
    // 10.9.0.2 is on a port-less bridge of the namespace: its SYNs go nowhere (ARP is never
    // answered), so connects to it time out rather than fail.
    const bridge = `svb${id}`;
    for (const argv of [
      ["link", "add", bridge, "type", "bridge"],
      ["address", "add", "10.9.0.1/24", "dev", bridge],
      ["link", "set", bridge, "up"],
    ]) {
      assert.equal((await run(["ip", "-n", netns, ...argv])).code, 0, argv.join(" "));
    }
    const config = { iface, vip, port: 8000, backendIPs: ["127.0.0.11", "127.0.0.12", "127.0.0.13"], backendPort: 8080, slowVip: "10.0.0.253", deadEndpoint: "10.9.0.2" };
    child = spawn("ip", ["netns", "exec", netns, process.execPath, childPath, JSON.stringify(config)], { stdio: ["pipe", "pipe", "inherit"] });
    const ready = await lineFrom(child, ["ready", "failed"], 15_000);
    assert.match(ready, /^ready /, ready);
    const result = JSON.parse(ready.slice(6)) as { listening: number; addressesAdded: string[]; failures: unknown[] };
    assert.deepEqual(result.failures, []);
    assert.equal(result.listening, 2);
    assert.deepEqual(result.addressesAdded, [vip, "10.0.0.253"]);

    const addrs = await run(["ip", "-n", netns, "-o", "-4", "address", "show", "dev", iface]);
    assert.match(addrs.stdout, /inet 10\.0\.0\.252\/32/, "the ClusterIP is on the dummy interface");

    const ask = async (ip: string): Promise<{ answer: string; ms: number }> => {
      const out = (await run(["ip", "netns", "exec", netns, process.execPath, "-e", clientScript(), ip, "8000"])).stdout;
      const m = /^(.*) (\d+)ms$/.exec(out);
      return { answer: m?.[1] ?? out, ms: Number(m?.[2] ?? -1) };
    };
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) answers.push((await ask(vip)).answer);
    assert.deepEqual(answers, ["b1 0", "b2 0", "b3 0"]);

    // The slow service: the first connection tries the silent endpoint first (it sorts first),
    // gives up after the first 250 ms timeout and is served by b1; the second goes to b1 at once.
    const slow1 = await ask("10.0.0.253");
    const slow2 = await ask("10.0.0.253");
    assert.equal(slow1.answer, "b1 0");
    assert.ok(slow1.ms >= 240 && slow1.ms < 2000, `first connection waited one connect timeout, not the kernel's: ${slow1.ms} ms`);
    assert.equal(slow2.answer, "b1 0");
    assert.ok(slow2.ms < 240, `second connection went straight to b1: ${slow2.ms} ms`);

    child.stdin?.write("stop\n");
    assert.equal(await lineFrom(child, ["closed"], 10_000), "closed");
    const link = await run(["ip", "-n", netns, "link", "show", "dev", iface]);
    assert.notEqual(link.code, 0, "the interface is gone after close");
  } finally {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await run(["ip", "netns", "del", netns]);
  }
});
