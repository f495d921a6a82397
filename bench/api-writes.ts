// API write benchmark: `node dist/bench/api-writes.js` (`make bench`). Starts a real etcd and
// two real `svcnet server` processes (SQLite and etcd) on loopback and measures, on each, in
// the same run: creates per second from concurrent clients, single-object write latency
// (sequential, and under that concurrent load), and watch fan-out latency from one write to many
// watchers. Prints a table with each figure against its peer store and its limit, then one
// `BENCH_JSON {...}` line. Counts are bounded; everything started is stopped, also on failure.
// Exit status 1 when a write failed or a watcher missed an event (the figures would mislead).

import { parseArgs } from "node:util";
import { startEtcd } from "../src/storage/etcd-test-server.js";
import { ApiClient } from "./api-client.js";
import type { StoreFigures } from "./report.js";
import { benchJson, defaultLimits, formatReport } from "./report.js";
import type { ServerChild } from "./server-child.js";
import { startServerChild } from "./server-child.js";
import { summarize } from "./stats.js";
import type { WriteSamples } from "./workloads.js";
import { createNamespace, runCreates, runFanOut } from "./workloads.js";

/** The workload sizes; every one is bounded. */
interface BenchConfig {
  creates: number;
  clients: number;
  warmup: number;
  writes: number;
  watchers: number;
  fanOutWrites: number;
  gapMs: number;
}

const usage = `Usage: node dist/bench/api-writes.js [flags]

  --creates n         objects created under load per store (default 3000)
  --clients n         concurrent clients for the creates (default 50)
  --warmup n          unmeasured creates first, per store (default 300)
  --writes n          sequential single-object writes per store (default 300)
  --watchers n        watches for the fan-out (default 100)
  --fanout-writes n   writes timed through the fan-out (default 200)
  --gap-ms n          pause between fan-out writes (default 10)`;

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
  };
}

function failures(label: string, s: WriteSamples): void {
  if (s.errors) console.log(`  ${label}: ${s.errors} failed writes; first: ${s.firstError}`);
}

async function measure(store: string, server: ServerChild, cfg: BenchConfig): Promise<StoreFigures> {
  const client = new ApiClient({ baseUrl: server.url, ca: server.ca, token: server.token, maxSockets: cfg.clients });
  try {
    await createNamespace(client, "bench-writes");
    await createNamespace(client, "bench-fanout");
    const warm = await runCreates(client, { namespace: "bench-writes", count: cfg.warmup, clients: cfg.clients, prefix: "warm" });
    if (warm.errors) throw new Error(`${store}: warm-up writes failed (${warm.errors}); first: ${warm.firstError}`);

    const creates = await runCreates(client, { namespace: "bench-writes", count: cfg.creates, clients: cfg.clients, prefix: "load" });
    failures("creates", creates);
    console.log(`  ${store}: ${cfg.creates} creates from ${cfg.clients} clients in ${creates.seconds.toFixed(2)} s`);

    const sequential = await runCreates(client, { namespace: "bench-writes", count: cfg.writes, clients: 1, prefix: "seq" });
    failures("sequential writes", sequential);
    console.log(`  ${store}: ${cfg.writes} sequential writes in ${sequential.seconds.toFixed(2)} s`);

    const fan = await runFanOut(client, { namespace: "bench-fanout", watchers: cfg.watchers, writes: cfg.fanOutWrites, gapMs: cfg.gapMs });
    if (fan.errors) console.log(`  fan-out: ${fan.errors} failed writes; first: ${fan.firstError}`);
    if (fan.missed) console.log(`  fan-out: ${fan.missed} events never reached their watcher`);
    console.log(`  ${store}: ${cfg.fanOutWrites} writes fanned out to ${cfg.watchers} watchers`);

    return {
      store,
      creates: {
        count: cfg.creates,
        clients: cfg.clients,
        seconds: creates.seconds,
        perSecond: creates.latencies.length / creates.seconds,
        errors: creates.errors,
        latency: summarize(creates.latencies),
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
  } finally {
    client.close();
  }
}

async function run(cfg: BenchConfig, cleanups: (() => Promise<void>)[]): Promise<number> {
  const started = Date.now();
  const etcd = await startEtcd();
  cleanups.push(() => etcd.stop());
  const etcdHost = new URL(etcd.endpoints[0]).host;
  const stores = [
    { name: "sqlite", flag: "sqlite" },
    { name: "etcd", flag: `etcd://${etcdHost}` },
  ];
  const launched = await Promise.allSettled(stores.map((s) => startServerChild({ store: s.flag })));
  for (const l of launched) if (l.status === "fulfilled") cleanups.push(() => l.value.stop());
  const servers = launched.map((l) => {
    if (l.status === "rejected") throw l.reason;
    return l.value;
  });
  console.log(`etcd ${etcd.endpoints[0]}; servers ${servers.map((s, i) => `${stores[i].name} ${s.url}`).join(", ")}`);

  const figures: StoreFigures[] = [];
  // One store at a time, so the two never compete for the CPU while being measured.
  for (const [i, s] of stores.entries()) figures.push(await measure(s.name, servers[i], cfg));

  console.log(
    `\nAPI writes: ${cfg.creates} creates from ${cfg.clients} concurrent closed-loop clients (latency "under load" is theirs, ` +
      `mostly queueing: mean ≈ clients ÷ creates/s); ` +
      `${cfg.writes} sequential writes on an idle server; fan-out: ${cfg.fanOutWrites} creates, one at a time, ` +
      `each timed from sending the POST to each of ${cfg.watchers} watchers parsing its event. ` +
      `Objects: small Endpoints (svcnet has no ConfigMaps). Last column: first store / second (creates/s: higher is better; ms: lower).\n`,
  );
  console.log(formatReport(figures, defaultLimits));
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`BENCH_JSON ${JSON.stringify(benchJson(figures, { ...cfg }, defaultLimits))}`);
  const bad = figures.some((f) => f.creates.errors || f.sequential.errors || f.fanOut.errors || f.fanOut.missed);
  return bad ? 1 : 0;
}

/** Set on SIGINT/SIGTERM: the run is being torn down, so its connection errors are expected. */
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
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = true;
    console.error(`${signal}: stopping servers and etcd`);
    void cleanUp().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await run(cfg, cleanups);
  } finally {
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
