// The first-packet benchmark's report: which paths to the backend are measured, the median of
// each figure over the rounds, the figures table, and the ratios between paths measured in the
// same run (iptables/direct, nftables/direct, nftables/iptables at each size, and what the large
// service count costs each backend). Pure: builds strings and objects, prints nothing.

import type { LoadFigures } from "./first-packet-load.js";
import { formatNumber, formatRatio, renderTable } from "./report.js";

/** The rules in the client namespace a path goes through. */
export type ProxyMode = "direct" | "iptables" | "nftables";

/** One way of reaching the backend, measured once per round. */
export interface PathSpec {
  /** Unique, stable: "direct", "iptables@10000", "pod@nftables@10000". */
  key: string;
  /** The column heading, e.g. "ipt 10k". */
  label: string;
  /** Whose rules are programmed in the client namespace ("direct": none). */
  mode: ProxyMode;
  /** Services programmed (0 for direct). */
  services: number;
  /** Where the load generator connects: the target's ClusterIP, or the backend's own address. */
  to: "clusterip" | "pod";
}

/** What one run of one path measured. Latencies in ms unless the name says µs. */
export interface RunFigures {
  perSecond: number;
  errors: number;
  connectP50Ms: number;
  connectP99Ms: number;
  exchangeP50Ms: number;
  exchangeP99Ms: number;
  idleConnectP50Us: number;
  idleConnectP99Us: number;
  /** Cores the load generator kept busy. */
  loadCpu: number;
  /**
   * The load generator's CPU time per connection (µs): the client's side of each connection,
   * the nat table's DNAT decision included (it runs in connect()). Less sensitive than the rate
   * to CPU taken by other processes on the machine.
   */
  clientCpuPerConnectionUs: number;
  /** Cores the backend process kept busy. */
  serverCpu: number;
  /** Cores busy on the whole machine (every process, kernel included). */
  machineBusy: number;
  /** Conntrack entries in the client namespace right after the run. */
  conntrackEntries: number;
}

/** Measurements the orchestrator adds to the load generator's own. */
export interface RunContext {
  serverCpu: number;
  machineBusy: number;
  conntrackEntries: number;
}

/** A run's figures from the load generator's output and what was seen around it. */
export function runFigures(load: LoadFigures, context: RunContext): RunFigures {
  return {
    perSecond: load.loaded.perSecond,
    errors: load.loaded.errors + load.idle.errors,
    connectP50Ms: load.loaded.connect.p50,
    connectP99Ms: load.loaded.connect.p99,
    exchangeP50Ms: load.loaded.exchange.p50,
    exchangeP99Ms: load.loaded.exchange.p99,
    idleConnectP50Us: load.idle.connect.p50 * 1000,
    idleConnectP99Us: load.idle.connect.p99 * 1000,
    loadCpu: load.loaded.cpu,
    clientCpuPerConnectionUs: load.loaded.perSecond > 0 ? (load.loaded.cpu / load.loaded.perSecond) * 1e6 : 0,
    ...context,
  };
}

/** The median of `values` (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Each figure's median over the rounds — except errors, which are summed. Throws for no rounds. */
export function medianRun(runs: readonly RunFigures[]): RunFigures {
  if (runs.length === 0) throw new Error("medianRun: no rounds");
  const out = { ...runs[0] };
  for (const key of Object.keys(out) as (keyof RunFigures)[]) {
    out[key] = key === "errors" ? runs.reduce((s, r) => s + r.errors, 0) : median(runs.map((r) => r[key]));
  }
  return out;
}

/** "1", "500", "10k", "2.5k". */
export function sizeLabel(services: number): string {
  return services >= 1000 ? `${Number((services / 1000).toPrecision(3))}k` : String(services);
}

/**
 * The paths of one benchmark run: direct; iptables and nftables ClusterIP at 1 service and at
 * `services`; and, when `podThroughRules`, direct connections from the two large namespaces
 * (a new connection to a pod walks the nat table too). `services` must be above 1.
 */
export function firstPacketPaths(services: number, podThroughRules: boolean): PathSpec[] {
  if (!Number.isInteger(services) || services < 2) throw new Error(`services must be an integer above 1, got ${services}`);
  const big = sizeLabel(services);
  const paths: PathSpec[] = [
    { key: "direct", label: "direct", mode: "direct", services: 0, to: "pod" },
    { key: "iptables@1", label: "ipt 1", mode: "iptables", services: 1, to: "clusterip" },
    { key: "nftables@1", label: "nft 1", mode: "nftables", services: 1, to: "clusterip" },
    { key: `iptables@${services}`, label: `ipt ${big}`, mode: "iptables", services, to: "clusterip" },
    { key: `nftables@${services}`, label: `nft ${big}`, mode: "nftables", services, to: "clusterip" },
  ];
  if (podThroughRules) {
    paths.push(
      { key: `pod@iptables@${services}`, label: `pod|ipt ${big}`, mode: "iptables", services, to: "pod" },
      { key: `pod@nftables@${services}`, label: `pod|nft ${big}`, mode: "nftables", services, to: "pod" },
    );
  }
  return paths;
}

/** A ratio between two paths' figures: `of` ÷ `over` (path keys). */
export interface PathComparison {
  of: string;
  over: string;
}

