// The userspace proxy's data plane against its peers, all on loopback in one run: the same
// backend reached directly, through `svcnet proxy --mode userspace` (the UserspaceProxier, in a
// process of its own, with its ClusterIP in 127.x as in rootless mode), through HAProxy (mode tcp)
// and through socat (fork per connection). Figures: requests/s and p50/p99 latency over fresh
// connections and over one kept-alive connection, and MB/s of bulk transfers; then the
// ratios svcnet ÷ HAProxy (aim ≥ 0.7×), ÷ socat and ÷ direct, and one JSON line.
//
// Every process is a child of this one (backend, proxies, load generator) and is ended at exit.
// HAProxy runs with --haproxy-threads threads (default 1: the svcnet proxy is one thread too).
// Needs `haproxy` and `socat` on PATH (Debian: apt-get install haproxy socat); a missing one is
// skipped and said so.
//
// Run: node dist/bench/userspace-proxy.js [--rounds 3] [--seconds 2] [--concurrency 8] [--bulk-mb 64] [--haproxy-threads 1]
//        [--only direct,svcnet,haproxy,socat]

import type { ChildProcess } from "node:child_process";
import { execFileSync, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EndpointSlice, Service } from "../src/api/types.js";
import { ProxyChangeTracker } from "../src/proxy/change-tracker.js";
import { createProxyMetrics } from "../src/proxy/metrics/proxy-metrics.js";
import { Registry } from "../src/proxy/metrics/registry.js";
import { defaultNodeProxyConfig } from "../src/proxy/types.js";
import { UserspaceProxier } from "../src/proxy/userspace/userspace-proxier.js";
import { summarize } from "./stats.js";
import type { RequestLoad } from "./stats.js";

const REQUEST = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n";
const RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nhello, world\n";

const arg = (name: string, fallback: number, max: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Math.min(max, Math.max(1, Number(process.argv[i + 1]) || fallback)) : fallback;
};
const role = (): string | undefined => {
  const i = process.argv.indexOf("--role");
  return i > 0 ? process.argv[i + 1] : undefined;
};
const param = (name: string): string => {
  const i = process.argv.indexOf(name);
  if (i < 0) throw new Error(`missing ${name}`);
  return process.argv[i + 1];
};

// ---------------------------------------------------------------------------------------------
// Child roles

/** The backend: answers each request with RESPONSE on `port`, and sends `bulkMB` MB then closes on `bulkPort`. */
function runBackend(): void {
  const host = param("--host");
  const bulkBytes = Number(param("--bulk-mb")) * 1024 * 1024;
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  const response = Buffer.from(RESPONSE);
  const http = createServer({ noDelay: true }, (socket) => {
    let pending = "";
    socket.on("data", (d: Buffer) => {
      pending += d.toString("latin1");
      let end: number;
      while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
        pending = pending.slice(end + 4);
        socket.write(response);
      }
    });
    socket.on("error", () => undefined);
  });
  const bulk = createServer((socket) => {
    let left = bulkBytes;
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          socket.once("drain", pump);
          return;
        }
      }
      socket.end();
    };
    socket.on("error", () => undefined);
    pump();
  });
  http.listen({ host, port: Number(param("--port")), backlog: 4096 }, () => {
    bulk.listen({ host, port: Number(param("--bulk-port")) }, () => process.stdout.write("ready\n"));
  });
}

function makeService(name: string, clusterIP: string, port: number): Service {
  return { apiVersion: "v1", kind: "Service", metadata: { namespace: "bench", name }, spec: { type: "ClusterIP", clusterIP, ports: [{ port, protocol: "TCP" }] } };
}

function makeSlice(name: string, ip: string, port: number): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { namespace: "bench", name: `${name}-1`, labels: { "kubernetes.io/service-name": name } },
    addressType: "IPv4",
    endpoints: [{ addresses: [ip], conditions: { ready: true } }],
    ports: [{ port, protocol: "TCP" }],
  };
}

/** The svcnet userspace proxier with two services (request/response and bulk) on one 127.x VIP. */
async function runSvcnetProxy(): Promise<void> {
  const vip = param("--vip");
  const backend = param("--backend");
  const tracker = new ProxyChangeTracker("bench-node");
  const registry = new Registry();
  const proxier = new UserspaceProxier({ tracker, config: { ...defaultNodeProxyConfig, nodeName: "bench-node" }, metrics: createProxyMetrics(registry), registry });
  tracker.onService(undefined, makeService("http", vip, Number(param("--port"))));
  tracker.onSlice(undefined, makeSlice("http", backend, Number(param("--backend-port"))));
  tracker.onService(undefined, makeService("bulk", vip, Number(param("--bulk-port"))));
  tracker.onSlice(undefined, makeSlice("bulk", backend, Number(param("--backend-bulk-port"))));
  const sync = await proxier.sync();
  if (sync.result.failures.length) throw new Error(`listeners failed: ${JSON.stringify(sync.result.failures)}`);
  process.stdout.write("ready\n");
  // Exit (rather than die) on a signal, so that --cpu-prof can write its profile.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(0));
}

