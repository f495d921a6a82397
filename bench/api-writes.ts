// API write benchmark: `node dist/bench/api-writes.js` (`make bench`). Measures three systems
// on loopback, one after the other in the same run — one `svcnet server` on the embedded SQLite
// store, one on a real etcd, and two on one real etcd with the clients split between them
// (round-robin, each client pinned to one server) — each started just before it is measured and
// stopped after: creates per second from concurrent clients, single-object write latency
// (sequential, and under that concurrent load), and watch fan-out latency from one write to many
// watchers. Prints a table with each figure, its ratios between systems and its limits, then
// one `BENCH_JSON {...}` line. Counts are bounded, the whole run has a deadline, and everything
// started is stopped, also on failure. Exit status 1 when a write failed or a watcher missed an
// event (the figures would mislead), or the deadline passed.

import { parseArgs } from "node:util";
import type { Comparison, StoreFigures } from "./report.js";
import { benchJson, defaultLimits, formatReport } from "./report.js";
import type { ServerGroup, ServerGroupSpec } from "./server-group.js";
import { startServerGroup } from "./server-group.js";
import { summarize } from "./stats.js";
import type { WriteSamples } from "./workloads.js";
import { createNamespace, evenShares, runCreates, runFanOut } from "./workloads.js";

/** The systems measured, in order. */
const systems: readonly ServerGroupSpec[] = [
  { name: "sqlite", store: "sqlite", servers: 1 },
  { name: "etcd×1", store: "etcd", servers: 1 },
  { name: "etcd×2", store: "etcd", servers: 2 },
];

/** The ratio columns: each etcd system against SQLite, and two servers against one. */
const comparisons: readonly Comparison[] = [
  { of: "etcd×1", over: "sqlite" },
  { of: "etcd×2", over: "sqlite" },
  { of: "etcd×2", over: "etcd×1" },
];

/** The workload sizes; every one is bounded. */
interface BenchConfig {
  creates: number;
  clients: number;
  warmup: number;
  writes: number;
  watchers: number;
  fanOutWrites: number;
  gapMs: number;
  maxSeconds: number;
}

const usage = `Usage: node dist/bench/api-writes.js [flags]

  --creates n         objects created under load per system (default 3000)
  --clients n         concurrent clients for the creates (default 50)
  --warmup n          unmeasured creates first, per system (default 300)
  --writes n          sequential single-object writes per system (default 300)
  --watchers n        watches for the fan-out (default 100)
  --fanout-writes n   writes timed through the fan-out (default 200)
  --gap-ms n          pause between fan-out writes (default 10)
  --max-seconds n     stop everything and fail when the run takes longer (default 180)

Systems, one after the other: ${systems.map((s) => `${s.name} (${s.store}, ${s.servers} server${s.servers > 1 ? "s" : ""})`).join(", ")}.`;

