import { test } from "node:test";
import assert from "node:assert/strict";
import type { StoreFigures } from "./report.js";
import { benchJson, figureRows, formatNumber, formatRatio, formatReport, limitChecks, renderTable } from "./report.js";
import type { LatencySummary } from "./stats.js";

const lat = (p50: number, p99: number, max = p99): LatencySummary => ({ count: 100, p50, p99, max, mean: p50 });

function makeFigures(store: string, edit: (f: StoreFigures) => void = () => {}): StoreFigures {
  const f: StoreFigures = {
    store,
    creates: { count: 3000, clients: 50, seconds: 2, perSecond: 1500, errors: 0, latency: lat(20, 80) },
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

test("figureRows: peer ratio is first store over second", async (t) => {
  const rows = new Map(figureRows([sqlite, etcd]).map((r) => [r.key, r]));
  const cases: { name: string; key: string; values: number[]; ratio: number | undefined }[] = [
    { name: "creates per second", key: "createsPerSecond", values: [1500, 750], ratio: 2 },
    { name: "sequential p99", key: "writeP99Ms", values: [20, 40], ratio: 0.5 },
    { name: "fan-out p99", key: "fanOutP99Ms", values: [30, 60], ratio: 0.5 },
    { name: "zero in the peer gives no ratio", key: "failedWrites", values: [0, 0], ratio: undefined },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const row = rows.get(c.key);
      assert.ok(row, c.key);
      assert.deepEqual(row.values, c.values);
      assert.equal(row.peerRatio, c.ratio);
    });
  }
  await t.test("one store has no peer ratio", () => {
    assert.ok(figureRows([sqlite]).every((r) => r.peerRatio === undefined));
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

test("formatReport names both stores, the peer column and every limit verdict", () => {
  const text = formatReport([sqlite, etcd]);
  assert.match(text, /figure\s+sqlite\s+etcd\s+sqlite\/etcd/);
  assert.match(text, /creates\/s \(closed loop\)\s+1500\s+750\s+2×/);
  assert.equal((text.match(/OVER/g) ?? []).length, limitChecks([sqlite, etcd]).filter((c) => !c.within).length);
});

test("benchJson is plain JSON with per-store figures, peer ratios and limit checks", () => {
  const j = benchJson([sqlite, etcd], { creates: 3000 });
  const round = JSON.parse(JSON.stringify(j)) as Record<string, unknown>;
  assert.deepEqual(round, j);
  const stores = j.stores as Record<string, Record<string, unknown>>;
  assert.equal(stores.sqlite.createsPerSecond, 1500);
  assert.equal(stores.etcd.fanOutP99Ms, 60);
  assert.deepEqual((j.peer as { of: string }).of, "sqlite/etcd");
  assert.equal((j.peer as { ratios: Record<string, number> }).ratios.createsPerSecond, 2);
  assert.equal((j.vsLimits as unknown[]).length, 10);
});
