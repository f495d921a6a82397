import assert from "node:assert/strict";
import { test } from "node:test";
import { chainCounters, chainKey } from "./chain-counters.js";
import { nginxSave } from "./testdata/nginx-save.js";

test("chain counters sum the jumps into each chain, per table", () => {
  const c = chainCounters(nginxSave);
  const cases: [string, string, { packets: number; bytes: number } | undefined][] = [
    ["service chain: every jump from KUBE-SERVICES", "KUBE-SVC-V2OKYYMBY3REGZOG", { packets: 6, bytes: 360 }],
    ["first endpoint", "KUBE-SEP-D6ZFGDR42OKGRRVI", { packets: 2, bytes: 120 }],
    ["second endpoint", "KUBE-SEP-7ETEU5GP7OEWB65E", { packets: 3, bytes: 180 }],
    ["last endpoint (no statistic match)", "KUBE-SEP-COO3Y4QZMF4NKH2Q", { packets: 1, bytes: 60 }],
    ["entered from two hooks: PREROUTING and OUTPUT", "KUBE-SERVICES", { packets: 42, bytes: 2520 }],
    ["several jumps into one chain add up", "KUBE-MARK-MASQ", { packets: 0, bytes: 0 }],
    ["built-in targets are no chains", "MASQUERADE", undefined],
    ["a chain nobody jumps to", "KUBE-NOTHING", undefined],
  ];
  for (const [name, chain, want] of cases) assert.deepEqual(c.get(chainKey("nat", chain)), want, name);
});

test("chain counters: output without counters, or empty, counts nothing", () => {
  const cases: [string, string][] = [
    ["plain iptables-save", "*nat\n:KUBE-SERVICES - [0:0]\n-A PREROUTING -j KUBE-SERVICES\nCOMMIT\n"],
    ["empty", ""],
  ];
  for (const [name, text] of cases) assert.equal(chainCounters(text).size, 0, name);
});

test("chain counters keep tables apart", () => {
  const c = chainCounters("*filter\n[5:300] -A FORWARD -j KUBE-FORWARD\nCOMMIT\n*nat\n[7:420] -A PREROUTING -j KUBE-FORWARD\nCOMMIT\n");
  assert.deepEqual(c.get("filter KUBE-FORWARD"), { packets: 5, bytes: 300 });
  assert.deepEqual(c.get("nat KUBE-FORWARD"), { packets: 7, bytes: 420 });
});
