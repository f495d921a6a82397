// A small Prometheus registry: counters, gauges and histograms with optional labels, rendered in
// the text exposition format 0.0.4. It exists so the proxy can publish kube-proxy's metrics
// without a dependency; it keeps only what a scrape needs (no summaries, no exemplars).
//
// Output follows what Go's client library prints, so dashboards and tests written against a real
// kube-proxy read ours the same way: families sorted by name, label pairs sorted by label name
// (`le` last), series sorted by label values, numbers in Go's shortest `%g` form ("1e+06"), and a
// labelled family that has no series yet printed not at all.

export type LabelValues = Readonly<Record<string, string>>;
export type MetricType = "counter" | "gauge" | "histogram";

export interface MetricOptions {
  /** Full metric name, e.g. "kubeproxy_sync_proxy_rules_duration_seconds". */
  name: string;
  help: string;
  /** Names of the labels every series carries; none by default. */
  labelNames?: readonly string[];
}

export interface HistogramOptions extends MetricOptions {
  /** Upper bounds, strictly increasing; +Inf is implied (a trailing +Inf is accepted and dropped). */
  buckets: readonly number[];
}

const metricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface Series<S> {
  labels: LabelValues;
  state: S;
}

/** The shared storage of one metric family; views made by `curry` point at the same family. */
class Family<S> {
  readonly series = new Map<string, Series<S>>();

  constructor(
    readonly type: MetricType,
    readonly options: MetricOptions,
    readonly labelNames: readonly string[],
    readonly fresh: () => S,
    readonly buckets: readonly number[] = [],
  ) {}

  /** The series for a complete label set, created on first use. */
  get(labels: LabelValues): S {
    const key = this.labelNames.map((n) => labels[n]).join("\u0000");
    let s = this.series.get(key);
    if (!s) {
      s = { labels: { ...labels }, state: this.fresh() };
      this.series.set(key, s);
    }
    return s.state;
  }
}

/** What every metric view shares: its family and the labels fixed by `curry`. */
abstract class Metric<S> {
  readonly #family: Family<S>;
  readonly #fixed: LabelValues;

  protected constructor(family: Family<S>, fixed: LabelValues) {
    this.#family = family;
    this.#fixed = fixed;
    // A family without labels always has its one series, so it shows up (as 0) before first use.
    if (family.labelNames.length === 0) family.get({});
  }

  get name(): string {
    return this.#family.options.name;
  }
  get type(): MetricType {
    return this.#family.type;
  }
  /** The label names a caller still has to give (those not fixed by `curry`). */
  get labelNames(): readonly string[] {
    return this.#family.labelNames.filter((n) => !(n in this.#fixed));
  }

