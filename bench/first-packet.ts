// First-packet cost of a ClusterIP (issue 9's figures): new TCP connections per second and
// connect latency through a ClusterIP programmed by the iptables proxier and by the nftables
// proxier, with 10,000 services × 10 endpoints and with the target service alone, against
// connections straight to the backend — all in the same run, on the real kernel, in namespaces
// of the benchmark's own. The target's KUBE-SERVICES rule is the last service rule (the worst
// case for iptables' linear walk; nftables looks it up in a map).
//
// Each path has its own client namespace holding its rules for the whole run (see
// first-packet-topology.ts); rounds alternate the paths (reversing the order every other round)
// and each figure is the median over the rounds. Conntrack is flushed in a client namespace
// before each of its runs. Per run: `--concurrency` connections at a time for `--seconds`
// (connect, read a few bytes, close) and then one at a time for `--idle-seconds`.
// With --pod-through-rules, also connections straight to the backend from the two large
// namespaces: what the rules cost a new connection that is not to a service.
//
// Needs root, iproute2, iptables (nf_tables build), nft, conntrack. Everything it creates —
// namespaces, the backend, load generators — is removed at the end, on failure and on Ctrl-C.
// Run: node dist/bench/first-packet.js [--services 10000] [--seconds 5] [--concurrency 32]
//        [--rounds 3] [--idle-seconds 1] [--nft-chunk 500] [--pod-through-rules]

import type { ChildProcess } from "node:child_process";
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LoadFigures } from "./first-packet-load.js";
import type { PathSpec, RunFigures } from "./first-packet-report.js";
import { firstPacketComparisons, firstPacketJson, firstPacketPaths, formatFirstPacketReport, medianRun, runFigures, sizeLabel } from "./first-packet-report.js";
import type { ProgramFigures } from "./first-packet-rules.js";
import { hasIptablesRules, hasNftablesTable, programIptables, programNftables, removeNftables } from "./first-packet-rules.js";
import type { TargetEndpoint } from "./first-packet-services.js";
import { TARGET_SERVICE, firstPacketState } from "./first-packet-services.js";
import type { ClientLink, Topology } from "./first-packet-topology.js";
import { createTopology } from "./first-packet-topology.js";

/** The backend listens on these ports; the target service has one endpoint on each. */
const BACKEND_PORTS = Array.from({ length: 10 }, (_, i) => 8080 + i);

function numberFlag(name: string, fallback: number, min: number, max: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < min || v > max) throw new Error(`${name} must be a number in ${min}–${max}, got ${JSON.stringify(process.argv[i + 1])}`);
  return v;
}

const options = {
  services: Math.round(numberFlag("--services", 10_000, 2, 60_000)),
  seconds: numberFlag("--seconds", 5, 0.5, 60),
  concurrency: Math.round(numberFlag("--concurrency", 32, 1, 512)),
  rounds: Math.round(numberFlag("--rounds", 3, 1, 15)),
  idleSeconds: numberFlag("--idle-seconds", 1, 0.1, 30),
  nftChunk: Math.round(numberFlag("--nft-chunk", 500, 0, 60_000)),
  podThroughRules: process.argv.includes("--pod-through-rules"),
};

// ---------------------------------------------------------------------------------------------
// Processes and teardown

const children = new Set<ChildProcess>();
let topology: Topology | undefined;

/** Ends our children and deletes our namespaces; synchronous (runs from signal handlers too). */
function teardown(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  children.clear();
  topology?.destroy();
  topology = undefined;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: removing the benchmark's namespaces`);
    teardown();
    process.exit(130);
  });
}

function spawnIn(netns: string, script: string, args: readonly string[]): ChildProcess {
  const child = spawn("ip", ["netns", "exec", netns, process.execPath, join(import.meta.dirname, script), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** Starts the backend in its namespace; resolves when every port listens. */
function startBackend(netns: string): Promise<ChildProcess> {
  const child = spawnIn(netns, "first-packet-backend.js", BACKEND_PORTS.map(String));
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`backend not ready in 10 s: ${err.trim()}`)), 10_000);
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("ready")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`backend exited ${code}: ${err.trim()}`));
    });
  });
}

