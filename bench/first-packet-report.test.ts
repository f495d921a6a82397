import { test } from "node:test";
import assert from "node:assert/strict";
import type { LoadFigures } from "./first-packet-load.js";
import type { RunFigures } from "./first-packet-report.js";
import { firstPacketComparisons, firstPacketJson, firstPacketPaths, formatFirstPacketReport, median, medianRun, runFigures, sizeLabel } from "./first-packet-report.js";

const lat = (p50: number, p99: number): LoadFigures["idle"]["connect"] => ({ count: 100, p50, p99, max: p99, mean: p50 });

function makeRun(edit: (r: RunFigures) => void = () => {}): RunFigures {
  const r: RunFigures = {
    perSecond: 10_000,
    errors: 0,
    connectP50Ms: 0.5,
    connectP99Ms: 2,
    exchangeP50Ms: 3,
    exchangeP99Ms: 8,
    idleConnectP50Us: 90,
    idleConnectP99Us: 180,
    loadCpu: 1,
    clientCpuPerConnectionUs: 100,
    serverCpu: 0.5,
    machineBusy: 1.5,
    conntrackEntries: 20_000,
  };
  edit(r);
  return r;
}

test("median: odd and even counts, input untouched", async (t) => {
  const cases: { name: string; values: number[]; want: number }[] = [
    { name: "one", values: [7], want: 7 },
    { name: "odd, unsorted", values: [3, 1, 2], want: 2 },
    { name: "even: mean of the middle two", values: [4, 1, 3, 2], want: 2.5 },
    { name: "none", values: [], want: Number.NaN },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const copy = [...c.values];
      assert.deepEqual(median(c.values), c.want);
      assert.deepEqual(c.values, copy);
    });
  }
});

test("medianRun: each figure's median, errors summed", () => {
  const runs = [makeRun((r) => ((r.perSecond = 100), (r.errors = 1))), makeRun((r) => ((r.perSecond = 300), (r.errors = 2))), makeRun((r) => (r.perSecond = 200))];
  const m = medianRun(runs);
  assert.equal(m.perSecond, 200);
  assert.equal(m.errors, 3);
  assert.equal(m.idleConnectP50Us, 90);
  assert.throws(() => medianRun([]), /no rounds/);
});

test("runFigures: units and the CPU per connection", () => {
  const load: LoadFigures = {
    loaded: { connections: 20_000, errors: 1, firstError: "x", seconds: 2, perSecond: 10_000, connect: lat(0.4, 2), exchange: lat(3, 9), cpu: 0.8 },
    idle: { connections: 5000, errors: 2, connect: lat(0.09, 0.2) },
  };
  const r = runFigures(load, { serverCpu: 0.5, machineBusy: 1.2, conntrackEntries: 7 });
  assert.equal(r.errors, 3);
  assert.equal(r.idleConnectP50Us, 90);
  assert.equal(r.idleConnectP99Us, 200);
  assert.equal(Math.round(r.clientCpuPerConnectionUs), 80);
  assert.equal(r.conntrackEntries, 7);
});

test("sizeLabel", async (t) => {
  for (const [n, want] of [[1, "1"], [500, "500"], [10_000, "10k"], [2500, "2.5k"]] as const) await t.test(String(n), () => assert.equal(sizeLabel(n), want));
});

test("firstPacketPaths and firstPacketComparisons", async (t) => {
  const cases: { name: string; services: number; pod: boolean; wantPaths: string[]; wantComparisons: string[] }[] = [
    {
      name: "10k services",
      services: 10_000,
      pod: false,
      wantPaths: ["direct", "iptables@1", "nftables@1", "iptables@10000", "nftables@10000"],
      wantComparisons: [
        "iptables@10000/direct", "nftables@10000/direct", "nftables@10000/iptables@10000",
        "iptables@1/direct", "nftables@1/direct", "nftables@1/iptables@1",
        "iptables@10000/iptables@1", "nftables@10000/nftables@1",
      ],
    },
    {
      name: "with connections to the pod through the large rule sets",
      services: 500,
      pod: true,
      wantPaths: ["direct", "iptables@1", "nftables@1", "iptables@500", "nftables@500", "pod@iptables@500", "pod@nftables@500"],
      wantComparisons: [
        "iptables@500/direct", "nftables@500/direct", "nftables@500/iptables@500",
        "iptables@1/direct", "nftables@1/direct", "nftables@1/iptables@1",
        "iptables@500/iptables@1", "nftables@500/nftables@1",
        "pod@iptables@500/direct", "pod@nftables@500/direct",
      ],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const paths = firstPacketPaths(c.services, c.pod);
      assert.deepEqual(paths.map((p) => p.key), c.wantPaths);
      assert.deepEqual(firstPacketComparisons(paths).map((x) => `${x.of}/${x.over}`), c.wantComparisons);
    });
  }
  await t.test("a single service is not a large size", () => assert.throws(() => firstPacketPaths(1, false), /above 1/));
});

test("formatFirstPacketReport and firstPacketJson: figures per path and ratios between them", () => {
  const paths = firstPacketPaths(10_000, false);
  const medians = new Map(paths.map((p) => [p.key, makeRun((r) => (r.perSecond = p.key === "iptables@10000" ? 2500 : 10_000))]));
  const comparisons = firstPacketComparisons(paths);
  const text = formatFirstPacketReport(paths, medians, comparisons);
  assert.match(text, /new connections\/s \(loaded\)\s+10000\s+10000\s+10000\s+2500\s+10000/);
  assert.match(text, /ipt 10k \/ direct\s+0\.25×/);
  assert.match(text, /nft 10k \/ ipt 10k\s+4×/);
  const json = firstPacketJson(paths, medians, comparisons, { services: 10_000 }) as { comparisons: { of: string; over: string; ratios: Record<string, number> }[] };
  assert.equal(json.comparisons.find((c) => c.of === "nftables@10000" && c.over === "iptables@10000")?.ratios.perSecond, 4);
  assert.equal(json.comparisons.length, comparisons.length);
});