function parseConfig(argv: string[]): BenchConfig {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      creates: { type: "string", default: "3000" },
      clients: { type: "string", default: "50" },
      warmup: { type: "string", default: "300" },
      writes: { type: "string", default: "300" },
      watchers: { type: "string", default: "100" },
      "fanout-writes": { type: "string", default: "200" },
      "gap-ms": { type: "string", default: "10" },
      "max-seconds": { type: "string", default: "180" },
    },
  });
  const int = (name: string, v: string, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name} must be an integer in 1..${max}, got ${JSON.stringify(v)}\n${usage}`);
    return n;
  };
  return {
    creates: int("creates", values.creates, 100_000),
    clients: int("clients", values.clients, 500),
    warmup: int("warmup", values.warmup, 10_000),
    writes: int("writes", values.writes, 10_000),
    watchers: int("watchers", values.watchers, 1000),
    fanOutWrites: int("fanout-writes", values["fanout-writes"], 10_000),
    gapMs: int("gap-ms", values["gap-ms"], 10_000),
    maxSeconds: int("max-seconds", values["max-seconds"], 3600),
  };
}

function failures(label: string, s: WriteSamples): void {
  if (s.errors) console.log(`  ${label}: ${s.errors} failed writes; first: ${s.firstError}`);
}

/** Sequential writes on an otherwise idle system: an even share through each server in turn. */
async function runSequential(group: ServerGroup, count: number): Promise<WriteSamples> {
  const all: WriteSamples = { latencies: [], byServer: group.clients.map(() => []), errors: 0, seconds: 0 };
  for (const [i, share] of evenShares(count, group.clients.length).entries()) {
    if (share === 0) continue;
    const s = await runCreates([group.clients[i]], { namespace: "bench-writes", count: share, clients: 1, prefix: `seq-${i}` });
    all.latencies.push(...s.latencies);
    all.byServer[i].push(...s.latencies);
    all.errors += s.errors;
    all.firstError ??= s.firstError;
    all.seconds += s.seconds;
  }
  return all;
}

async function measure(group: ServerGroup, cfg: BenchConfig): Promise<StoreFigures> {
  const name = group.spec.name;
  const servers = group.clients;
  await createNamespace(servers[0], "bench-writes");
  await createNamespace(servers[0], "bench-fanout");
  const warm = await runCreates(servers, { namespace: "bench-writes", count: cfg.warmup, clients: cfg.clients, prefix: "warm" });
  if (warm.errors) throw new Error(`${name}: warm-up writes failed (${warm.errors}); first: ${warm.firstError}`);

  const creates = await runCreates(servers, { namespace: "bench-writes", count: cfg.creates, clients: cfg.clients, prefix: "load" });
  failures("creates", creates);
  console.log(`  ${name}: ${cfg.creates} creates from ${cfg.clients} clients over ${servers.length} server(s) in ${creates.seconds.toFixed(2)} s`);
  const byServer = creates.byServer.map((l) => summarize(l));
  if (byServer.length > 1) {
    const parts = byServer.map((b, i) => `server ${i + 1}: ${b.count} creates, p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms`);
    console.log(`  ${name}: ${parts.join("; ")}`);
  }

  const sequential = await runSequential(group, cfg.writes);
  failures("sequential writes", sequential);
  console.log(`  ${name}: ${cfg.writes} sequential writes in ${sequential.seconds.toFixed(2)} s`);

  const fan = await runFanOut(servers, { namespace: "bench-fanout", watchers: cfg.watchers, writes: cfg.fanOutWrites, gapMs: cfg.gapMs });
  if (fan.errors) console.log(`  fan-out: ${fan.errors} failed writes; first: ${fan.firstError}`);
  if (fan.missed) console.log(`  fan-out: ${fan.missed} events never reached their watcher`);
  console.log(`  ${name}: ${cfg.fanOutWrites} writes fanned out to ${cfg.watchers} watchers`);

  return {
    store: name,
    servers: servers.length,
    creates: {
      count: cfg.creates,
      clients: cfg.clients,
      seconds: creates.seconds,
      perSecond: creates.latencies.length / creates.seconds,
      errors: creates.errors,
      latency: summarize(creates.latencies),
      byServer,
    },
    sequential: { count: cfg.writes, errors: sequential.errors, latency: summarize(sequential.latencies) },
    fanOut: {
      watchers: cfg.watchers,
      writes: cfg.fanOutWrites,
      missed: fan.missed,
      errors: fan.errors,
      perWatcher: summarize(fan.perWatcher),
      slowest: summarize(fan.slowest),
    },
  };
}

async function run(cfg: BenchConfig, cleanups: (() => Promise<void>)[]): Promise<number> {
  const started = Date.now();
  const figures: StoreFigures[] = [];
  // One system at a time, started just before it is measured and stopped after, so that no
  // two ever compete for the CPU.
  for (const spec of systems) {
    const group = await startServerGroup(spec, { maxSockets: cfg.clients });
    cleanups.push(() => group.stop());
    console.log(`${spec.name}: ${spec.store}${group.etcdEndpoint ? ` ${group.etcdEndpoint}` : ""}; servers ${group.servers.map((s) => s.url).join(", ")}`);
    try {
      figures.push(await measure(group, cfg));
    } finally {
      await group.stop();
    }
  }

  console.log(
    `\nAPI writes: ${cfg.creates} creates from ${cfg.clients} concurrent closed-loop clients (latency "under load" is theirs, ` +
      `mostly queueing: mean ≈ clients ÷ creates/s); ` +
      `${cfg.writes} sequential writes on an idle system; fan-out: ${cfg.fanOutWrites} creates, one at a time, ` +
      `each timed from sending the POST to each of ${cfg.watchers} watchers parsing its event. ` +
      `etcd×2: two servers on one etcd; clients, sequential writes, watchers and fan-out writes split between them ` +
      `round-robin (so about half the fan-out deliveries cross from one server to the other through etcd). ` +
      `Objects: small Endpoints (svcnet has no ConfigMaps). Ratio columns: a/b = figure on a ÷ figure on b ` +
      `(creates/s: higher is better; ms: lower).\n`,
  );
  console.log(formatReport(figures, { limits: defaultLimits, comparisons }));
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`BENCH_JSON ${JSON.stringify(benchJson(figures, { ...cfg, systems }, { limits: defaultLimits, comparisons }))}`);
  const bad = figures.some((f) => f.creates.errors || f.sequential.errors || f.fanOut.errors || f.fanOut.missed);
  return bad ? 1 : 0;
}

/** Set on SIGINT/SIGTERM or at the deadline: the run is being torn down, so its connection errors are expected. */
let interrupted = false;

async function main(): Promise<number> {
  let cfg: BenchConfig;
  try {
    cfg = parseConfig(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((err: unknown) => console.error(`cleanup: ${String(err)}`));
  };
  const abort = (why: string, code: number): void => {
    interrupted = true;
    console.error(`${why}: stopping servers and etcd`);
    void cleanUp().finally(() => process.exit(code));
  };
  const onSignal = (signal: NodeJS.Signals): void => abort(signal, signal === "SIGINT" ? 130 : 143);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const deadline = setTimeout(() => abort(`the run took over ${cfg.maxSeconds} s (--max-seconds)`, 1), cfg.maxSeconds * 1000);
  deadline.unref();
  try {
    return await run(cfg, cleanups);
  } finally {
    clearTimeout(deadline);
    await cleanUp();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (interrupted) return;
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  },
);
