// `svcnet server` on a real 3-member etcd cluster (root: one member per control-plane namespace)
// while members die: with the leader killed (SIGKILL) writes carry on through the others; with a
// second member killed (no quorum) every write fails within a bound as one clear kubectl line
// (503 ServiceUnavailable, or 504 Timeout), reads from the watch cache (resourceVersion=0) and
// watches keep working, /readyz fails and /livez does not; when a member returns, writes work
// again without restarting the server and a watch opened before the outage has missed nothing.
// The server runs inside cp-1 and every request is made from inside cp-1 to its loopback (the
// host sends nothing to a sandbox address). Prints its figures.

import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { destroyByPrefix, listNamespaces } from "../../src/sandbox/destroy-by-prefix.js";
import { ExecIpRunner } from "../../src/sandbox/ip-runner.js";
import type { EtcdCluster } from "../../src/sandbox/control-plane/etcd-cluster.js";
import { startEtcdCluster } from "../../src/sandbox/control-plane/etcd-cluster.js";
import { inNetns } from "../../src/sandbox/control-plane/etcd-member-plan.js";
import type { ServerReplicaProcess } from "../../src/sandbox/control-plane/server-replica.js";
import { planServerReplicas, startServerReplica } from "../../src/sandbox/control-plane/server-replica.js";
import { waitFor } from "./helpers/wait-for.js";

const skip = process.getuid?.() === 0 ? false : "needs root (network namespaces)";

/**
 * What the API answers when etcd has no quorum, as kubectl prints it: one line. (kubectl adds
 * `error when creating "<file>": ` for -f, and `kubectl create configmap` words any error its own
 * way: "error: failed to create configmap: <message>".)
 */
const outageLine =
  /^(Error from server \((ServiceUnavailable|Timeout)\): (error when [a-z]+ "[^"]+": )?|error: failed to create configmap: )storage unavailable: (etcd has no leader|etcd did not answer in time|no etcd member could be reached)[^\n]* \[172\.17\.8\.1\d:2379: [^\n]+\]$/;

/** The bound on a write's time to fail (kubectl's own start-up included). */
const WRITE_ERROR_BOUND_MS = 8000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(argv: readonly string[], o: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<Run> {
  const [program, ...args] = argv;
  const started = Date.now();
  return new Promise((resolve) => {
    const p = execFile(program, args, { env: o.env ?? process.env, timeout: o.timeoutMs ?? 30_000, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr, ms: Date.now() - started });
    });
    if (o.input !== undefined) p.stdin?.end(o.input);
  });
}

/**
 * ConfigMap creates through the API from inside `netns` for `durationMs`, by `loops` writers
 * one after the other each (so that some write is always in flight): each one's start and end
 * (ms since the script started) and status, as JSON on stdout.
 */
const writerScript = `
  const https = await import("node:https");
  const [url, token, ca, durationMs, prefix, loops] = process.argv.slice(1);
  const agent = new https.Agent({ ca, keepAlive: true });
  const post = (name) => new Promise((resolve) => {
    const body = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { k: "v" } });
    const req = https.request(url + "/api/v1/namespaces/default/configmaps", { method: "POST", agent, timeout: 15000,
      headers: { authorization: "Bearer " + token, "content-type": "application/json" } }, (res) => {
      let text = ""; res.on("data", (d) => (text += d)); res.on("end", () => resolve({ status: res.statusCode, text }));
    });
    req.on("error", (e) => resolve({ status: 0, text: String(e) }));
    req.on("timeout", () => req.destroy(new Error("client timeout")));
    req.end(body);
  });
  const t0 = performance.now();
  const writes = [];
  const loop = async (l) => {
    for (let i = 0; performance.now() - t0 < Number(durationMs); i++) {
      const start = performance.now() - t0;
      const r = await post(prefix + l + "-" + i);
      const message = r.status === 201 ? undefined : (() => { try { return JSON.parse(r.text).message; } catch { return r.text; } })();
      writes.push({ name: prefix + l + "-" + i, start, end: performance.now() - t0, status: r.status, message });
    }
  };
  await Promise.all(Array.from({ length: Number(loops) }, (_, l) => loop(l)));
  writes.sort((a, b) => a.end - b.end);
  console.log(JSON.stringify(writes));
  agent.destroy();`;

