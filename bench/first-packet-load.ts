// The first-packet benchmark's load generator, run inside a client namespace by
// bench/first-packet.ts. Every connection is new — connect, read the backend's few bytes, close —
// so every one of them sends a first packet through the nat table's DNAT decision.
//   node first-packet-load.js --host H --ports P[,P…] [--seconds 5] [--concurrency 32]
//        [--warmup-seconds 0.5] [--idle-seconds 1]
// Two phases: a loaded one (`concurrency` connections at a time for `seconds`, after a warm-up
// that is not counted): connections per second and connect/exchange latency under load; then an
// idle one (one connection at a time for `idle-seconds`): connect latency with no queueing, i.e.
// SYN → SYN/ACK plus one event-loop turn. Ports are used in turn. Prints one JSON line
// (LoadFigures) and exits.

import { connect } from "node:net";
import { BACKEND_REPLY } from "./first-packet-backend.js";
import type { LatencySummary } from "./stats.js";
import { summarize } from "./stats.js";

/** What one invocation prints. Latencies in milliseconds. */
export interface LoadFigures {
  loaded: {
    connections: number;
    errors: number;
    firstError: string;
    seconds: number;
    perSecond: number;
    /** connect() to the 'connect' event. */
    connect: LatencySummary;
    /** connect() to the socket closed with the whole reply read. */
    exchange: LatencySummary;
    /** Cores this process kept busy (user + system CPU ÷ wall time). */
    cpu: number;
  };
  idle: { connections: number; errors: number; connect: LatencySummary };
}

const CONNECTION_TIMEOUT_MS = 3000;

function flag(name: string, fallback?: string): string {
  const i = process.argv.indexOf(name);
  const value = i > 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) throw new Error(`missing ${name}`);
  return value;
}

function positive(name: string, fallback: string, max: number): number {
  const v = Number(flag(name, fallback));
  if (!Number.isFinite(v) || v < 0 || v > max) throw new Error(`${name} must be a number in 0–${max}`);
  return v;
}

/** One new connection: resolves with its connect and whole-exchange times, rejects on any failure. */
function oneConnection(host: string, port: number): Promise<{ connectMs: number; exchangeMs: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let connectedAt = 0;
    let bytes = 0;
    let failed: Error | undefined;
    const socket = connect({ host, port });
    socket.setTimeout(CONNECTION_TIMEOUT_MS, () => socket.destroy(new Error(`no reply in ${CONNECTION_TIMEOUT_MS} ms`)));
    socket.once("connect", () => (connectedAt = performance.now()));
    socket.on("data", (d: Buffer) => (bytes += d.length));
    socket.once("error", (e) => (failed = e));
    socket.once("close", () => {
      if (failed) reject(failed);
      else if (connectedAt === 0 || bytes < BACKEND_REPLY.length) reject(new Error(`short reply (${bytes} bytes)`));
      else resolve({ connectMs: connectedAt - start, exchangeMs: performance.now() - start });
    });
  });
}

async function main(): Promise<void> {
  const host = flag("--host");
  const ports = flag("--ports").split(",").map(Number);
  if (ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) throw new Error("--ports must be a comma-separated list of ports");
  const seconds = positive("--seconds", "5", 60);
  const concurrency = Math.max(1, Math.round(positive("--concurrency", "32", 512)));
  const warmupSeconds = positive("--warmup-seconds", "0.5", 10);
  const idleSeconds = positive("--idle-seconds", "1", 30);
  let next = 0;
  const port = (): number => ports[next++ % ports.length];

  // Loaded phase.
  const connectMs: number[] = [];
  const exchangeMs: number[] = [];
  let errors = 0;
  let firstError = "";
  const warmEnd = performance.now() + warmupSeconds * 1000;
  const end = warmEnd + seconds * 1000;
  let counting = false;
  let cpuStart = process.cpuUsage();
  const timer = setTimeout(() => {
    counting = true;
    cpuStart = process.cpuUsage();
  }, warmupSeconds * 1000);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        try {
          const r = await oneConnection(host, port());
          if (counting) {
            connectMs.push(r.connectMs);
            exchangeMs.push(r.exchangeMs);
          }
        } catch (e) {
          if (counting) errors++;
          firstError ||= e instanceof Error ? e.message : String(e);
        }
      }
    }),
  );
  clearTimeout(timer);
  const cpu = process.cpuUsage(cpuStart);
  const took = (performance.now() - warmEnd) / 1000;

  // Idle phase: one at a time.
  const idleConnect: number[] = [];
  let idleErrors = 0;
  const idleEnd = performance.now() + idleSeconds * 1000;
  while (performance.now() < idleEnd) {
    try {
      idleConnect.push((await oneConnection(host, port())).connectMs);
    } catch (e) {
      idleErrors++;
      firstError ||= e instanceof Error ? e.message : String(e);
    }
  }

  const figures: LoadFigures = {
    loaded: {
      connections: exchangeMs.length,
      errors,
      firstError,
      seconds: took,
      perSecond: exchangeMs.length / took,
      connect: summarize(connectMs),
      exchange: summarize(exchangeMs),
      cpu: (cpu.user + cpu.system) / 1e6 / took,
    },
    idle: { connections: idleConnect.length, errors: idleErrors, connect: summarize(idleConnect) },
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
