// The real kernel and the real Debian etcd: a 3-member cluster, one member per control-plane
// namespace on the sandbox underlay. It forms, replicates, survives one member down, refuses
// writes (but serves serializable reads) with two down, heals on restart, elects a new leader when
// the leader is killed, serves a `svcnet server` running inside a machine, and leaves nothing
// behind. Needs root; every packet stays in svcnet-<id>-* (the host only runs `ip netns exec`).

import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { destroyByPrefix, listNamespaces } from "../destroy-by-prefix.js";
import { ExecIpRunner } from "../ip-runner.js";
import { buildSandboxNetwork } from "../sandbox-network.js";
import { planTopology } from "../topology-plan.js";
import type { EtcdCluster } from "./etcd-cluster.js";
import { startEtcdCluster } from "./etcd-cluster.js";
import { inNetns } from "./etcd-member-plan.js";

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : "needs root to create network namespaces (CI runs as root)";

/**
 * etcdctl's deadline while timing a recovery: a put issued while there is no leader hangs this
 * long, so it bounds the figures' resolution (plus ~20 ms to start etcdctl).
 */
const RETRY_TIMEOUT_MS = 250;

/** Runs argv to completion; resolves with its exit code and output, never rejects. */
function run(argv: readonly string[], timeoutMs = 20_000): Promise<{ code: number; stdout: string; stderr: string }> {
  const [program, ...args] = argv;
  return new Promise((resolve) => {
    execFile(program, args, { timeout: timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
      // A program that could not start or was killed has no exit code: keep why, for the assertion's message.
      const why = error && typeof error.code !== "number" ? `${error.message}\n` : "";
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr: why + stderr });
    });
  });
}

/** Time until `attempt` first succeeds, retrying every 50 ms; rejects after `timeoutMs`. */
async function timeUntil(attempt: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await attempt()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`still failing after ${timeoutMs} ms`);
}

