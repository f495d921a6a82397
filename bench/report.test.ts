import { test } from "node:test";
import assert from "node:assert/strict";
import type { StoreFigures } from "./report.js";
import { benchJson, comparisonLabel, defaultComparisons, figureRows, formatNumber, formatRatio, formatReport, limitChecks, renderTable } from "./report.js";
import type { LatencySummary } from "./stats.js";

const lat = (p50: number, p99: number, max = p99): LatencySummary => ({ count: 100, p50, p99, max, mean: p50 });

function makeFigures(store: string, edit: (f: StoreFigures) => void = () => {}): StoreFigures {
  const f: StoreFigures = {
    store,
    servers: 1,
    creates: { count: 3000, clients: 50, seconds: 2, perSecond: 1500, errors: 0, latency: lat(20, 80), byServer: [lat(20, 80)] },
    sequential: { count: 300, errors: 0, latency: lat(1, 20) },
    fanOut: { watchers: 100, writes: 200, missed: 0, errors: 0, perWatcher: lat(5, 30), slowest: lat(6, 35) },
  };
  edit(f);
  return f;
}

const sqlite = makeFigures("sqlite");
const etcd = makeFigures("etcd", (f) => {
  f.creates.perSecond = 750;
  f.sequential.latency = lat(2, 40);
  f.fanOut.perWatcher = lat(10, 60);
});
const etcd2 = makeFigures("etcd×2", (f) => {
  f.servers = 2;
  f.creates.perSecond = 900;
  f.sequential.latency = lat(2, 48);
  f.fanOut.perWatcher = lat(12, 90);
  f.fanOut.missed = 3;
});

test("defaultComparisons: every system over the first, then each from the third over the one before", async (t) => {
  const cases: { name: string; stores: StoreFigures[]; want: string[] }[] = [
    { name: "one system: none", stores: [sqlite], want: [] },
    { name: "two systems", stores: [sqlite, etcd], want: ["etcd/sqlite"] },
    { name: "three systems", stores: [sqlite, etcd, etcd2], want: ["etcd/sqlite", "etcd×2/sqlite", "etcd×2/etcd"] },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(defaultComparisons(c.stores).map(comparisonLabel), c.want));
});

test("figureRows: one ratio per comparison, of ÷ over", async (t) => {
  const rows = new Map(figureRows([sqlite, etcd, etcd2]).map((r) => [r.key, r]));
  // Ratio order: etcd/sqlite, etcd×2/sqlite, etcd×2/etcd.
  const cases: { name: string; key: string; values: number[]; ratios: (number | undefined)[] }[] = [
    { name: "creates per second", key: "createsPerSecond", values: [1500, 750, 900], ratios: [0.5, 0.6, 1.2] },
    { name: "sequential p99", key: "writeP99Ms", values: [20, 40, 48], ratios: [2, 2.4, 1.2] },
    { name: "fan-out p99", key: "fanOutP99Ms", values: [30, 60, 90], ratios: [2, 3, 1.5] },
    { name: "zero divisor gives no ratio", key: "missedEvents", values: [0, 0, 3], ratios: [undefined, undefined, undefined] },
    { name: "zero over zero gives no ratio", key: "failedWrites", values: [0, 0, 0], ratios: [undefined, undefined, undefined] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const row = rows.get(c.key);
      assert.ok(row, c.key);
      assert.deepEqual(row.values, c.values);
      assert.deepEqual(
        row.ratios.map((r) => (r === undefined ? r : Number(r.toFixed(6)))),
        c.ratios,
      );
    });
  }
  await t.test("explicit comparisons are used as given", () => {
    const row = figureRows([sqlite, etcd], [{ of: "sqlite", over: "etcd" }]).find((r) => r.key === "createsPerSecond");
    assert.deepEqual(row?.ratios, [2]);
  });
  await t.test("one system has no ratios", () => {
    assert.ok(figureRows([sqlite]).every((r) => r.ratios.length === 0));
  });
  await t.test("a comparison naming an unknown system throws", () => {
    assert.throws(() => figureRows([sqlite, etcd], [{ of: "etcd×3", over: "sqlite" }]), /"etcd×3", which is not among sqlite, etcd/);
  });
});

