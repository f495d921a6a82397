import { test } from "node:test";
import assert from "node:assert/strict";
import { Counter, Gauge, Histogram, Registry, escapeHelp, escapeLabelValue, exponentialBuckets, formatSampleValue, linearBuckets } from "./registry.js";

test("sample values are written as Go's text encoder writes them", async (t) => {
  const cases: [number, string][] = [
    [0, "0"],
    [-0, "0"],
    [1, "1"],
    [-1, "-1"],
    [0.25, "0.25"],
    [0.001, "0.001"],
    [16.384, "16.384"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [0.000015, "1.5e-05"],
    [123456, "123456"],
    [999999, "999999"],
    [1e6, "1e+06"],
    [1234567, "1.234567e+06"],
    [1748736000.5, "1.7487360005e+09"],
    [1e21, "1e+21"],
    [1e-100, "1e-100"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
    [NaN, "NaN"],
  ];
  for (const [v, want] of cases) await t.test(String(v), () => assert.equal(formatSampleValue(v), want));
});

test("label values and help texts are escaped", () => {
  assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
  assert.equal(escapeHelp('say "hi"\\\nbye'), 'say "hi"\\\\\\nbye');
});

test("bucket helpers match Go's", () => {
  assert.deepEqual(exponentialBuckets(0.001, 2, 4), [0.001, 0.002, 0.004, 0.008]);
  assert.deepEqual(linearBuckets(60, 5, 3), [60, 65, 70]);
  assert.throws(() => exponentialBuckets(0, 2, 3));
  assert.throws(() => linearBuckets(1, 0, 3));
});

test("a registry renders families sorted by name in exposition format 0.0.4", () => {
  const r = new Registry();
  const requests = r.counter({ name: "b_requests_total", help: "Requests.", labelNames: ["path", "code"] });
  const temperature = r.gauge({ name: "a_temperature", help: "Line one\nline \\two" });
  const latency = r.histogram({ name: "c_latency_seconds", help: "Latency.", labelNames: ["mode"], buckets: [0.1, 1] });
  requests.inc({ path: "/x", code: "500" });
  requests.inc({ path: "/x", code: "200" }, 2);
  requests.labels({ path: 'we"ird\n', code: "200" }).inc();
  temperature.set(-3.5);
  latency.observe({ mode: "full" }, 0.1);
  latency.observe({ mode: "full" }, 0.5);
  latency.observe({ mode: "full" }, 7);
  latency.labels({ mode: "partial" }).observe(0.05);
  assert.equal(
    r.render(),
    [
      "# HELP a_temperature Line one\\nline \\\\two",
      "# TYPE a_temperature gauge",
      "a_temperature -3.5",
      "# HELP b_requests_total Requests.",
      "# TYPE b_requests_total counter",
      'b_requests_total{code="200",path="/x"} 2',
      'b_requests_total{code="200",path="we\\"ird\\n"} 1',
      'b_requests_total{code="500",path="/x"} 1',
      "# HELP c_latency_seconds Latency.",
      "# TYPE c_latency_seconds histogram",
      'c_latency_seconds_bucket{mode="full",le="0.1"} 1',
      'c_latency_seconds_bucket{mode="full",le="1"} 2',
      'c_latency_seconds_bucket{mode="full",le="+Inf"} 3',
      'c_latency_seconds_sum{mode="full"} 7.6',
      'c_latency_seconds_count{mode="full"} 3',
      'c_latency_seconds_bucket{mode="partial",le="0.1"} 1',
      'c_latency_seconds_bucket{mode="partial",le="1"} 1',
      'c_latency_seconds_bucket{mode="partial",le="+Inf"} 1',
      'c_latency_seconds_sum{mode="partial"} 0.05',
      'c_latency_seconds_count{mode="partial"} 1',
      "",
    ].join("\n"),
  );
});

test("an unlabelled metric shows 0 at once; a labelled family with no series is left out", () => {
  const r = new Registry();
  r.counter({ name: "plain_total", help: "h" });
  r.counter({ name: "by_code_total", help: "h", labelNames: ["code"] });
  r.histogram({ name: "plain_seconds", help: "h", buckets: [1] });
  assert.equal(
    r.render(),
    [
      "# HELP plain_seconds h",
      "# TYPE plain_seconds histogram",
      'plain_seconds_bucket{le="1"} 0',
      'plain_seconds_bucket{le="+Inf"} 0',
      "plain_seconds_sum 0",
      "plain_seconds_count 0",
      "# HELP plain_total h",
      "# TYPE plain_total counter",
      "plain_total 0",
      "",
    ].join("\n"),
  );
});

test("histogram bounds are inclusive and cumulative counts add up", () => {
  const h = new Histogram({ name: "h_seconds", help: "h", buckets: [1, 2, 4, Infinity] });
  for (const v of [0, 1, 1.5, 2, 3, 4, 5]) h.observe(v);
  assert.deepEqual(h.buckets, [1, 2, 4]);
  const got = h.get();
  assert.deepEqual(got.buckets, [
    { le: 1, count: 2 },
    { le: 2, count: 4 },
    { le: 4, count: 6 },
    { le: Infinity, count: 7 },
  ]);
  assert.equal(got.sum, 16.5);
  assert.equal(got.count, 7);
});

test("curry fixes labels on a shared family", () => {
  const r = new Registry();
  const all = r.gauge({ name: "rules", help: "h", labelNames: ["ip_family", "table"] });
  const v4 = all.curry({ ip_family: "IPv4" });
  const v4nat = v4.curry({ table: "nat" });
  v4nat.set(10);
  v4.set({ table: "filter" }, 3);
  all.set({ ip_family: "IPv6", table: "nat" }, 7);
  assert.deepEqual(v4.labelNames, ["table"]);
  assert.equal(all.get({ ip_family: "IPv4", table: "nat" }), 10);
  assert.equal(v4.get({ table: "filter" }), 3);
  assert.match(r.render(), /rules\{ip_family="IPv4",table="filter"\} 3\nrules\{ip_family="IPv4",table="nat"\} 10\nrules\{ip_family="IPv6",table="nat"\} 7\n/);
  v4.reset();
  assert.doesNotMatch(r.render(), /IPv4/);
  assert.equal(all.get({ ip_family: "IPv6", table: "nat" }), 7);
  assert.throws(() => v4.curry({ ip_family: "IPv6" }), /cannot curry/);
  assert.throws(() => v4.set({ ip_family: "IPv6", table: "nat" }, 1), /fixed by curry/);
});

test("misuse is refused", async (t) => {
  const cases: { name: string; run: () => unknown; want: RegExp }[] = [
    { name: "bad metric name", run: () => new Counter({ name: "1abc", help: "" }), want: /invalid metric name/ },
    { name: "bad label name", run: () => new Counter({ name: "a", help: "", labelNames: ["a-b"] }), want: /invalid label name/ },
    { name: "reserved label name", run: () => new Counter({ name: "a", help: "", labelNames: ["__x"] }), want: /invalid label name/ },
    { name: "duplicate label", run: () => new Gauge({ name: "a", help: "", labelNames: ["x", "x"] }), want: /duplicate/ },
    { name: "le on a histogram", run: () => new Histogram({ name: "a", help: "", labelNames: ["le"], buckets: [1] }), want: /reserved/ },
    { name: "unsorted buckets", run: () => new Histogram({ name: "a", help: "", buckets: [2, 1] }), want: /strictly increasing/ },
    { name: "no buckets", run: () => new Histogram({ name: "a", help: "", buckets: [] }), want: /at least one/ },
    { name: "counter going down", run: () => new Counter({ name: "a", help: "" }).inc(-1), want: /cannot decrease/ },
    { name: "missing label", run: () => new Counter({ name: "a", help: "", labelNames: ["code"] }).inc(), want: /missing code/ },
    { name: "unknown label", run: () => new Counter({ name: "a", help: "" }).inc({ code: "200" }), want: /unknown code/ },
  ];
  for (const c of cases) await t.test(c.name, () => assert.throws(c.run, c.want));
});

test("registering the same definition twice returns the first; a different one is refused", () => {
  const r = new Registry();
  const a = r.counter({ name: "x_total", help: "h", labelNames: ["code"] });
  assert.equal(r.counter({ name: "x_total", help: "h", labelNames: ["code"] }), a);
  assert.equal(r.get("x_total"), a);
  assert.throws(() => r.counter({ name: "x_total", help: "other", labelNames: ["code"] }), /different definition/);
  assert.throws(() => r.gauge({ name: "x_total", help: "h", labelNames: ["code"] }), /different definition/);
  assert.throws(() => r.register(new Counter({ name: "x_total", help: "h" })), /already registered/);
  assert.equal(r.register(a.curry({ code: "200" })).name, "x_total");
});

test("gauges move both ways and take timestamps in seconds", () => {
  const g = new Gauge({ name: "g", help: "h" });
  g.inc();
  g.inc(4);
  g.dec(2);
  assert.equal(g.get(), 3);
  g.setToTime(new Date(1_700_000_000_500));
  assert.equal(g.get(), 1_700_000_000.5);
});
