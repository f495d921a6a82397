// The three measured workloads, against one API server or several sharing one store (an
// ApiClient each): creates from many concurrent clients, sequential single-object writes, and
// watch fan-out from one write to many watchers. Work is spread over the servers round-robin,
// each client or watcher pinned to one. Each returns raw samples; summarizing and reporting
// happen elsewhere.

import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { ApiClient, WatchHandle } from "./api-client.js";

/** What the writes need of an API server. */
export type Sender = Pick<ApiClient, "send">;

/** What the fan-out needs of an API server. */
export type SenderWatcher = Pick<ApiClient, "send" | "watch">;

/** Raw samples from a run of writes. */
export interface WriteSamples {
  /** Milliseconds from sending each successful POST to the last byte of its answer. */
  latencies: number[];
  /** The same samples split by the server that answered: byServer[i] for servers[i]. */
  byServer: number[][];
  /** Writes that did not answer 201 (or failed on the wire). */
  errors: number;
  /** The first such failure, for the report. */
  firstError?: string;
  /** Wall time of the whole run in seconds. */
  seconds: number;
}

/** Raw samples from a fan-out run. */
export interface FanOutSamples {
  /** One sample per (write, watcher): ms from sending the POST to that watcher parsing the event. */
  perWatcher: number[];
  /** One sample per write: ms until the last of the watchers had it. */
  slowest: number[];
  /** (write, watcher) pairs never delivered within the per-write timeout. */
  missed: number;
  /** Writes that did not answer 201. */
  errors: number;
  firstError?: string;
}

/** A small Endpoints object: the benchmark's stand-in for a ConfigMap. */
export function endpointsObject(namespace: string, name: string): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name, namespace, labels: { app: "bench" } },
    subsets: [{ addresses: [{ ip: "10.1.2.3" }], ports: [{ name: "http", port: 80, protocol: "TCP" }] }],
  };
}