/** Reads one RESPONSE (by length) after writing REQUEST; resolves with the latency in ms. */
function exchange(socket: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let got = 0;
    const onData = (d: Buffer): void => {
      got += d.length;
      if (got >= RESPONSE.length) {
        cleanup();
        resolve(performance.now() - start);
      }
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error("closed early"));
    };
    const cleanup = (): void => {
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("end", onEnd);
    };
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("end", onEnd);
    socket.write(REQUEST);
  });
}

function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    const timer = setTimeout(() => socket.destroy(new Error("connect timeout")), 3000);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Requests for `seconds`: `fresh` = one connection per request (connect time included). */
async function loadRequests(host: string, port: number, seconds: number, concurrency: number, fresh: boolean): Promise<RequestLoad> {
  const end = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  let firstError = "";
  const fail = (e: unknown): void => {
    errors++;
    firstError ||= e instanceof Error ? e.message : String(e);
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      let socket: Socket | undefined;
      while (performance.now() < end) {
        const start = performance.now();
        try {
          socket ??= await open(host, port);
          await exchange(socket);
          latencies.push(performance.now() - start);
          if (fresh) {
            socket.end();
            socket = undefined;
          }
        } catch (e) {
          fail(e);
          socket?.destroy();
          socket = undefined;
        }
      }
      socket?.end();
    }),
  );
  const s = summarize(latencies);
  return { requests: s.count, errors, firstError, perSecond: s.count / seconds, p50: s.p50, p99: s.p99 };
}

/** One bulk download; its byte count. */
function download(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const socket = connect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error("bulk transfer over 60 s")), 60_000);
    socket.on("data", (d: Buffer) => (bytes += d.length));
    socket.on("end", () => {
      clearTimeout(timer);
      resolve(bytes);
    });
    socket.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Bulk downloads one after another for `seconds` (at least one); MB/s over all of them. */
async function loadBulk(host: string, port: number, seconds: number): Promise<{ megabytes: number; seconds: number; mbPerSecond: number }> {
  const start = performance.now();
  const end = start + seconds * 1000;
  let bytes = 0;
  do bytes += await download(host, port);
  while (performance.now() < end);
  const took = (performance.now() - start) / 1000;
  return { megabytes: bytes / 1048576, seconds: took, mbPerSecond: bytes / 1048576 / took };
}

/** One phase of load in this process; prints its figures as one JSON line. */
async function runLoad(): Promise<void> {
  const host = param("--host");
  const port = Number(param("--port"));
  const seconds = Number(param("--seconds"));
  const phase = param("--phase");
  const result =
    phase === "fresh"
      ? await loadRequests(host, port, seconds, Number(param("--concurrency")), true)
      : phase === "keepalive"
        ? await loadRequests(host, port, seconds, 1, false)
        : await loadBulk(host, port, seconds);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** CPU seconds a process and its reaped children used so far (/proc/PID/stat), 0 when unknown. */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // Fields 14-17 of stat (utime, stime, cutime, cstime) are 11-14 after the state field.
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // Gone: nothing to add.
    }
  }
  return ticks / 100;
}

// ---------------------------------------------------------------------------------------------
// The orchestrator

const children: ChildProcess[] = [];

function start(argv: string[], readyLine: string | undefined, timeoutMs = 10_000): Promise<ChildProcess> {
  const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  child.once("exit", (code) => {
    // 143 = ended by our SIGTERM at the end of the run (socat exits so).
    if (code && code !== 143) console.error(`${argv[0]} exited ${code}: ${stderr.trim()}`);
  });
  if (readyLine === undefined) return Promise.resolve(child);
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${argv[0]} not ready in ${timeoutMs} ms: ${stderr.trim()}`)), timeoutMs);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes(readyLine)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${argv[0]} exited ${code}: ${stderr.trim()}`));
    });
  });
}

/** Polls until host:port accepts a connection (for peers that print nothing when ready). */
async function waitForPort(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      (await open(host, port)).destroy();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${host}:${port} not accepting after ${timeoutMs} ms`);
}

function hasProgram(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

interface Figures {
  system: string;
  fresh: RequestLoad & { proxyCpu: number };
  keepalive: RequestLoad & { proxyCpu: number };
  bulk: { megabytes: number; seconds: number; mbPerSecond: number; proxyCpu: number };
}

/** Runs one load phase in a child process; adds the proxy's CPU use (cores busy, 0–2) during it. */
async function phase<T>(name: string, argv: string[], proxyPids: readonly number[], timeoutMs: number): Promise<T & { proxyCpu: number }> {
  const self = join(import.meta.dirname, "userspace-proxy.js");
  const cpuBefore = cpuSeconds(proxyPids);
  const started = performance.now();
  const child = await start([process.execPath, self, "--role", "load", ...argv], undefined);
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not finish`)), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const wall = (performance.now() - started) / 1000;
  const proxyCpu = proxyPids.length ? (cpuSeconds(proxyPids) - cpuBefore) / wall : 0;
  return { ...(JSON.parse(out) as T), proxyCpu };
}