/**
 * The ratios to print, for those of the paths present: at the large size and at 1 service,
 * iptables/direct, nftables/direct, nftables/iptables; each backend large/1; pod-through-rules/direct.
 */
export function firstPacketComparisons(paths: readonly PathSpec[]): PathComparison[] {
  const keys = new Set(paths.map((p) => p.key));
  const sizes = [...new Set(paths.filter((p) => p.mode !== "direct").map((p) => p.services))].sort((a, b) => b - a);
  const out: PathComparison[] = [];
  for (const n of sizes) {
    out.push({ of: `iptables@${n}`, over: "direct" }, { of: `nftables@${n}`, over: "direct" }, { of: `nftables@${n}`, over: `iptables@${n}` });
  }
  for (const n of sizes.filter((s) => s > 1)) out.push({ of: `iptables@${n}`, over: "iptables@1" }, { of: `nftables@${n}`, over: "nftables@1" });
  for (const p of paths.filter((x) => x.to === "pod" && x.mode !== "direct")) out.push({ of: p.key, over: "direct" });
  return out.filter((c) => keys.has(c.of) && keys.has(c.over));
}

interface FigureSpec {
  figure: string;
  key: keyof RunFigures;
  /** The figure's column heading in the ratio table; absent: not in it. */
  ratio?: string;
}

const FIGURES: readonly FigureSpec[] = [
  { figure: "new connections/s (loaded)", key: "perSecond", ratio: "conn/s" },
  { figure: "connect p50 ms (loaded)", key: "connectP50Ms" },
  { figure: "connect p99 ms (loaded)", key: "connectP99Ms", ratio: "loaded connect p99" },
  { figure: "connect→reply→close p50 ms (loaded)", key: "exchangeP50Ms" },
  { figure: "connect→reply→close p99 ms (loaded)", key: "exchangeP99Ms" },
  { figure: "connect p50 µs (idle, one at a time)", key: "idleConnectP50Us", ratio: "idle connect p50" },
  { figure: "connect p99 µs (idle, one at a time)", key: "idleConnectP99Us", ratio: "idle connect p99" },
  { figure: "failed connections (all rounds)", key: "errors" },
  { figure: "load generator CPU (cores)", key: "loadCpu" },
  { figure: "load generator CPU µs per connection", key: "clientCpuPerConnectionUs", ratio: "client CPU/conn" },
  { figure: "backend CPU (cores)", key: "serverCpu" },
  { figure: "whole machine busy (cores)", key: "machineBusy" },
  { figure: "client conntrack entries after run", key: "conntrackEntries" },
];

/** A comparison's label with the paths' column headings, e.g. "ipt 10k / direct". */
export function comparisonLabel(c: PathComparison, paths: readonly PathSpec[]): string {
  const label = (key: string): string => paths.find((p) => p.key === key)?.label ?? key;
  return `${label(c.of)} / ${label(c.over)}`;
}

/** The ratio of one figure between two paths; undefined when the divisor is 0 or a path is missing. */
export function pathRatio(medians: ReadonlyMap<string, RunFigures>, c: PathComparison, key: keyof RunFigures): number | undefined {
  const of = medians.get(c.of)?.[key];
  const over = medians.get(c.over)?.[key];
  return of === undefined || over === undefined || over === 0 ? undefined : of / over;
}

/** The figures table (one column per path) and the ratio table (one row per comparison). */
export function formatFirstPacketReport(paths: readonly PathSpec[], medians: ReadonlyMap<string, RunFigures>, comparisons: readonly PathComparison[]): string {
  const cell = (p: PathSpec, key: keyof RunFigures): string => {
    const v = medians.get(p.key)?.[key];
    return v === undefined ? "-" : key === "loadCpu" || key === "serverCpu" || key === "machineBusy" ? v.toFixed(2) : formatNumber(v);
  };
  const figures = renderTable(
    ["figure (median of rounds)", ...paths.map((p) => p.label)],
    FIGURES.map((f) => [f.figure, ...paths.map((p) => cell(p, f.key))]),
  );
  const ratioFigures = FIGURES.filter((f) => f.ratio !== undefined);
  const ratios = renderTable(
    ["ratio", ...ratioFigures.map((f) => f.ratio ?? f.figure)],
    comparisons.map((c) => [comparisonLabel(c, paths), ...ratioFigures.map((f) => formatRatio(pathRatio(medians, c, f.key)))]),
  );
  return `${figures}\n\n${ratios}`;
}

/** The machine-readable summary: per path its median figures, per comparison its ratios. */
export function firstPacketJson(paths: readonly PathSpec[], medians: ReadonlyMap<string, RunFigures>, comparisons: readonly PathComparison[], config: Record<string, unknown>): Record<string, unknown> {
  const round = (v: number): number => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : v);
  const figures = (r: RunFigures | undefined): Record<string, number> => Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, round(v as number)]));
  return {
    bench: "first-packet",
    config,
    paths: Object.fromEntries(paths.map((p) => [p.key, { ...p, ...figures(medians.get(p.key)) }])),
    comparisons: comparisons.map((c) => ({
      of: c.of,
      over: c.over,
      ratios: Object.fromEntries(FIGURES.filter((f) => f.ratio !== undefined).flatMap((f) => {
        const r = pathRatio(medians, c, f.key);
        return r === undefined ? [] : [[f.key, round(r)]];
      })),
    })),
  };
}