/** Sequential puts through etcd's JSON gateway from inside `netns`: per-request latencies in ms. */
async function measurePuts(netns: string, url: string, count: number): Promise<number[]> {
  const script = `
    const lat = [];
    for (let i = 0; i < ${count}; i++) {
      const body = JSON.stringify({ key: Buffer.from("bench/" + i).toString("base64"), value: Buffer.from("v" + i).toString("base64") });
      const t = performance.now();
      const r = await fetch(${JSON.stringify(`${url}/v3/kv/put`)}, { method: "POST", body });
      await r.text();
      if (!r.ok) throw new Error("put " + i + ": " + r.status);
      lat.push(performance.now() - t);
    }
    console.log(JSON.stringify(lat));`;
  const result = await run(inNetns(netns, [process.execPath, "--input-type=module", "-e", script]), 60_000);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as number[];
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

describe("a 3-member etcd cluster on the sandbox underlay", { skip }, () => {
  const runner = new ExecIpRunner();
  const id = `e${randomBytes(4).toString("hex")}`;
  const prefix = `svcnet-${id}-`;
  const figures: string[] = [];
  let cluster: EtcdCluster;
  let dataRoot = "";

  const put = (via: string, key: string, value: string, timeoutMs = 2000) => cluster.etcdctl(via, ["put", key, value], timeoutMs);
  const get = (via: string, key: string, consistency: "l" | "s" = "l", timeoutMs = 2000) =>
    cluster.etcdctl(via, ["get", key, "--print-value-only", `--consistency=${consistency}`], timeoutMs);

  /** The member that leads now, asked from cp-1 across every member's underlay address. */
  const leaderName = async (): Promise<string> => {
    const status = await run(inNetns(`${prefix}cp-1`, ["/usr/bin/etcdctl", `--endpoints=${cluster.plan.clientUrls.join(",")}`, "endpoint", "status", "-w", "json"]));
    assert.equal(status.code, 0, status.stderr);
    // Member ids are 64-bit: quote them before JSON.parse so none is rounded.
    const entries = JSON.parse(status.stdout.replace(/"(member_id|leader)":(\d+)/g, '"$1":"$2"')) as { Endpoint: string; Status: { header: { member_id: string }; leader: string } }[];
    const leader = entries.find((e) => e.Status.header.member_id === e.Status.leader);
    assert.ok(leader, status.stdout);
    const name = cluster.plan.members.find((m) => m.clientUrl === leader.Endpoint)?.name;
    assert.ok(name, leader.Endpoint);
    return name;
  };

  before(async () => {
    cluster = await startEtcdCluster({ id, members: 3 });
    dataRoot = cluster.plan.members[0].dataDir.replace(/\/etcd-1$/, "");
    figures.push(`formation (3 members start → all healthy): ${cluster.formationMs} ms`);
  });

  after(async () => {
    try {
      await cluster?.destroy();
    } finally {
      // Nothing left: no namespace, no data dir, no etcd of this sandbox.
      assert.deepEqual(await listNamespaces(runner, prefix), []);
      assert.equal(existsSync(dataRoot), false, `${dataRoot} still exists`);
      // pgrep exits 1 when nothing matches (2 would be a usage error, which must not pass).
      const ps = await run(["pgrep", "-f", `initial-cluster-token=svcnet-${id}`]);
      assert.equal(ps.code, 1, `etcd processes left behind: ${ps.stdout}${ps.stderr}`);
      for (const line of figures) console.log(`# figure: ${line}`);
    }
  });

  it("forms with every member started and reachable on its underlay address", async () => {
    assert.deepEqual(
      cluster.controlPlane.machines.map((m) => [m.netns, m.ip]),
      [1, 2, 3].map((i) => [`${prefix}cp-${i}`, `172.17.8.${10 + i}`]),
    );
    const list = await cluster.etcdctl("etcd-1", ["member", "list", "-w", "json"]);
    assert.equal(list.code, 0, list.stderr);
    const members = (JSON.parse(list.stdout) as { members: { name: string; clientURLs: string[] }[] }).members;
    assert.deepEqual(members.map((m) => [m.name, m.clientURLs]).sort(), [1, 2, 3].map((i) => [`etcd-${i}`, [`http://172.17.8.${10 + i}:2379`]]));
    // From cp-1, every member answers on the underlay (not only on its own loopback).
    const health = await run(inNetns(`${prefix}cp-1`, ["/usr/bin/etcdctl", `--endpoints=${cluster.plan.clientUrls.join(",")}`, "endpoint", "health"]));
    assert.equal(health.code, 0, health.stderr);
    assert.equal((health.stdout + health.stderr).match(/is healthy/g)?.length, 3, health.stdout + health.stderr);
  });

  it("a key written through one member is read through another", async () => {
    const w = await put("etcd-1", "/svcnet-test/a", "one");
    assert.equal(w.code, 0, w.stderr);
    const r = await get("etcd-3", "/svcnet-test/a");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "one");
  });

  it("measures write latency with 3 members", async () => {
    const latencies = await measurePuts(`${prefix}cp-1`, "http://127.0.0.1:2379", 200);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    figures.push(`write latency, 3 members, 200 sequential puts via cp-1: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
    assert.ok(p50 < 500, `p50 ${p50} ms`);
  });

  it("keeps taking writes with one member stopped", async () => {
    await cluster.stopMember("etcd-3");
    assert.equal(cluster.running("etcd-3"), false);
    const w = await put("etcd-1", "/svcnet-test/b", "two");
    assert.equal(w.code, 0, w.stderr);
    const r = await get("etcd-2", "/svcnet-test/b");
    assert.equal(r.stdout.trim(), "two");
  });

  it("refuses writes with two members down, while the third serves serializable reads", async () => {
    await cluster.stopMember("etcd-2", "SIGKILL");
    const w = await put("etcd-1", "/svcnet-test/c", "three", 2000);
    assert.notEqual(w.code, 0, `a write without quorum succeeded: ${w.stdout}`);
    assert.match(w.stderr, /deadline exceeded|timed out|no leader/i);
    const linearizable = await get("etcd-1", "/svcnet-test/b", "l", 2000);
    assert.notEqual(linearizable.code, 0, "a linearizable read without quorum succeeded");
    const serializable = await get("etcd-1", "/svcnet-test/b", "s");
    assert.equal(serializable.code, 0, serializable.stderr);
    assert.equal(serializable.stdout.trim(), "two");
  });

  it("heals when the stopped members restart, and they catch up", async () => {
    await cluster.startMember("etcd-2");
    const recovered = await timeUntil(async () => (await put("etcd-1", "/svcnet-test/d", "four", RETRY_TIMEOUT_MS)).code === 0, 30_000);
    figures.push(`writes back after restarting 1 of 2 stopped members (quorum regained): ${recovered} ms from start`);
    await cluster.startMember("etcd-3");
    await cluster.waitHealthy(undefined, 30_000);
    const onThree = await get("etcd-3", "/svcnet-test/d");
    assert.equal(onThree.stdout.trim(), "four", onThree.stderr);
    const missed = await get("etcd-3", "/svcnet-test/b", "s");
    assert.equal(missed.stdout.trim(), "two", "etcd-3 caught up on a write made while it was down");
  });

  it("elects a new leader when the leader is killed", async () => {
    const leader = await leaderName();
    const survivor = cluster.plan.members.find((m) => m.name !== leader)?.name ?? "";
    await cluster.stopMember(leader, "SIGKILL");
    const recovered = await timeUntil(async () => (await put(survivor, "/svcnet-test/e", "five", RETRY_TIMEOUT_MS)).code === 0, 30_000);
    figures.push(`writes back after SIGKILL of the leader (${leader}): ${recovered} ms`);
    await cluster.startMember(leader);
    const rejoin = Date.now();
    await cluster.waitHealthy([leader], 30_000);
    figures.push(`killed leader restarted → healthy again: ${Date.now() - rejoin} ms`);
  });

  it("keeps writing when a follower's machine loses its network, and it catches up when the link returns", async () => {
    // A follower: cutting off the leader would also be a re-election, timed by the test above.
    const leader = await leaderName();
    const [cut, writer] = cluster.plan.members.filter((m) => m.name !== leader);
    await cluster.network.setLink(cut.machine.name, false);
    try {
      const w = await put(writer.name, "/svcnet-test/f", "six");
      assert.equal(w.code, 0, w.stderr);
      // Cut off, the follower still answers a serializable read from its own (stale) copy.
      const stale = await get(cut.name, "/svcnet-test/f", "s");
      assert.equal(stale.code, 0, stale.stderr);
      assert.equal(stale.stdout.trim(), "");
    } finally {
      await cluster.network.setLink(cut.machine.name, true);
    }
    const caughtUp = await timeUntil(async () => (await get(cut.name, "/svcnet-test/f", "s", RETRY_TIMEOUT_MS)).stdout.trim() === "six", 30_000);
    figures.push(`partitioned follower (link down) sees the missed write after the link is back: ${caughtUp} ms`);
  });

  it("serves a `svcnet server` started inside a control-plane machine", async () => {
    const netns = `${prefix}cp-1`;
    const scratch = mkdtempSync(join(tmpdir(), `svcnet-${id}-server-`));
    const bin = fileURLToPath(new URL("../../../../bin/svcnet.js", import.meta.url));
    const port = 16443;
    const argv = inNetns(netns, [
      process.execPath, bin, "server",
      "--store", cluster.plan.storeSpec,
      // Every address of the machine: 127.0.0.1 for itself, 172.17.8.11 for the rest of the sandbox.
      "--listen", `0.0.0.0:${port}`,
      "--data-dir", join(scratch, "data"),
      "--advertise-address", "172.17.8.11",
    ]);
    let child: ChildProcess | undefined;
    try {
      child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
      const started = child;
      let output = "";
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`svcnet server did not listen within 60 s:\n${output}`)), 60_000);
        const onData = (d: Buffer): void => {
          output += d.toString();
          if (/listening on https:\/\//.test(output)) {
            clearTimeout(timer);
            resolve();
          }
        };
        started.stdout?.on("data", onData);
        started.stderr?.on("data", onData);
        started.once("exit", (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`svcnet server exited (${signal ?? `code ${code}`}):\n${output}`));
        });
      });
      const readyz = await timeUntil(async () => {
        const r = await run(inNetns(netns, ["curl", "-sk", "--max-time", "2", `https://127.0.0.1:${port}/readyz`]));
        return r.code === 0 && r.stdout.trim() === "ok";
      }, 20_000);
      figures.push(`svcnet server in cp-1 on the 3-member cluster: /readyz ok ${readyz} ms after "listening"`);
      // Another machine reaches it on the underlay, as the nodes and a failover forwarder would.
      const fromCp2 = await run(inNetns(`${prefix}cp-2`, ["curl", "-sk", "--max-time", "2", `https://172.17.8.11:${port}/readyz`]));
      assert.equal(fromCp2.stdout.trim(), "ok", fromCp2.stderr);
      // What it wrote is in etcd, seen through another member.
      const keys = await cluster.etcdctl("etcd-2", ["get", "", "--prefix", "--keys-only", "--limit=2000"]);
      assert.equal(keys.code, 0, keys.stderr);
      assert.match(keys.stdout, /services\/.*default\/kubernetes/);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child?.once("exit", resolve));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child?.kill("SIGKILL"), 5000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe("an etcd cluster joining an existing sandbox's underlay", { skip }, () => {
  const runner = new ExecIpRunner();
  const id = `j${randomBytes(4).toString("hex")}`;

  after(async () => {
    await destroyByPrefix(runner, { id });
    assert.deepEqual(await listNamespaces(runner, `svcnet-${id}-`), []);
  });

  it("shares br0 with the nodes, and destroy leaves the sandbox's own namespaces alone", async () => {
    const sandbox = await buildSandboxNetwork(planTopology({ id, nodes: 1 }), runner);
    const cluster = await startEtcdCluster({ id, members: 1 });
    try {
      assert.equal(cluster.network.ownsUnderlay, false);
      // The member is on the underlay, but only the control-plane machines may talk to it
      // (store-guard.ts): a node, whose pods route there too, is refused at once.
      const node = sandbox.nodes[0].netns;
      const fromNode = await run(inNetns(node, ["curl", "-s", "--max-time", "2", "http://172.17.8.11:2379/health"]));
      assert.equal(fromNode.code, 7, `curl from a node: exit ${fromNode.code} ${fromNode.stdout}`);
      const health = await run(inNetns(`svcnet-${id}-cp-1`, ["curl", "-s", "--max-time", "2", "http://172.17.8.11:2379/health"]));
      assert.equal(health.code, 0, health.stderr);
      assert.match(health.stdout, /"health":"true"/);
    } finally {
      await cluster.destroy();
    }
    const left = await listNamespaces(runner, `svcnet-${id}-`);
    assert.deepEqual(left.sort(), [`svcnet-${id}-client`, `svcnet-${id}-core-v2-01`, `svcnet-${id}-underlay`]);
    await sandbox.destroy();
  });

  it("is removed by destroyByPrefix, processes included, when nobody called destroy()", async () => {
    const cluster = await startEtcdCluster({ id, members: 1 });
    const pid = await run(["ip", "netns", "pids", `svcnet-${id}-cp-1`]);
    assert.match(pid.stdout, /\d+/);
    const removed = await destroyByPrefix(runner, { id });
    assert.deepEqual(removed.sort(), [`svcnet-${id}-cp-1`, `svcnet-${id}-underlay`]);
    const member = cluster.plan.members[0].name;
    await timeUntil(async () => !cluster.running(member), 5000);
    await cluster.destroy();
  });
});