async function measure(system: { name: string; host: string; port: number; bulkPort: number; pids: number[] }, seconds: number, concurrency: number): Promise<Figures> {
  const common = ["--host", system.host, "--seconds", String(seconds)];
  const limit = (seconds * 2 + 30) * 1000;
  const fresh = await phase<RequestLoad>(`${system.name} fresh`, [...common, "--port", String(system.port), "--phase", "fresh", "--concurrency", String(concurrency)], system.pids, limit);
  const keepalive = await phase<RequestLoad>(`${system.name} keepalive`, [...common, "--port", String(system.port), "--phase", "keepalive"], system.pids, limit);
  const bulk = await phase<Figures["bulk"]>(`${system.name} bulk`, [...common, "--port", String(system.bulkPort), "--phase", "bulk"], system.pids, 90_000);
  return { system: system.name, fresh, keepalive, bulk };
}

/** The median of each figure over rounds (the upper median for an even count). */
function medianFigures(rounds: readonly Figures[]): Figures {
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const merge = <T extends object>(items: readonly T[]): T => {
    const out: Record<string, unknown> = { ...(items[0] as Record<string, unknown>) };
    for (const [k, v] of Object.entries(items[0])) if (typeof v === "number") out[k] = median(items.map((i) => (i as Record<string, number>)[k]));
    return out as T;
  };
  return { system: rounds[0].system, fresh: merge(rounds.map((r) => r.fresh)), keepalive: merge(rounds.map((r) => r.keepalive)), bulk: merge(rounds.map((r) => r.bulk)) };
}

const fmt = (n: number, digits = 0): string => n.toFixed(digits);

function printTable(rows: Figures[]): void {
  console.log("(cpu = cores the forwarding process kept busy during the phase; direct has none)");
  console.log("system      fresh req/s  p50 ms  p99 ms  cpu  err | keepalive req/s  p50 ms  p99 ms  cpu  err | bulk MB/s  cpu");
  for (const r of rows) {
    console.log(
      [
        r.system.padEnd(10),
        fmt(r.fresh.perSecond).padStart(12),
        fmt(r.fresh.p50, 2).padStart(7),
        fmt(r.fresh.p99, 2).padStart(7),
        fmt(r.fresh.proxyCpu, 2).padStart(4),
        String(r.fresh.errors).padStart(4),
        "|",
        fmt(r.keepalive.perSecond).padStart(15),
        fmt(r.keepalive.p50, 3).padStart(7),
        fmt(r.keepalive.p99, 3).padStart(7),
        fmt(r.keepalive.proxyCpu, 2).padStart(4),
        String(r.keepalive.errors).padStart(4),
        "|",
        fmt(r.bulk.mbPerSecond).padStart(9),
        fmt(r.bulk.proxyCpu, 2).padStart(4),
      ].join(" "),
    );
  }
}

function ratios(of: Figures, over: Figures): Record<string, number> {
  const r = (a: number, b: number): number => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);
  return {
    freshThroughput: r(of.fresh.perSecond, over.fresh.perSecond),
    keepaliveThroughput: r(of.keepalive.perSecond, over.keepalive.perSecond),
    bulkThroughput: r(of.bulk.mbPerSecond, over.bulk.mbPerSecond),
    freshP99: r(of.fresh.p99, over.fresh.p99),
    keepaliveP99: r(of.keepalive.p99, over.keepalive.p99),
  };
}