/** Runs the load generator in `netns` against host:ports; its figures. */
function runLoad(netns: string, host: string, ports: readonly number[], seconds: number, concurrency: number, idleSeconds: number): Promise<LoadFigures> {
  const args = ["--host", host, "--ports", ports.join(","), "--seconds", String(seconds), "--concurrency", String(concurrency), "--idle-seconds", String(idleSeconds)];
  const child = spawnIn(netns, "first-packet-load.js", args);
  const limitMs = (seconds + idleSeconds + 20) * 1000;
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`load generator in ${netns} did not finish in ${limitMs} ms`));
    }, limitMs);
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`load generator in ${netns} exited ${code}: ${err.trim()}`));
      else resolve(JSON.parse(out) as LoadFigures);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** CPU seconds a process has used so far (/proc/PID/stat utime + stime); 0 when it is gone. */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Busy CPU seconds of the whole machine so far (/proc/stat: all but idle and iowait). */
function machineBusySeconds(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.slice(0, 8).reduce((s, x) => s + x, 0);
  return (total - cpu[3] - cpu[4]) / 100;
}

function inNetns(netns: string, argv: readonly string[]): string {
  return execFileSync("ip", ["netns", "exec", netns, ...argv], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function conntrackCount(netns: string): number {
  try {
    return Number(inNetns(netns, ["conntrack", "-C"]).trim()) || 0;
  } catch {
    return 0;
  }
}

function flushConntrack(netns: string): void {
  try {
    inNetns(netns, ["conntrack", "-F"]);
  } catch {
    // No entries (or no conntrack in a namespace without rules): nothing to flush.
  }
}

/** Where a path's load generator connects. */
function destination(path: PathSpec, link: ClientLink): { host: string; ports: number[] } {
  return path.to === "pod" ? { host: link.backendIP, ports: BACKEND_PORTS } : { host: TARGET_SERVICE.clusterIP, ports: [TARGET_SERVICE.port] };
}

async function measure(path: PathSpec, link: ClientLink, backend: ChildProcess): Promise<RunFigures> {
  flushConntrack(link.netns);
  const { host, ports } = destination(path, link);
  const cpu0 = processCpuSeconds(backend.pid);
  const busy0 = machineBusySeconds();
  const t0 = performance.now();
  const load = await runLoad(link.netns, host, ports, options.seconds, options.concurrency, options.idleSeconds);
  const wall = (performance.now() - t0) / 1000;
  // The backend is busy during the loaded and idle phases alike; its CPU over the whole run
  // understates the loaded phase a little (the idle phase is short and light).
  const serverCpu = (processCpuSeconds(backend.pid) - cpu0) / wall;
  const machineBusy = (machineBusySeconds() - busy0) / wall;
  const run = runFigures(load, { serverCpu, machineBusy, conntrackEntries: conntrackCount(link.netns) });
  console.log(
    `  ${path.label.padEnd(12)} ${run.perSecond.toFixed(0).padStart(6)} conn/s, loaded connect p50/p99 ${run.connectP50Ms.toFixed(2)}/${run.connectP99Ms.toFixed(2)} ms, ` +
      `idle connect p50/p99 ${run.idleConnectP50Us.toFixed(0)}/${run.idleConnectP99Us.toFixed(0)} µs, errors ${run.errors}${load.loaded.firstError ? ` (${load.loaded.firstError})` : ""}, ` +
      `cpu load ${run.loadCpu.toFixed(2)} backend ${run.serverCpu.toFixed(2)} machine ${run.machineBusy.toFixed(2)}, conntrack ${run.conntrackEntries}`,
  );
  return run;
}

function version(argv: readonly string[]): string {
  try {
    return execFileSync(argv[0], argv.slice(1), { encoding: "utf8" }).trim().split("\n")[0];
  } catch {
    return `${argv[0]}: not found`;
  }
}

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("first-packet needs root (it creates network namespaces and programs iptables/nftables in them)");
  const paths = firstPacketPaths(options.services, options.podThroughRules);
  // Paths to the pod from a large namespace share that namespace (and its rules) with its ClusterIP path.
  const netnsOf = (p: PathSpec): string => (p.mode === "direct" ? "direct" : `${p.mode}@${p.services}`);
  const netnsKeys = [...new Set(paths.map(netnsOf))];
  const id = randomBytes(3).toString("hex");
  const started = performance.now();
  topology = createTopology(id, netnsKeys);
  const topo = topology;
  const link = (p: PathSpec): ClientLink => topo.clients.get(netnsOf(p)) as ClientLink;
  console.log(
    `first-packet bench: ${version(["uname", "-r"])} kernel, ${version(["iptables", "--version"])}, ${version(["nft", "--version"])}; ` +
      `namespaces svcnet-${id}-fp-*; conntrack max ${inNetns(topo.clients.get("direct")?.netns ?? "", ["sysctl", "-n", "net.netfilter.nf_conntrack_max"]).trim()}`,
  );
  const backend = await startBackend(topo.backend);
  const programmed = new Map<string, ProgramFigures>();

  // Rules: one namespace after another, so that each sync's time is its own (the large ones take
  // tens of seconds, mostly in the kernel).
  const targetOf = (l: ClientLink): TargetEndpoint[] => BACKEND_PORTS.map((port) => ({ ip: l.backendIP, port }));
  for (const key of netnsKeys.filter((k) => k !== "direct")) {
    const p = paths.find((x) => netnsOf(x) === key) as PathSpec;
    const l = link(p);
    const state = firstPacketState(p.services, targetOf(l));
    const what = `${p.mode}, ${p.services.toLocaleString("en-US")} service${p.services > 1 ? "s" : ""}`;
    if (p.mode === "iptables") {
      const f = await programIptables(l.netns, state);
      console.log(
        `${what}: full sync ${ms(f.generateMs + f.writeMs)} ms (generate ${ms(f.generateMs)} + whole-table iptables-restore ${ms(f.writeMs)}); ` +
          `target's rule is ${f.position.position.toLocaleString("en-US")} of ${f.position.rules.toLocaleString("en-US")} in KUBE-SERVICES (after it only the NodePorts catch-all)`,
      );
      programmed.set(key, f);
    } else {
      const f = await programNftables(l.netns, state, options.nftChunk);
      const how = f.transactions > 1 ? `in ${f.transactions} nft -f transactions of ≤ ${options.nftChunk} services, as the proxier builds a new table` : "in one nft -f transaction (--nft-chunk 0)";
      console.log(`${what}: loaded ${how} in ${ms(f.generateMs + f.writeMs)} ms (generate ${ms(f.generateMs)} + nft ${ms(f.writeMs)}); the target is one element of the service-ips map`);
      programmed.set(key, f);
    }
  }
  // Each namespace holds its own mode's rules and nothing of the other's.
  for (const key of netnsKeys) {
    const ns = topo.clients.get(key)?.netns ?? "";
    const want = { iptables: key.startsWith("iptables"), nftables: key.startsWith("nftables") };
    const have = { iptables: await hasIptablesRules(ns), nftables: await hasNftablesTable(ns) };
    if (have.iptables !== want.iptables || have.nftables !== want.nftables) throw new Error(`${ns} (${key}): expected ${JSON.stringify(want)}, found ${JSON.stringify(have)}`);
  }

  // Each path must reach the backend before anything is timed.
  for (const p of paths) {
    const { host, ports } = destination(p, link(p));
    const probe = await runLoad(link(p).netns, host, ports, 0.2, 1, 0.1);
    if (probe.loaded.connections === 0) throw new Error(`${p.label}: no connection to ${host}:${ports[0]} succeeded (${probe.loaded.firstError})`);
  }
  console.log(`setup ${((performance.now() - started) / 1000).toFixed(0)} s. ${options.rounds} rounds, ${options.seconds} s × ${options.concurrency} concurrent + ${options.idleSeconds} s one at a time per path; backend ports ${BACKEND_PORTS[0]}–${BACKEND_PORTS[BACKEND_PORTS.length - 1]} (10 endpoints)`);

  const runs = new Map<string, RunFigures[]>(paths.map((p) => [p.key, []]));
  for (let round = 0; round < options.rounds; round++) {
    console.log(`round ${round + 1}:`);
    for (const p of round % 2 === 0 ? paths : [...paths].reverse()) runs.get(p.key)?.push(await measure(p, link(p), backend));
  }
  const medians = new Map([...runs].map(([k, r]) => [k, medianRun(r)]));
  const comparisons = firstPacketComparisons(paths);
  console.log(`\nmedians of ${options.rounds} rounds; ${sizeLabel(options.services)} = ${options.services.toLocaleString("en-US")} services × 10 endpoints; pod|… = straight to the backend from that namespace`);
  console.log(formatFirstPacketReport(paths, medians, comparisons));
  console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const config = { ...options, backendPorts: BACKEND_PORTS.length, programmed: Object.fromEntries(programmed) };
  console.log(`BENCH_JSON ${JSON.stringify(firstPacketJson(paths, medians, comparisons, config))}`);

  // The nftables proxier's cleanup, so that the namespaces go quickly.
  for (const key of netnsKeys.filter((k) => k.startsWith("nftables"))) await removeNftables(topo.clients.get(key)?.netns ?? "");
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  })
  .finally(teardown);