test("limitChecks", async (t) => {
  const checks = limitChecks([etcd]);
  const find = (figure: string, limit: string) => checks.find((c) => c.figure === figure && c.limit === limit);
  const cases: { name: string; figure: string; limit: string; ratio: number; within: boolean }[] = [
    { name: "sequential p99 vs SLO", figure: "sequential write p99", limit: "Kubernetes SLO", ratio: 0.04, within: true },
    { name: "sequential p99 vs aim", figure: "sequential write p99", limit: "aim", ratio: 0.8, within: true },
    { name: "loaded p99 vs aim is over", figure: "create p99 under 50 clients", limit: "aim", ratio: 1.6, within: false },
    { name: "fan-out p99 vs aim is over", figure: "fan-out p99 to 100 watchers", limit: "aim", ratio: 1.2, within: false },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const check = find(c.figure, c.limit);
      assert.ok(check, `${c.figure} / ${c.limit}`);
      assert.equal(Number(check.ratio.toFixed(6)), c.ratio);
      assert.equal(check.within, c.within);
      assert.equal(check.store, "etcd");
    });
  }
  await t.test("exactly at the limit is within", () => {
    const f = makeFigures("x", (g) => (g.fanOut.perWatcher = lat(1, 50)));
    assert.equal(limitChecks([f]).find((c) => c.figure.startsWith("fan-out"))?.within, true);
  });
});

test("formatting", async (t) => {
  const cases: { name: string; got: string; want: string }[] = [
    { name: "large number is rounded", got: formatNumber(1599.4), want: "1599" },
    { name: "integer stays", got: formatNumber(0), want: "0" },
    { name: "small number has 3 significant digits", got: formatNumber(0.75312), want: "0.753" },
    { name: "mid number", got: formatNumber(28.43), want: "28.4" },
    { name: "ratio", got: formatRatio(2.2561), want: "2.26×" },
    { name: "no ratio", got: formatRatio(undefined), want: "-" },
    { name: "table aligns", got: renderTable(["a", "bb"], [["xyz", "1"]]), want: "a    bb\n---  --\nxyz   1" },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(c.got, c.want));
});

test("formatReport names every system, every ratio column and every limit verdict", () => {
  const all = [sqlite, etcd, etcd2];
  const text = formatReport(all);
  assert.match(text, /figure\s+sqlite\s+etcd\s+etcd×2\s+etcd\/sqlite\s+etcd×2\/sqlite\s+etcd×2\/etcd\n/);
  assert.match(text, /creates\/s \(closed loop\)\s+1500\s+750\s+900\s+0\.5×\s+0\.6×\s+1\.2×\n/);
  assert.match(text, /missed watch events\s+0\s+0\s+3\s+-\s+-\s+-$/m);
  assert.equal((text.match(/OVER/g) ?? []).length, limitChecks(all).filter((c) => !c.within).length);
  assert.match(text, /etcd×2\s+fan-out p99 to 100 watchers\s+90 ms\s+aim 50 ms\s+1\.8×\s+OVER/);
});

test("formatReport with given comparisons shows only those columns", () => {
  const text = formatReport([sqlite, etcd], { comparisons: [{ of: "sqlite", over: "etcd" }] });
  assert.match(text, /figure\s+sqlite\s+etcd\s+sqlite\/etcd\n/);
  assert.match(text, /creates\/s \(closed loop\)\s+1500\s+750\s+2×/);
});

test("benchJson is plain JSON with per-system figures, ratios per comparison and limit checks", () => {
  const j = benchJson([sqlite, etcd, etcd2], { creates: 3000 });
  const round = JSON.parse(JSON.stringify(j)) as Record<string, unknown>;
  assert.deepEqual(round, j);
  const stores = j.stores as Record<string, Record<string, unknown>>;
  assert.equal(stores.sqlite.createsPerSecond, 1500);
  assert.equal(stores.etcd.fanOutP99Ms, 60);
  assert.equal((stores["etcd×2"].detail as StoreFigures).servers, 2);
  const comparisons = j.comparisons as { of: string; over: string; ratios: Record<string, number> }[];
  assert.deepEqual(
    comparisons.map((c) => [c.of, c.over, c.ratios.createsPerSecond]),
    [
      ["etcd", "sqlite", 0.5],
      ["etcd×2", "sqlite", 0.6],
      ["etcd×2", "etcd", 1.2],
    ],
  );
  assert.equal("missedEvents" in comparisons[2].ratios, false, "a ratio over 0 is left out");
  assert.equal((j.vsLimits as unknown[]).length, 15);
});
