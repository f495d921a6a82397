import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRestore } from "../../proxy/iptables/restore-parse.js";
import { tracePacket } from "../../proxy/trace/packet-tracer.js";
import { chainCounters } from "./chain-counters.js";
import { pathBranches } from "./path-view.js";
import { nginxSave } from "./testdata/nginx-save.js";

const trace = tracePacket(parseRestore(nginxSave), { source: "10.1.13.9", destination: "10.0.0.252", port: 8000, protocol: "TCP", origin: "pod" }, { localAddresses: ["172.17.8.101"] });

test("path view: one branch per endpoint with its probability, DNAT target and the random choice that led there", () => {
  const branches = pathBranches(trace, chainCounters(nginxSave));
  const cases: [string, number, string, number | undefined, number][] = [
    ["first endpoint", 1 / 3, "10.1.13.2:80", 0.33333333349, 2],
    ["second endpoint", 1 / 3, "10.1.13.3:80", 0.5, 3],
    ["last endpoint: no random choice left", 1 / 3, "10.1.13.4:80", undefined, 1],
  ];
  assert.equal(branches.length, cases.length);
  cases.forEach(([name, p, dnat, ruleP, packets], i) => {
    const b = branches[i];
    assert.ok(Math.abs(b.probability - p) < 1e-6, `${name}: probability ${b.probability}`);
    assert.equal(b.dnat, dnat, name);
    assert.equal(b.masquerade, false, name);
    const sep = b.steps.find((s) => s.chain.startsWith("KUBE-SEP-"));
    assert.ok(sep, name);
    assert.equal(sep.ruleProbability, ruleP, name);
    assert.equal(sep.packets, packets, name);
    assert.ok(sep.did.some((d) => d.includes(dnat)), `${name}: ${sep.did.join("; ")}`);
  });
});

test("path view: hooks first, then the jumps in order, with the service chain's counter", () => {
  const [b] = pathBranches(trace, chainCounters(nginxSave));
  const chains = b.steps.map((s) => `${s.via} ${s.table} ${s.chain}`);
  assert.deepEqual(chains.slice(0, 4), ["hook nat PREROUTING", "jump nat KUBE-SERVICES", "jump nat KUBE-SVC-V2OKYYMBY3REGZOG", "jump nat KUBE-SEP-D6ZFGDR42OKGRRVI"]);
  assert.equal(b.steps[2].packets, 6);
  assert.equal(b.steps[2].ruleProbability, undefined);
});

test("path view without counters (nftables) carries none", () => {
  for (const b of pathBranches(trace)) for (const s of b.steps) assert.equal(s.packets, undefined);
});
