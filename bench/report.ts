// The benchmark's report: a table of figures per system under test (a store and a number of API
// servers on it) with ratios between systems measured in the same run, each latency figure
// against its limit, and one machine-readable JSON line. Pure: builds strings and objects,
// prints nothing.

import type { LatencySummary } from "./stats.js";

/** Everything measured on one system (a store behind one or more API servers). Latencies in milliseconds. */
export interface StoreFigures {
  /** The system's name in the report, e.g. "sqlite", "etcd×2". Unique within a report. */
  store: string;
  /** API servers the clients were spread over. */
  servers: number;
  creates: {
    count: number;
    clients: number;
    seconds: number;
    perSecond: number;
    errors: number;
    latency: LatencySummary;
    /** The same latencies split by the server that answered, in server order. */
    byServer: LatencySummary[];
  };
  sequential: { count: number; errors: number; latency: LatencySummary };
  fanOut: { watchers: number; writes: number; missed: number; errors: number; perWatcher: LatencySummary; slowest: LatencySummary };
}

/** The limits each figure is held against. */
export interface Limits {
  /** Kubernetes' API call latency SLO for single-object mutations, p99 (1000 ms). */
  writeSloP99Ms: number;
  /** The project's aim for single-object write p99 (50 ms). */
  writeAimP99Ms: number;
  /** The project's aim for fan-out p99 (50 ms). */
  fanOutAimP99Ms: number;
}

export const defaultLimits: Limits = { writeSloP99Ms: 1000, writeAimP99Ms: 50, fanOutAimP99Ms: 50 };

/** One figure against one limit. `ratio` = value / limit; ≤ 1 means within it. */
export interface LimitCheck {
  store: string;
  figure: string;
  valueMs: number;
  limit: string;
  limitMs: number;
  ratio: number;
  within: boolean;
}

/** A ratio column: the figure on system `of` ÷ the same figure on system `over`. */
export interface Comparison {
  of: string;
  over: string;
}

/**
 * The ratio columns when none are given: every system ÷ the first, then every system from the
 * third on ÷ the one before it. For [sqlite, etcd×1, etcd×2]: etcd×1÷sqlite, etcd×2÷sqlite,
 * etcd×2÷etcd×1.
 */
export function defaultComparisons(stores: readonly StoreFigures[]): Comparison[] {
  const names = stores.map((s) => s.store);
  const overFirst = names.slice(1).map((of) => ({ of, over: names[0] }));
  const overPrevious = names.slice(2).map((of, i) => ({ of, over: names[i + 1] }));
  return [...overFirst, ...overPrevious];
}

/** A comparison's column heading, e.g. "etcd×2/sqlite". */
export function comparisonLabel(c: Comparison): string {
  return `${c.of}/${c.over}`;
}

/** One row of the main table: a figure on every system, and one ratio per comparison. */
export interface FigureRow {
  figure: string;
  key: string;
  values: number[];
  /** values[of] / values[over] for each comparison; undefined where the divisor is 0. */
  ratios: (number | undefined)[];
}

/**
 * The rows of the main table, in display order. Throws when a comparison names a system that
 * is not in `stores`.
 */
export function figureRows(stores: readonly StoreFigures[], comparisons: readonly Comparison[] = defaultComparisons(stores)): FigureRow[] {
  const index = (name: string): number => {
    const i = stores.findIndex((s) => s.store === name);
    if (i < 0) throw new Error(`comparison names ${JSON.stringify(name)}, which is not among ${stores.map((s) => s.store).join(", ")}`);
    return i;
  };
  const pairs = comparisons.map((c) => [index(c.of), index(c.over)] as const);
  const spec: { figure: string; key: string; get: (f: StoreFigures) => number }[] = [
    { figure: "creates/s (closed loop)", key: "createsPerSecond", get: (f) => f.creates.perSecond },
    { figure: "create under load p50 ms", key: "loadedWriteP50Ms", get: (f) => f.creates.latency.p50 },
    { figure: "create under load p99 ms", key: "loadedWriteP99Ms", get: (f) => f.creates.latency.p99 },
    { figure: "create under load max ms", key: "loadedWriteMaxMs", get: (f) => f.creates.latency.max },
    { figure: "sequential write p50 ms", key: "writeP50Ms", get: (f) => f.sequential.latency.p50 },
    { figure: "sequential write p99 ms", key: "writeP99Ms", get: (f) => f.sequential.latency.p99 },
    { figure: "sequential write max ms", key: "writeMaxMs", get: (f) => f.sequential.latency.max },
    { figure: "fan-out per watcher p50 ms", key: "fanOutP50Ms", get: (f) => f.fanOut.perWatcher.p50 },
    { figure: "fan-out per watcher p99 ms", key: "fanOutP99Ms", get: (f) => f.fanOut.perWatcher.p99 },
    { figure: "fan-out per watcher max ms", key: "fanOutMaxMs", get: (f) => f.fanOut.perWatcher.max },
    { figure: "fan-out last watcher p50 ms", key: "fanOutLastP50Ms", get: (f) => f.fanOut.slowest.p50 },
    { figure: "fan-out last watcher p99 ms", key: "fanOutLastP99Ms", get: (f) => f.fanOut.slowest.p99 },
    { figure: "failed writes", key: "failedWrites", get: (f) => f.creates.errors + f.sequential.errors + f.fanOut.errors },
    { figure: "missed watch events", key: "missedEvents", get: (f) => f.fanOut.missed },
  ];
  return spec.map((s) => {
    const values = stores.map(s.get);
    const ratios = pairs.map(([of, over]) => (values[over] === 0 ? undefined : values[of] / values[over]));
    return { figure: s.figure, key: s.key, values, ratios };
  });
}