/** Creates a namespace; throws unless the server answers 201. */
export async function createNamespace(client: Sender, name: string): Promise<void> {
  const res = await client.send("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  if (res.status !== 201) throw new Error(`create namespace ${name}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
}

/** Options for runCreates. */
export interface CreatesOptions {
  namespace: string;
  /** Objects to create in total. */
  count: number;
  /** Concurrent clients, each sending its next POST when the previous one is answered. */
  clients: number;
  /** Object names are `${prefix}-${i}`. */
  prefix: string;
}

/**
 * Creates `count` Endpoints with `clients` closed-loop concurrent clients; client w sends all
 * its writes through `servers[w % servers.length]`.
 */
export async function runCreates(servers: readonly Sender[], o: CreatesOptions): Promise<WriteSamples> {
  if (servers.length === 0) throw new Error("runCreates: no servers");
  const latencies: number[] = [];
  const byServer: number[][] = servers.map(() => []);
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const start = performance.now();
  const worker = async (server: number): Promise<void> => {
    const client = servers[server];
    while (next < o.count) {
      const i = next++;
      const path = `/api/v1/namespaces/${o.namespace}/endpoints`;
      try {
        const res = await client.send("POST", path, endpointsObject(o.namespace, `${o.prefix}-${i}`));
        if (res.status === 201) {
          latencies.push(res.ms);
          byServer[server].push(res.ms);
        }
        else {
          errors++;
          firstError ??= `HTTP ${res.status} ${res.body.slice(0, 300)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.clients, o.count) }, (_, w) => worker(w % servers.length)));
  return { latencies, byServer, errors, firstError, seconds: (performance.now() - start) / 1000 };
}

/** Options for runFanOut. */
export interface FanOutOptions {
  namespace: string;
  watchers: number;
  /** Measured writes (one warm-up write comes first and is not counted). */
  writes: number;
  /** Pause after each write has reached every watcher (default 10 ms). */
  gapMs?: number;
  /** How long one write may take to reach all watchers before the rest count as missed (default 10000 ms). */
  timeoutMs?: number;
}

interface Pending {
  sentAt: number;
  remaining: number;
  last: number;
  done: () => void;
}

/**
 * Opens `watchers` watches on the namespace's Endpoints from the list's resourceVersion (watch j
 * through `servers[j % n]`), then creates one object at a time (measured write i through
 * `servers[i % n]`, so with several servers most events cross from one server to another
 * through the store) and times its arrival at every watcher.
 */
export async function runFanOut(servers: readonly SenderWatcher[], o: FanOutOptions): Promise<FanOutSamples> {
  if (servers.length === 0) throw new Error("runFanOut: no servers");
  const base = `/api/v1/namespaces/${o.namespace}/endpoints`;
  const list = await servers[0].send("GET", base);
  if (list.status !== 200) throw new Error(`list ${base}: HTTP ${list.status} ${list.body.slice(0, 300)}`);
  const rv = listResourceVersion(list.body);
  const pending = new Map<string, Pending>();
  const perWatcher: number[] = [];
  let recording = false;
  const onLine = (line: string): void => {
    const now = performance.now();
    const name = addedName(line);
    const p = name === undefined ? undefined : pending.get(name);
    if (!p) return;
    if (recording) perWatcher.push(now - p.sentAt);
    p.last = now;
    if (--p.remaining === 0) p.done();
  };
  const handles: WatchHandle[] = [];
  try {
    const path = `${base}?watch=true&resourceVersion=${encodeURIComponent(rv)}&allowWatchBookmarks=false`;
    for (let i = 0; i < o.watchers; i++) handles.push(await servers[i % servers.length].watch(path, onLine));
    const result: FanOutSamples = { perWatcher, slowest: [], missed: 0, errors: 0 };
    const writeOne = async (client: Sender, name: string): Promise<"ok" | "timeout" | "error"> => {
      let done!: () => void;
      const delivered = new Promise<void>((resolve) => (done = resolve));
      const p: Pending = { sentAt: performance.now(), remaining: o.watchers, last: 0, done };
      pending.set(name, p);
      const res = await client.send("POST", base, endpointsObject(o.namespace, name)).catch((err: unknown) => ({
        status: 0,
        body: err instanceof Error ? err.message : String(err),
        ms: 0,
      }));
      if (res.status !== 201) {
        result.errors++;
        result.firstError ??= `HTTP ${res.status} ${res.body.slice(0, 300)}`;
        pending.delete(name);
        return "error";
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), o.timeoutMs ?? 10_000)));
      const outcome = await Promise.race([delivered, timeout]);
      clearTimeout(timer);
      pending.delete(name);
      if (recording) {
        if (outcome === "timeout") result.missed += p.remaining;
        else result.slowest.push(p.last - p.sentAt);
      }
      return outcome === "timeout" ? "timeout" : "ok";
    };
    // Warm-up: proves every watch is live before anything is timed.
    const warm = await writeOne(servers[0], "fan-warmup");
    if (warm !== "ok") throw new Error(`fan-out warm-up write: ${warm === "error" ? result.firstError : `not seen by all ${o.watchers} watchers`}`);
    recording = true;
    for (let i = 0; i < o.writes; i++) {
      await writeOne(servers[i % servers.length], `fan-${i}`);
      await sleep(o.gapMs ?? 10);
    }
    return result;
  } finally {
    for (const h of handles) h.close();
    await Promise.all(handles.map((h) => h.done));
  }
}

/**
 * `total` split into `parts` whole shares that differ by at most one, larger ones first
 * (e.g. 7 in 3 → [3, 2, 2]). `parts` must be a positive integer.
 */
export function evenShares(total: number, parts: number): number[] {
  if (!Number.isInteger(parts) || parts < 1) throw new Error(`evenShares: parts must be a positive integer, got ${parts}`);
  const base = Math.floor(total / parts);
  const extra = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/** The resourceVersion of a JSON list body; throws when it has none. */
export function listResourceVersion(body: string): string {
  const parsed: unknown = JSON.parse(body);
  const rv = isRecord(parsed) && isRecord(parsed.metadata) ? parsed.metadata.resourceVersion : undefined;
  if (typeof rv !== "string" || rv === "") throw new Error("list has no metadata.resourceVersion");
  return rv;
}

/** The object name of an ADDED watch event line, or undefined for any other line. */
export function addedName(line: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.type !== "ADDED" || !isRecord(parsed.object) || !isRecord(parsed.object.metadata)) return undefined;
  const name = parsed.object.metadata.name;
  return typeof name === "string" ? name : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