interface Write {
  name: string;
  start: number;
  end: number;
  status: number;
  message?: string;
}

describe("svcnet server when etcd loses members", { skip }, () => {
  const runner = new ExecIpRunner();
  const id = `q${randomBytes(4).toString("hex")}`;
  const prefix = `svcnet-${id}-`;
  const cp1 = `${prefix}cp-1`;
  const scratch = mkdtempSync(join(tmpdir(), `svcnet-${id}-quorum-`));
  const home = join(scratch, "home");
  const figures: string[] = [];
  let cluster: EtcdCluster | undefined;
  let server: ServerReplicaProcess | undefined;
  let watcher: ChildProcess | undefined;
  let watchOutput = "";
  let kubeconfig = "";
  let url = "";
  let token = "";
  let ca = "";
  const stopped: string[] = [];

  const kubectl = (args: string[], timeoutMs = 30_000): Promise<Run> =>
    run(inNetns(cp1, ["kubectl", ...args]), { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, KUBECONFIG: kubeconfig }, timeoutMs });
  /** A request with curl from inside cp-1: status code and body. */
  const curl = async (path: string, o: { maxTimeS?: number; auth?: boolean } = {}): Promise<{ status: number; body: string }> => {
    const r = await run(
      inNetns(cp1, [
        "curl", "-sS", "--max-time", String(o.maxTimeS ?? 10), "--cacert", join(scratch, "ca.crt"), "-w", "\n%{http_code}",
        ...(o.auth === false ? [] : ["-H", `Authorization: Bearer ${token}`]), `${url}${path}`,
      ]),
    );
    const cut = r.stdout.lastIndexOf("\n");
    return { status: Number(r.stdout.slice(cut + 1)), body: r.stdout.slice(0, cut) };
  };
  const leaderName = async (): Promise<string> => {
    const c = cluster as EtcdCluster;
    const status = await run(inNetns(cp1, ["/usr/bin/etcdctl", `--endpoints=${c.plan.clientUrls.join(",")}`, "endpoint", "status", "-w", "json"]));
    // Member ids are 64-bit: quote them before JSON.parse so none is rounded.
    const entries = JSON.parse(status.stdout.replace(/"(member_id|leader)":(\d+)/g, '"$1":"$2"')) as { Endpoint: string; Status: { header: { member_id: string }; leader: string } }[];
    const leader = entries.find((e) => e.Status.header.member_id === e.Status.leader);
    const name = c.plan.members.find((m) => m.clientUrl === leader?.Endpoint)?.name;
    assert.ok(name, `no leader in ${status.stdout}${status.stderr}`);
    return name;
  };
  const watchEvents = (): { type: string; object: { metadata?: { name?: string } } }[] =>
    watchOutput
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { type: string; object: { metadata?: { name?: string } } });
  const runWriter = (durationMs: number, namePrefix: string, loops: number): { done: Promise<Write[]> } => {
    const child = spawn("ip", ["netns", "exec", cp1, process.execPath, "--input-type=module", "-e", writerScript, url, token, ca, String(durationMs), namePrefix, String(loops)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const done = new Promise<Write[]>((resolve, reject) => {
      child.once("close", (code) => (code === 0 ? resolve(JSON.parse(out) as Write[]) : reject(new Error(`writer exited ${code}: ${err}`))));
    });
    return { done };
  };

  before(async () => {
    cluster = await startEtcdCluster({ id });
    const [plan] = planServerReplicas(cluster.controlPlane, { count: 1, store: cluster.plan.storeSpec, dataRoot: join(scratch, "servers"), port: 6443 });
    server = await startServerReplica(plan);
    kubeconfig = join(plan.dataDir, "kubeconfig");
    await waitFor("the server's kubeconfig", () => existsSync(kubeconfig), { timeoutMs: 30_000 });
    const config = readFileSync(kubeconfig, "utf8");
    url = /server: (\S+)/.exec(config)?.[1] ?? "";
    token = /token: (\S+)/.exec(config)?.[1] ?? "";
    ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(config)?.[1] ?? "", "base64").toString();
    writeFileSync(join(scratch, "ca.crt"), ca);
    assert.match(url, /^https:\/\/127\.0\.0\.1:6443$/);
    await waitFor("/readyz ok", async () => (await curl("/readyz", { auth: false, maxTimeS: 3 })).body === "ok", { timeoutMs: 30_000 });
  });

  after(async () => {
    try {
      watcher?.kill("SIGKILL");
      await server?.stop("SIGTERM", 5000);
      await cluster?.destroy();
    } finally {
      await destroyByPrefix(runner, { id }).catch(() => []);
      rmSync(scratch, { recursive: true, force: true });
      assert.deepEqual(await listNamespaces(runner, prefix), []);
      for (const line of figures) console.log(`# figure: ${line}`);
    }
  });

  test("a watch opened before any fault", async () => {
    const made = await kubectl(["create", "configmap", "base", "--from-literal=k=v", "-o", "jsonpath={.metadata.resourceVersion}"]);
    assert.equal(made.code, 0, made.stderr);
    const rv = made.stdout.trim();
    watcher = spawn(
      "ip",
      ["netns", "exec", cp1, "curl", "-sSN", "--cacert", join(scratch, "ca.crt"), "-H", `Authorization: Bearer ${token}`,
        `${url}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=900`],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    watcher.stdout?.on("data", (d: Buffer) => (watchOutput += d.toString()));
    const check = await kubectl(["create", "configmap", "watched", "--from-literal=k=v"]);
    assert.equal(check.code, 0, check.stderr);
    await waitFor("the watch to see a create", () => watchEvents().some((e) => e.object.metadata?.name === "watched"));
  });

  test("one member killed (the leader): writes carry on through the other members", async () => {
    const c = cluster as EtcdCluster;
    const leader = await leaderName();
    const spawnedAt = Date.now();
    const writer = runWriter(6000, "one-down-", 4);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const killedAt = Date.now() - spawnedAt;
    await c.stopMember(leader, "SIGKILL");
    stopped.push(leader);
    const writes = await writer.done;
    const failed = writes.filter((w) => w.status !== 201);
    let gap = 0;
    for (let i = 1; i < writes.length; i++) gap = Math.max(gap, writes[i].end - writes[i - 1].end);
    const slowest = Math.max(...writes.map((w) => w.end - w.start));
    figures.push(
      `one etcd member (the leader, ${leader}) SIGKILLed under 4 concurrent write loops: ${writes.length} writes, ${failed.length} failed, ` +
        `longest gap between completed writes ${gap.toFixed(0)} ms, slowest write ${slowest.toFixed(0)} ms (killed ${killedAt} ms after the writers started)`,
    );
    for (const w of failed) figures.push(`  failed write ${w.name}: ${w.status} after ${(w.end - w.start).toFixed(0)} ms: ${w.message ?? ""}`);
    // Even the write in flight when the leader died succeeds: a create whose attempt timed out
    // is tried on another member, and recognised if the first attempt landed after all.
    assert.deepEqual(failed, [], "writes failed with one member down");
    assert.ok(gap < 3000, `writes stalled ${gap.toFixed(0)} ms`);
    const after = await kubectl(["create", "configmap", "one-down-kubectl", "--from-literal=k=v"]);
    assert.equal(after.code, 0, after.stderr);
    assert.ok(writes.length > 20, `only ${writes.length} writes in 6 s`);
  });

  test("two members killed: every write fails within the bound as one clear line", async () => {
    const c = cluster as EtcdCluster;
    const second = c.plan.members.map((m) => m.name).find((n) => !stopped.includes(n) && n !== "etcd-1") ?? "";
    await c.stopMember(second, "SIGKILL");
    stopped.push(second);
    const file = join(scratch, "base.yaml");
    writeFileSync(file, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\ndata:\n  k: replaced\n");
    const created = join(scratch, "during.yaml");
    writeFileSync(created, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: during-outage\ndata:\n  k: v\n");
    const cases: { name: string; args: string[] }[] = [
      { name: "create -f (right after the kill)", args: ["create", "-f", created] },
      { name: "create configmap", args: ["create", "configmap", "during-outage-2", "--from-literal=k=v"] },
      { name: "update (replace)", args: ["replace", "-f", file] },
      { name: "patch", args: ["patch", "configmap", "base", "--type=merge", "-p", '{"data":{"k":"patched"}}'] },
      { name: "delete", args: ["delete", "configmap", "base", "--wait=false"] },
    ];
    for (const cse of cases) {
      const r = await kubectl(cse.args);
      figures.push(`two members down, kubectl ${cse.name}: exit ${r.code} after ${r.ms} ms: ${r.stderr.trim()}`);
      assert.notEqual(r.code, 0, `${cse.name} succeeded without quorum: ${r.stdout}`);
      assert.match(r.stderr.trim(), outageLine, cse.name);
      assert.ok(r.ms <= WRITE_ERROR_BOUND_MS, `${cse.name} took ${r.ms} ms`);
    }
  });

  test("two members killed: the watch cache serves resourceVersion=0 reads and watches; quorum reads fail clearly", async () => {
    const list = await kubectl(["get", "--raw", "/api/v1/namespaces/default/configmaps?resourceVersion=0"]);
    assert.equal(list.code, 0, list.stderr);
    const names = (JSON.parse(list.stdout) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name);
    assert.ok(names.includes("base") && names.includes("watched"), names.join(","));
    const get = await kubectl(["get", "--raw", "/api/v1/namespaces/default/configmaps/base?resourceVersion=0"]);
    assert.equal(get.code, 0, get.stderr);
    assert.equal((JSON.parse(get.stdout) as { data: { k: string } }).data.k, "v");
    // A new watch from a recent revision starts (and runs until its own timeout, with no ERROR).
    const rv = (JSON.parse(list.stdout) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const watch = await curl(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=1`);
    assert.equal(watch.status, 200, watch.body);
    assert.doesNotMatch(watch.body, /"ERROR"/);
    const quorumList = await kubectl(["get", "configmaps"]);
    figures.push(`two members down, kubectl get configmaps (a consistent list): exit ${quorumList.code} after ${quorumList.ms} ms: ${quorumList.stderr.trim()}`);
    assert.notEqual(quorumList.code, 0);
    assert.match(quorumList.stderr.trim(), outageLine);
    assert.ok(quorumList.ms <= WRITE_ERROR_BOUND_MS, `took ${quorumList.ms} ms`);
  });

  test("two members killed: /readyz fails on etcd, /livez is ok, the server runs on", async () => {
    const ready = await curl("/readyz", { auth: false });
    assert.equal(ready.status, 503, ready.body);
    assert.match(ready.body, /\[-\]etcd failed/);
    const live = await curl("/livez", { auth: false });
    assert.equal(live.status, 200);
    assert.equal(live.body, "ok");
    assert.equal(server?.running(), true, server?.outputTail());
  });

  test("a member back (quorum again): writes work again without a restart, and the old watch missed nothing", async () => {
    const c = cluster as EtcdCluster;
    const back = stopped.pop() ?? "";
    const restarted = Date.now();
    await c.startMember(back);
    let attempts = 0;
    await waitFor(
      "a write to succeed after quorum is back",
      async () => {
        attempts++;
        return (await kubectl(["create", "configmap", "after-recovery", "--from-literal=k=v"], 15_000)).code === 0;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    figures.push(`quorum back (${back} restarted) → first successful kubectl create: ${Date.now() - restarted} ms (${attempts} attempts)`);
    await waitFor("the watch opened before the outage to see the create after it", () => watchEvents().some((e) => e.object.metadata?.name === "after-recovery"), {
      timeoutMs: 15_000,
      state: () => watchOutput.slice(-500),
    });
    const events = watchEvents();
    assert.equal(events.filter((e) => e.type === "ERROR").length, 0, watchOutput.slice(-2000));
    // Every write acknowledged during the faults reached the watcher.
    const list = await kubectl(["get", "configmaps", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"]);
    assert.equal(list.code, 0, list.stderr);
    const seen = new Set(events.map((e) => e.object.metadata?.name));
    const missed = list.stdout.split("\n").filter((n) => n && n !== "base" && n !== "kube-root-ca.crt" && !seen.has(n));
    assert.deepEqual(missed, []);
    await waitFor("/readyz ok again", async () => (await curl("/readyz", { auth: false })).body === "ok", { timeoutMs: 15_000 });
    figures.push(`/readyz ok again ${Date.now() - restarted} ms after the restart`);
    for (const name of stopped.splice(0)) await c.startMember(name);
    await c.waitHealthy(undefined, 30_000);
    assert.equal(server?.running(), true, server?.outputTail());
  });
});