/** Each store's p99 write latencies against the SLO and the aim, and its fan-out p99 against the aim. */
export function limitChecks(stores: readonly StoreFigures[], limits: Limits = defaultLimits): LimitCheck[] {
  const checks: LimitCheck[] = [];
  const add = (store: string, figure: string, valueMs: number, limit: string, limitMs: number): void => {
    const ratio = valueMs / limitMs;
    checks.push({ store, figure, valueMs, limit, limitMs, ratio, within: ratio <= 1 });
  };
  for (const f of stores) {
    add(f.store, "sequential write p99", f.sequential.latency.p99, "Kubernetes SLO", limits.writeSloP99Ms);
    add(f.store, "sequential write p99", f.sequential.latency.p99, "aim", limits.writeAimP99Ms);
    add(f.store, `create p99 under ${f.creates.clients} clients`, f.creates.latency.p99, "Kubernetes SLO", limits.writeSloP99Ms);
    add(f.store, `create p99 under ${f.creates.clients} clients`, f.creates.latency.p99, "aim", limits.writeAimP99Ms);
    add(f.store, `fan-out p99 to ${f.fanOut.watchers} watchers`, f.fanOut.perWatcher.p99, "aim", limits.fanOutAimP99Ms);
  }
  return checks;
}

/** A figure for the table: integers above 100, otherwise up to 3 significant digits. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100 || Number.isInteger(v)) return Math.round(v).toString();
  return Number(v.toPrecision(3)).toString();
}

/** A ratio for the table, e.g. "0.042×". */
export function formatRatio(r: number | undefined): string {
  return r === undefined ? "-" : `${Number(r.toPrecision(3))}×`;
}

/** Left-aligns the first column and right-aligns the rest. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? "").length)));
  const line = (r: readonly string[]): string =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Options for formatReport and benchJson. */
export interface ReportOptions {
  /** Default defaultLimits. */
  limits?: Limits;
  /** The ratio columns; default defaultComparisons(stores). */
  comparisons?: readonly Comparison[];
}

/** The human-readable report: the figures table with its ratio columns, then each figure against its limit. */
export function formatReport(stores: readonly StoreFigures[], options: ReportOptions = {}): string {
  const limits = options.limits ?? defaultLimits;
  const comparisons = options.comparisons ?? defaultComparisons(stores);
  const names = stores.map((s) => s.store);
  const rows = figureRows(stores, comparisons).map((r) => [r.figure, ...r.values.map(formatNumber), ...r.ratios.map(formatRatio)]);
  const checks = limitChecks(stores, limits).map((c) => [
    c.store,
    c.figure,
    `${formatNumber(c.valueMs)} ms`,
    `${c.limit} ${formatNumber(c.limitMs)} ms`,
    formatRatio(c.ratio),
    c.within ? "within" : "OVER",
  ]);
  return [
    renderTable(["figure", ...names, ...comparisons.map(comparisonLabel)], rows),
    "",
    renderTable(["system", "figure", "value", "limit", "value/limit", ""], checks),
  ].join("\n");
}

/**
 * The machine-readable summary printed after `BENCH_JSON `: per system its figures by key (and
 * the full detail), per comparison its ratios by key (keys whose divisor was 0 left out), and
 * every limit check.
 */
export function benchJson(stores: readonly StoreFigures[], config: Record<string, unknown>, options: ReportOptions = {}): Record<string, unknown> {
  const limits = options.limits ?? defaultLimits;
  const comparisons = options.comparisons ?? defaultComparisons(stores);
  const rows = figureRows(stores, comparisons);
  return {
    bench: "api-writes",
    config,
    limits,
    stores: Object.fromEntries(stores.map((s, i) => [s.store, { ...Object.fromEntries(rows.map((r) => [r.key, round(r.values[i])])), detail: roundDeep(s) }])),
    comparisons: comparisons.map((c, j) => {
      const ratios: Record<string, number> = {};
      for (const r of rows) {
        const v = r.ratios[j];
        if (v !== undefined) ratios[r.key] = round(v);
      }
      return { of: c.of, over: c.over, ratios };
    }),
    vsLimits: limitChecks(stores, limits).map((c) => ({ ...c, valueMs: round(c.valueMs), ratio: round(c.ratio) })),
  };
}

function roundDeep(v: unknown): unknown {
  if (typeof v === "number") return round(v);
  if (Array.isArray(v)) return v.map(roundDeep);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundDeep(x)]));
  return v;
}

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1000) / 1000 : v;
}