  /** Forgets every series that matches this view's fixed labels (and `values`, if given). */
  reset(values: LabelValues = {}): void {
    const want = { ...this.#fixed, ...values };
    for (const [key, s] of this.#family.series) {
      if (Object.entries(want).every(([n, v]) => s.labels[n] === v)) this.#family.series.delete(key);
    }
    if (this.#family.labelNames.length === 0) this.#family.get({});
  }

  /** @internal The family, for the registry and for `curry`. */
  familyOf(): Family<S> {
    return this.#family;
  }

  protected fixedLabels(): LabelValues {
    return this.#fixed;
  }

  protected state(values: LabelValues = {}): S {
    const clash = Object.keys(values).filter((n) => n in this.#fixed);
    if (clash.length) throw new Error(`metric ${this.name}: label ${clash.join(", ")} is fixed by curry`);
    const labels = { ...this.#fixed, ...values };
    const names = this.#family.labelNames;
    const given = Object.keys(labels);
    const missing = names.filter((n) => typeof labels[n] !== "string");
    const unknown = given.filter((n) => !names.includes(n));
    if (missing.length || unknown.length) {
      const parts = [missing.length ? `missing ${missing.join(", ")}` : "", unknown.length ? `unknown ${unknown.join(", ")}` : ""];
      throw new Error(`metric ${this.name}: labels ${parts.filter(Boolean).join("; ")}`);
    }
    return this.#family.get(labels);
  }

  protected curried(values: LabelValues): Family<S> {
    for (const n of Object.keys(values)) {
      if (!this.labelNames.includes(n)) throw new Error(`metric ${this.name}: cannot curry unknown or fixed label ${n}`);
    }
    return this.#family;
  }
}

interface CounterState {
  value: number;
}

export interface CounterChild {
  inc(by?: number): void;
  get(): number;
}

export class Counter extends Metric<CounterState> {
  /** The second argument is internal: `curry` uses it to share a family. */
  constructor(options: MetricOptions, bound?: { family: Family<CounterState>; fixed: LabelValues }) {
    super(bound?.family ?? new Family("counter", options, checkLabelNames(options), () => ({ value: 0 })), bound?.fixed ?? {});
  }

  /** Adds to a series: `inc()`, `inc(2)`, `inc({ code: "200" })`, `inc({ code: "200" }, 2)`. Counters only go up. */
  inc(labelsOrBy?: LabelValues | number, by?: number): void {
    const [labels, n] = typeof labelsOrBy === "object" ? [labelsOrBy, by] : [{}, labelsOrBy];
    this.labels(labels).inc(n ?? 1);
  }
  get(values: LabelValues = {}): number {
    return this.state(values).value;
  }
  labels(values: LabelValues): CounterChild {
    const s = this.state(values);
    const name = this.name;
    return {
      inc(by = 1) {
        if (!(by >= 0)) throw new Error(`counter ${name} cannot decrease (inc by ${by})`);
        s.value += by;
      },
      get: () => s.value,
    };
  }
  /** A view with some labels fixed (Go's CurryWith): `requests.curry({ ip_family: "IPv4" })`. */
  curry(values: LabelValues): Counter {
    return new Counter(this.familyOf().options, { family: this.curried(values), fixed: { ...this.fixedLabels(), ...values } });
  }
}

interface GaugeState {
  value: number;
}

export interface GaugeChild {
  set(value: number): void;
  inc(by?: number): void;
  dec(by?: number): void;
  /** Sets the value to the time in seconds since the Unix epoch (Go's SetToCurrentTime). */
  setToTime(time: Date): void;
  get(): number;
}

export class Gauge extends Metric<GaugeState> {
  constructor(options: MetricOptions, bound?: { family: Family<GaugeState>; fixed: LabelValues }) {
    super(bound?.family ?? new Family("gauge", options, checkLabelNames(options), () => ({ value: 0 })), bound?.fixed ?? {});
  }

  /** `set(5)` on a view with every label fixed, or `set({ table: "nat" }, 5)`. */
  set(labelsOrValue: LabelValues | number, value?: number): void {
    const [labels, v] = split(labelsOrValue, value);
    if (v === undefined) throw new Error(`gauge ${this.name}: set needs a value`);
    this.labels(labels).set(v);
  }
  inc(labelsOrBy?: LabelValues | number, by?: number): void {
    const [labels, n] = split(labelsOrBy ?? 1, by);
    this.labels(labels).inc(n ?? 1);
  }
  dec(labelsOrBy?: LabelValues | number, by?: number): void {
    const [labels, n] = split(labelsOrBy ?? 1, by);
    this.labels(labels).dec(n ?? 1);
  }
  setToTime(labelsOrTime: LabelValues | Date, time?: Date): void {
    if (labelsOrTime instanceof Date) this.labels({}).setToTime(labelsOrTime);
    else this.labels(labelsOrTime).setToTime(time ?? new Date(0));
  }
  get(values: LabelValues = {}): number {
    return this.state(values).value;
  }
  labels(values: LabelValues): GaugeChild {
    const s = this.state(values);
    return {
      set: (value) => void (s.value = value),
      inc: (by = 1) => void (s.value += by),
      dec: (by = 1) => void (s.value -= by),
      setToTime: (time) => void (s.value = time.getTime() / 1000),
      get: () => s.value,
    };
  }
  curry(values: LabelValues): Gauge {
    return new Gauge(this.familyOf().options, { family: this.curried(values), fixed: { ...this.fixedLabels(), ...values } });
  }
}

interface HistogramState {
  /** Observations per bucket (not cumulative); the last slot is the +Inf bucket. */
  counts: number[];
  sum: number;
  count: number;
}

export interface HistogramChild {
  observe(value: number): void;
  get(): { buckets: { le: number; count: number }[]; sum: number; count: number };
}

export class Histogram extends Metric<HistogramState> {
  constructor(options: HistogramOptions, bound?: { family: Family<HistogramState>; fixed: LabelValues }) {
    const buckets = bound?.family.buckets ?? checkBuckets(options);
    const labelNames = bound ? bound.family.labelNames : checkLabelNames(options);
    if (!bound && labelNames.includes("le")) throw new Error(`histogram ${options.name}: "le" is reserved`);
    const fresh = (): HistogramState => ({ counts: new Array<number>(buckets.length + 1).fill(0), sum: 0, count: 0 });
    super(bound?.family ?? new Family("histogram", options, labelNames, fresh, buckets), bound?.fixed ?? {});
  }

  get buckets(): readonly number[] {
    return this.familyOf().buckets;
  }

  /** `observe(0.25)` on a view with every label fixed, or `observe({ mode: "x" }, 0.25)`. */
  observe(labelsOrValue: LabelValues | number, value?: number): void {
    const [labels, v] = split(labelsOrValue, value);
    if (v === undefined) throw new Error(`histogram ${this.name}: observe needs a value`);
    this.labels(labels).observe(v);
  }
  get(values: LabelValues = {}): ReturnType<HistogramChild["get"]> {
    return this.labels(values).get();
  }
  labels(values: LabelValues): HistogramChild {
    const s = this.state(values);
    const bounds = this.buckets;
    return {
      observe(value) {
        // Upper bounds are inclusive, as in Prometheus: 0.001 lands in le="0.001".
        let i = 0;
        while (i < bounds.length && value > bounds[i]) i++;
        s.counts[i]++;
        s.sum += value;
        s.count++;
      },
      get() {
        let running = 0;
        const buckets = [...bounds, Infinity].map((le, i) => ({ le, count: (running += s.counts[i]) }));
        return { buckets, sum: s.sum, count: s.count };
      },
    };
  }
  curry(values: LabelValues): Histogram {
    const family = this.curried(values);
    return new Histogram({ ...family.options, buckets: family.buckets }, { family, fixed: { ...this.fixedLabels(), ...values } });
  }
}

export type AnyMetric = Counter | Gauge | Histogram;

/** A set of metric families with unique names, rendered together. */
export class Registry {
  readonly #families = new Map<string, { family: Family<unknown>; metric: AnyMetric }>();

  /**
   * Adds a metric. Registering a second metric with the same name fails unless it is the same
   * family (a curried view) — then the one already registered wins and is returned.
   */
  register<M extends AnyMetric>(metric: M): M {
    const family = metric.familyOf() as Family<unknown>;
    const existing = this.#families.get(metric.name);
    if (existing && existing.family !== family) throw new Error(`metric ${metric.name} is already registered`);
    if (!existing) this.#families.set(metric.name, { family, metric });
    return metric;
  }

  /** Creates and registers a counter, or returns the registered one if its definition is identical. */
  counter(options: MetricOptions): Counter {
    return this.#define("counter", options, () => new Counter(options)) as Counter;
  }
  gauge(options: MetricOptions): Gauge {
    return this.#define("gauge", options, () => new Gauge(options)) as Gauge;
  }
  histogram(options: HistogramOptions): Histogram {
    return this.#define("histogram", options, () => new Histogram(options)) as Histogram;
  }

  get(name: string): AnyMetric | undefined {
    return this.#families.get(name)?.metric;
  }

  /** The whole registry in the text exposition format 0.0.4. */
  render(): string {
    const names = [...this.#families.keys()].sort();
    return names.map((n) => renderFamily(this.#families.get(n)!.family)).join("");
  }

  #define(type: MetricType, options: MetricOptions | HistogramOptions, make: () => AnyMetric): AnyMetric {
    const existing = this.#families.get(options.name);
    if (!existing) return this.register(make());
    const f = existing.family;
    const same =
      f.type === type &&
      f.options.help === options.help &&
      sameList(f.labelNames, options.labelNames ?? []) &&
      sameList(f.buckets, "buckets" in options ? withoutInf(options.buckets) : []);
    if (!same) throw new Error(`metric ${options.name} is already registered with a different definition`);
    return existing.metric;
  }
}

/** `count` bounds starting at `start`, each `factor` times the one before (Go's ExponentialBuckets). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  if (!(start > 0) || !(factor > 1) || count < 1) throw new Error("exponentialBuckets needs start > 0, factor > 1, count ≥ 1");
  const out: number[] = [];
  for (let i = 0, b = start; i < count; i++, b *= factor) out.push(b);
  return out;
}

/** `count` bounds starting at `start`, `width` apart (Go's LinearBuckets; accumulated the same way). */
export function linearBuckets(start: number, width: number, count: number): number[] {
  if (!(width > 0) || count < 1) throw new Error("linearBuckets needs width > 0, count ≥ 1");
  const out: number[] = [];
  for (let i = 0, b = start; i < count; i++, b += width) out.push(b);
  return out;
}

/**
 * A sample value as Go's text encoder writes it: strconv 'g' with the shortest digits, which
 * switches to an exponent below 1e-4 and from 1e6 on ("1e+06", "1.5e-05"), plus +Inf/-Inf/NaN.
 */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v === 0) return "0";
  const [mantissa, exponent] = v.toExponential().split("e");
  const exp = Number(exponent);
  if (exp >= -4 && exp < 6) return String(v);
  const digits = String(Math.abs(exp)).padStart(2, "0");
  return `${mantissa}e${exp < 0 ? "-" : "+"}${digits}`;
}

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

export function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function renderFamily(family: Family<unknown>): string {
  const { name, help } = family.options;
  if (family.series.size === 0) return "";
  const sortedNames = [...family.labelNames].sort();
  const series = [...family.series.values()].sort((a, b) => compareLabels(a.labels, b.labels, sortedNames));
  const lines = [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${family.type}`];
  const pairs = (labels: LabelValues, extra?: [string, string]): string => {
    const all = sortedNames.map((n): [string, string] => [n, labels[n]]);
    if (extra) all.push(extra);
    return all.length ? `{${all.map(([n, v]) => `${n}="${escapeLabelValue(v)}"`).join(",")}}` : "";
  };
  for (const s of series) {
    if (family.type !== "histogram") {
      lines.push(`${name}${pairs(s.labels)} ${formatSampleValue((s.state as CounterState).value)}`);
      continue;
    }
    const h = s.state as HistogramState;
    let running = 0;
    [...family.buckets, Infinity].forEach((le, i) => {
      running += h.counts[i];
      lines.push(`${name}_bucket${pairs(s.labels, ["le", formatSampleValue(le)])} ${formatSampleValue(running)}`);
    });
    lines.push(`${name}_sum${pairs(s.labels)} ${formatSampleValue(h.sum)}`);
    lines.push(`${name}_count${pairs(s.labels)} ${formatSampleValue(h.count)}`);
  }
  return lines.join("\n") + "\n";
}

/** Sorts out the two call styles: `(value)` and `(labels, value)`. */
function split(labelsOrValue: LabelValues | number, value: number | undefined): [LabelValues, number | undefined] {
  return typeof labelsOrValue === "number" ? [{}, labelsOrValue] : [labelsOrValue, value];
}

function compareLabels(a: LabelValues, b: LabelValues, names: readonly string[]): number {
  for (const n of names) {
    if (a[n] !== b[n]) return a[n] < b[n] ? -1 : 1;
  }
  return 0;
}

function checkLabelNames(options: MetricOptions): readonly string[] {
  if (!metricNamePattern.test(options.name)) throw new Error(`invalid metric name ${JSON.stringify(options.name)}`);
  const names = options.labelNames ?? [];
  for (const n of names) {
    if (!labelNamePattern.test(n) || n.startsWith("__")) throw new Error(`metric ${options.name}: invalid label name ${JSON.stringify(n)}`);
  }
  if (new Set(names).size !== names.length) throw new Error(`metric ${options.name}: duplicate label names`);
  return [...names];
}

function checkBuckets(options: HistogramOptions): readonly number[] {
  const buckets = withoutInf(options.buckets);
  if (buckets.length === 0) throw new Error(`histogram ${options.name}: needs at least one bucket`);
  for (let i = 0; i < buckets.length; i++) {
    if (!Number.isFinite(buckets[i]) || (i > 0 && buckets[i] <= buckets[i - 1])) {
      throw new Error(`histogram ${options.name}: buckets must be finite and strictly increasing`);
    }
  }
  return buckets;
}

function withoutInf(buckets: readonly number[]): number[] {
  return buckets[buckets.length - 1] === Infinity ? buckets.slice(0, -1) : [...buckets];
}

function sameList(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