async function main(): Promise<void> {
  const seconds = arg("--seconds", 2, 30);
  const concurrency = arg("--concurrency", 8, 64);
  const bulkMB = arg("--bulk-mb", 64, 4096);
  const haproxyThreads = arg("--haproxy-threads", 1, 64);
  const rounds = arg("--rounds", 3, 15);
  const self = join(import.meta.dirname, "userspace-proxy.js");
  const a = randomInt(100, 250);
  const b = randomInt(1, 250);
  const ip = (last: number): string => `127.${a}.${b}.${last}`;
  const backend = ip(10);
  const [port, bulkPort] = [8080, 8081];
  const dir = mkdtempSync(join(tmpdir(), "svcnet-bench-userspace-"));
  try {
    await start([process.execPath, self, "--role", "backend", "--host", backend, "--port", String(port), "--bulk-port", String(bulkPort), "--bulk-mb", String(bulkMB)], "ready");
    const systems: { name: string; host: string; port: number; bulkPort: number; pids: number[] }[] = [{ name: "direct", host: backend, port, bulkPort, pids: [] }];

    const svcnetVIP = ip(20);
    const svcnetChild = await start(
      [process.execPath, self, "--role", "svcnet-proxy", "--vip", svcnetVIP, "--port", "80", "--bulk-port", "81", "--backend", backend, "--backend-port", String(port), "--backend-bulk-port", String(bulkPort)],
      "ready",
    );
    systems.push({ name: "svcnet", host: svcnetVIP, port: 80, bulkPort: 81, pids: [svcnetChild.pid ?? 0] });

    if (hasProgram("haproxy")) {
      const host = ip(30);
      const cfg = join(dir, "haproxy.cfg");
      writeFileSync(
        cfg,
        [
          "global",
          "  maxconn 8000",
          `  nbthread ${haproxyThreads}`,
          "defaults",
          "  mode tcp",
          "  timeout connect 2s",
          "  timeout client 60s",
          "  timeout server 60s",
          "listen http",
          `  bind ${host}:80`,
          `  server s1 ${backend}:${port}`,
          "listen bulk",
          `  bind ${host}:81`,
          `  server s1 ${backend}:${bulkPort}`,
          "",
        ].join("\n"),
      );
      const haproxy = await start(["haproxy", "-db", "-f", cfg], undefined);
      await waitForPort(host, 80);
      systems.push({ name: "haproxy", host, port: 80, bulkPort: 81, pids: [haproxy.pid ?? 0] });
    } else {
      console.log("haproxy: not installed (apt-get install haproxy): skipped");
    }

    if (hasProgram("socat")) {
      const host = ip(40);
      const http = await start(["socat", `TCP-LISTEN:80,bind=${host},fork,reuseaddr,backlog=1024`, `TCP:${backend}:${port}`], undefined);
      const bulk = await start(["socat", `TCP-LISTEN:81,bind=${host},fork,reuseaddr`, `TCP:${backend}:${bulkPort}`], undefined);
      await waitForPort(host, 80);
      systems.push({ name: "socat", host, port: 80, bulkPort: 81, pids: [http.pid ?? 0, bulk.pid ?? 0] });
    } else {
      console.log("socat: not installed (apt-get install socat): skipped");
    }

    console.log(`userspace proxy bench: medians of ${rounds} rounds, ${seconds} s per load, ${concurrency} concurrent fresh-connection clients, one kept-alive connection, bulk transfers of ${bulkMB} MB back to back; haproxy nbthread ${haproxyThreads}; all on loopback`);
    const only = process.argv.includes("--only") ? param("--only").split(",") : undefined;
    const measured = systems.filter((s) => !only || only.includes(s.name));
    // Rounds alternate the systems, and each figure is the median over the rounds, so that load
    // from elsewhere on the machine hits every system alike instead of whichever ran then.
    const perSystem = new Map<string, Figures[]>(measured.map((s) => [s.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const s of round % 2 === 0 ? measured : [...measured].reverse()) perSystem.get(s.name)?.push(await measure(s, seconds, concurrency));
    }
    const rows = [...perSystem.values()].map(medianFigures);
    printTable(rows);
    const svcnet = rows.find((r) => r.system === "svcnet");
    const report: Record<string, unknown> = { bench: "userspace-proxy", rounds, seconds, concurrency, bulkMB, haproxyThreads, figures: rows, ratios: {} };
    if (svcnet) {
      const all: Record<string, Record<string, number>> = {};
      for (const other of rows) {
        if (other === svcnet) continue;
        all[`svcnet/${other.system}`] = ratios(svcnet, other);
        const r = all[`svcnet/${other.system}`];
        console.log(
          `svcnet ÷ ${other.system}: fresh ${r.freshThroughput}×, keep-alive ${r.keepaliveThroughput}×, bulk ${r.bulkThroughput}× throughput; p99 fresh ${r.freshP99}×, keep-alive ${r.keepaliveP99}×`,
        );
      }
      report.ratios = all;
      const h = all["svcnet/haproxy"];
      if (h) {
        const worst = Math.min(h.freshThroughput, h.keepaliveThroughput, h.bulkThroughput);
        console.log(`aim: ≥ 0.7× HAProxy's throughput — ${worst >= 0.7 ? "met" : "NOT met"} (worst ratio ${worst}×)`);
      }
    }
    console.log(JSON.stringify(report));
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

const r = role();
if (r === "backend") runBackend();
else if (r === "svcnet-proxy") void runSvcnetProxy();
else if (r === "load") void runLoad();
else
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    process.exitCode = 1;
  });
