// The iptables tracer's behaviour table (packet-tracer.test.ts), run through the nftables tracer on
// the rules the nftables proxier generates for the same service: default/nginx-service, clusterIP
// 10.0.0.252:8000/TCP → 10.1.13.2/.3/.4:80; node-a is 192.168.0.10 and hosts 10.1.13.2; pods are
// in 10.1.0.0/16. Where nftables mode behaves differently by design, the case says so.

import assert from "node:assert/strict";
import { test } from "node:test";
import { makeNginxEndpoints, makeNginxService, makeNodeAConfig, makeProxyState } from "../iptables/testdata/nginx-fixtures.js";
import type { EndpointInfo, NodeProxyConfig, ServicePortInfo } from "../types.js";
import { formatTrace } from "./format-trace.js";
import { generatedNftTable } from "./nft-generated-table.js";
import { traceNftPacket } from "./nft-packet-tracer.js";
import { parseNftScript } from "./nft-script-parse.js";
import type { ParsedNftTable } from "./nft-table-model.js";
import type { TraceBranch, TracePacket } from "./trace-result.js";
import type { Outcome } from "./trace-outcomes.js";
import { only, outcomes, toAll } from "./trace-outcomes.js";

const POD = "10.1.13.5";
const NODE = "192.168.0.10";
const OUTSIDE = "203.0.113.99";
const ALLOWED = "198.51.100.7";

function nginxTable(opts: { tweak?: (s: ServicePortInfo) => void; endpoints?: EndpointInfo[]; localNode?: string; config?: Partial<NodeProxyConfig> } = {}): ParsedNftTable {
  const state = makeProxyState([{ service: makeNginxService(opts.tweak), endpoints: opts.endpoints ?? makeNginxEndpoints(opts.localNode) }]);
  return generatedNftTable(state, makeNodeAConfig(opts.config));
}

const nodePort = (s: ServicePortInfo): void => {
  s.nodePort = 30802;
};
const loadBalancer = (s: ServicePortInfo): void => {
  s.nodePort = 30802;
  s.healthCheckNodePort = 32000;
  s.loadBalancerVIPs = ["203.0.113.10"];
  s.loadBalancerSourceRanges = ["198.51.100.0/24"];
  s.externalPolicyLocal = true;
};


type P = [origin: TracePacket["origin"], source: string, destination: string, port: number, protocol?: TracePacket["protocol"]];

function trace(table: ParsedNftTable, [origin, source, destination, port, protocol = "TCP"]: P): TraceBranch[] {
  return traceNftPacket(table, { origin, source, destination, port, protocol }, { localAddresses: [NODE] }).branches;
}

const ex1 = (): ParsedNftTable => nginxTable();
const ex2 = (): ParsedNftTable => nginxTable({ tweak: nodePort });
const ex3 = (): ParsedNftTable => nginxTable({ tweak: loadBalancer });
const ex3z = (): ParsedNftTable => nginxTable({ tweak: loadBalancer, localNode: "node-z" });
const ex4 = (): ParsedNftTable => nginxTable({ tweak: nodePort, endpoints: [] });

const cases: { name: string; table: () => ParsedNftTable; packet: P; want: Outcome[]; note?: RegExp }[] = [
  // Example 1: ClusterIP with the ClusterCIDR detector
  { name: "ex1: pod → ClusterIP: each endpoint 1/3, not masqueraded", table: ex1, packet: ["pod", POD, "10.0.0.252", 8000], want: toAll(false) },
  { name: "ex1: node → ClusterIP: off-cluster source, masqueraded", table: ex1, packet: ["node", NODE, "10.0.0.252", 8000], want: toAll(true) },
  { name: "ex1: outside → ClusterIP (routed to the node): masqueraded", table: ex1, packet: ["outside", OUTSIDE, "10.0.0.252", 8000], want: toAll(true) },
  { name: "ex1: hairpin: pod 10.1.13.2 → its own service, masqueraded only on its own branch", table: ex1, packet: ["pod", "10.1.13.2", "10.0.0.252", 8000], want: toAll((ip) => ip === "10.1.13.2") },
  { name: "ex1: another port of the cluster IP is rejected (nftables: cluster-ips-check)", table: ex1, packet: ["pod", POD, "10.0.0.252", 8001], want: only("REJECT") },
  { name: "ex1: UDP to a TCP service port: rejected as another port of the cluster IP", table: ex1, packet: ["pod", POD, "10.0.0.252", 8000, "UDP"], want: only("REJECT") },
  { name: "ex1: node → another port of the cluster IP: rejected in filter-output", table: ex1, packet: ["node", NODE, "10.0.0.252", 8001], want: only("REJECT") },
  { name: "ex1: no NodePort on a ClusterIP service", table: ex1, packet: ["outside", OUTSIDE, NODE, 30802], want: only("ACCEPT") },
  // Example 2: NodePort
  { name: "ex2: outside → NodePort: every endpoint, masqueraded", table: ex2, packet: ["outside", OUTSIDE, NODE, 30802], want: toAll(true) },
  { name: "ex2: pod → NodePort on its node", table: ex2, packet: ["pod", POD, NODE, 30802], want: toAll(true) },
  { name: "ex2: pod → ClusterIP still not masqueraded", table: ex2, packet: ["pod", POD, "10.0.0.252", 8000], want: toAll(false) },
  { name: "ex2: UDP to the TCP NodePort is not matched", table: ex2, packet: ["outside", OUTSIDE, NODE, 30802, "UDP"], want: only("ACCEPT") },
  { name: "ex2: node → 127.0.0.1:NodePort: no localhost NodePorts in nftables mode", table: ex2, packet: ["node", "127.0.0.1", "127.0.0.1", 30802], want: only("ACCEPT") },
  { name: "ex2 with --nodeport-addresses 0.0.0.0/0 (fib daddr type local): outside → NodePort", table: () => nginxTable({ tweak: nodePort, config: { nodePortAddresses: ["0.0.0.0/0"] } }), packet: ["outside", OUTSIDE, NODE, 30802], want: toAll(true) },
  // Example 3: LoadBalancer, externalTrafficPolicy Local, loadBalancerSourceRanges
  { name: "ex3: outside, not in the source ranges → LB IP: DROP", table: ex3, packet: ["outside", OUTSIDE, "203.0.113.10", 8000], want: only("DROP") },
  { name: "ex3: outside, in the source ranges → LB IP: local endpoint only, client IP kept", table: ex3, packet: ["outside", ALLOWED, "203.0.113.10", 8000], want: only("10.1.13.2:80") },
  { name: "ex3: pod → LB IP: not in the source ranges either: DROP", table: ex3, packet: ["pod", POD, "203.0.113.10", 8000], want: only("DROP") },
  { name: "ex3: outside → NodePort (no source ranges there): local endpoint, not masqueraded", table: ex3, packet: ["outside", OUTSIDE, NODE, 30802], want: only("10.1.13.2:80") },
  { name: "ex3: node → its NodePort: short-circuited to every endpoint, masqueraded", table: ex3, packet: ["node", NODE, NODE, 30802], want: toAll(true) },
  { name: "ex3: pod → NodePort: short-circuited to every endpoint, not masqueraded", table: ex3, packet: ["pod", POD, NODE, 30802], want: toAll(false) },
  { name: "ex3: pod → ClusterIP", table: ex3, packet: ["pod", POD, "10.0.0.252", 8000], want: toAll(false) },
  // Example 3′: externalTrafficPolicy Local on a node without a local endpoint
  { name: "ex3′: outside → NodePort on node-z: DROP (no-endpoint-nodeports)", table: ex3z, packet: ["outside", OUTSIDE, NODE, 30802], want: only("DROP") },
  { name: "ex3′: outside, allowed → LB IP on node-z: DROP (no-endpoint-services)", table: ex3z, packet: ["outside", ALLOWED, "203.0.113.10", 8000], want: only("DROP") },
  { name: "ex3′: pod → NodePort on node-z: still every endpoint", table: ex3z, packet: ["pod", POD, NODE, 30802], want: toAll(false) },
  // Example 4: no endpoints
  { name: "ex4: pod → ClusterIP: REJECT", table: ex4, packet: ["pod", POD, "10.0.0.252", 8000], want: only("REJECT") },
  { name: "ex4: node → ClusterIP: REJECT", table: ex4, packet: ["node", NODE, "10.0.0.252", 8000], want: only("REJECT") },
  { name: "ex4: outside → NodePort: REJECT", table: ex4, packet: ["outside", OUTSIDE, NODE, 30802], want: only("REJECT") },
  { name: "ex4: UDP to the NodePort is not rejected", table: ex4, packet: ["outside", OUTSIDE, NODE, 30802, "UDP"], want: only("ACCEPT") },
  // Session affinity, internalTrafficPolicy, service CIDR
  { name: "affinity: a new client is balanced as usual, and that is noted", table: () => nginxTable({ tweak: (s) => (s.stickySeconds = 10800) }), packet: ["pod", POD, "10.0.0.252", 8000], want: toAll(false), note: /^@affinity-YZSKHQER-default\/nginx-service\/tcp\/__10\.1\.13\.2\/80: a new client has no entry yet$/ },
  { name: "internalTrafficPolicy Local on node-a: the local endpoint only", table: () => nginxTable({ tweak: (s) => (s.internalPolicyLocal = true) }), packet: ["pod", POD, "10.0.0.252", 8000], want: only("10.1.13.2:80") },
  { name: "internalTrafficPolicy Local on node-z: DROP", table: () => nginxTable({ tweak: (s) => (s.internalPolicyLocal = true), localNode: "node-z" }), packet: ["pod", POD, "10.0.0.252", 8000], want: only("DROP") },
  { name: "--service-cidr: an unallocated address of the range is dropped", table: () => nginxTable({ config: { serviceCIDRs: ["10.0.0.0/24"] } }), packet: ["pod", POD, "10.0.0.77", 80], want: only("DROP") },
];

test("packet flows through the nftables rules of the reference examples", async (t) => {
  for (const c of cases) {
    await t.test(c.name, () => {
      const branches = trace(c.table(), c.packet);
      const got = outcomes(branches);
      assert.deepEqual(got.map(({ to, masq }) => ({ to, masq })), c.want.map(({ to, masq }) => ({ to, masq })), formatTrace({ branches }));
      got.forEach((o, i) => assert.ok(Math.abs(o.p - c.want[i].p) < 1e-9, `${o.to}: p=${o.p}, want ${c.want[i].p}`));
      const total = branches.reduce((sum, b) => sum + b.probability, 0);
      assert.ok(Math.abs(total - 1) < 1e-9, `probabilities add up to 1, got ${total}`);
      if (c.note) assert.ok(branches.some((b) => b.steps.some((s) => s.kind === "note" && c.note!.test(s.did))), `no note matches ${c.note}`);
    });
  }
});

test("steps name the kube-proxy table, its chains, the rules and what they did", () => {
  const [first] = trace(ex1(), ["node", NODE, "10.0.0.252", 8000]);
  const summary = first.steps.filter((s) => s.kind !== "return").map((s) => `${s.table} ${s.chain} ${s.kind}: ${s.did}`);
  const SVC = "service-UOJBH74F-default/nginx-service/tcp/";
  const EP = "endpoint-YZSKHQER-default/nginx-service/tcp/__10.1.13.2/80";
  assert.deepEqual(summary, [
    "kube-proxy filter-output-pre-dnat hook: enter filter-output-pre-dnat (filter hook output priority -110)",
    "kube-proxy filter-output-pre-dnat jump: jump firewall-check",
    "kube-proxy filter-output-pre-dnat policy: policy accept",
    "kube-proxy nat-output hook: enter nat-output (nat hook output priority -100)",
    "kube-proxy nat-output jump: jump services",
    `kube-proxy services goto: goto ${SVC} (@service-ips: 10.0.0.252 . tcp . 8000)`,
    `kube-proxy ${SVC} jump: jump mark-for-masquerade`,
    "kube-proxy mark-for-masquerade mark: mark → 0x4000",
    `kube-proxy ${SVC} fork: numgen random mod 3 → 0 (p=0.3333)`,
    `kube-proxy ${SVC} goto: goto ${EP}`,
    `kube-proxy ${EP} dnat: dnat to 10.1.13.2:80`,
    "kube-proxy filter-output hook: enter filter-output (filter hook output priority 0)",
    "kube-proxy filter-output jump: jump service-endpoints-check",
    "kube-proxy filter-output jump: jump cluster-ips-check",
    "kube-proxy filter-output policy: policy accept",
    "kube-proxy nat-postrouting hook: enter nat-postrouting (nat hook postrouting priority 100)",
    "kube-proxy nat-postrouting jump: jump masquerading",
    "kube-proxy masquerading mark: mark → 0x0",
    "kube-proxy masquerading masquerade: masquerade fully-random",
  ]);
  assert.equal(first.steps.find((s) => s.kind === "dnat")?.rule, "meta l4proto tcp dnat to 10.1.13.2:80");
});

test("formatTrace prints nftables traces like iptables ones", () => {
  const text = formatTrace(traceNftPacket(ex1(), { origin: "pod", source: POD, destination: "10.0.0.252", port: 8000, protocol: "TCP" }, { localAddresses: [NODE] }));
  const lines = text.split("\n");
  assert.equal(lines[0], "[1/3] p=0.3333 DNAT to 10.1.13.2:80, masqueraded: no");
  assert.equal(lines[1], "  kube-proxy filter-prerouting-pre-dnat → firewall-check ↩ (policy accept)");
  assert.equal(
    lines[2],
    "  kube-proxy nat-prerouting → services ⇒ service-UOJBH74F-default/nginx-service/tcp/ (p=0.3333) ⇒ endpoint-YZSKHQER-default/nginx-service/tcp/__10.1.13.2/80 dnat to 10.1.13.2:80",
  );
  assert.equal(lines[3], "  kube-proxy filter-forward → service-endpoints-check ↩ → cluster-ips-check ↩ (policy accept)");
  assert.equal(lines[4], "  kube-proxy nat-postrouting → masquerading return ↩ (policy accept)");
  const rejected = formatTrace(traceNftPacket(ex4(), { origin: "pod", source: POD, destination: "10.0.0.252", port: 8000, protocol: "TCP" }, { localAddresses: [NODE] }));
  assert.match(rejected, /^\[1\/1\] p=1\.0000 REJECT\n/);
  assert.match(rejected, /kube-proxy filter-forward → service-endpoints-check: "default\/nginx-service" ⇒ reject-chain reject\n$/);
});

const tiny = (rules: string): ParsedNftTable =>
  parseNftScript(
    [
      "add table ip kube-proxy",
      "add chain ip kube-proxy late { type filter hook prerouting priority 10 ; policy drop ; }",
      "add chain ip kube-proxy early { type nat hook prerouting priority -100 ; }",
      "add chain ip kube-proxy a",
      "add chain ip kube-proxy b",
      "add chain ip kube-proxy c",
      ...rules.trim().split("\n").map((r) => `add rule ip kube-proxy ${r.trim()}`),
    ].join("\n"),
    { family: "ip", name: "kube-proxy" },
  );

test("walk semantics: hook priorities, goto/return, numgen, unknowns, loops", async (t) => {
  const packet: P = ["outside", OUTSIDE, "10.0.0.1", 80];
  await t.test("base chains run by priority; accept ends one base chain only; the later one's drop policy applies", () => {
    const branches = trace(tiny("late accept\nearly dnat to 10.9.9.9:1"), packet);
    assert.deepEqual(outcomes(branches), only("10.9.9.9:1"));
    assert.deepEqual(branches[0].steps.filter((s) => s.kind === "hook").map((s) => s.chain), ["early", "late"]);
    assert.deepEqual(outcomes(trace(tiny("early accept"), packet)), only("DROP"), "late has no rule: its policy drops");
  });
  await t.test("goto returns to the caller's caller; a mark set before it sticks", () => {
    const table = tiny(`
      late jump a
      late mark and 0x1 == 0x1 accept
      a mark set mark or 0x1
      a goto b
      a drop
      b return`);
    assert.deepEqual(outcomes(trace(table, packet)), only("ACCEPT"));
  });
  await t.test("numgen without an element for some values: those branches go on to the next rule", () => {
    const table = tiny(`
      early numgen random mod 4 vmap { 0 : goto a , 1 : goto b }
      early dnat to 10.7.7.7:7
      a dnat to 10.1.1.1:1
      b dnat to 10.2.2.2:2
      late accept`);
    assert.deepEqual(outcomes(trace(table, packet)), [
      { to: "10.1.1.1:1", p: 0.25, masq: false },
      { to: "10.2.2.2:2", p: 0.25, masq: false },
      { to: "10.7.7.7:7", p: 0.5, masq: false },
    ]);
  });
  await t.test("an unknown statement: the rule does not match, and that is noted", () => {
    const [branch] = trace(tiny("early limit rate 10/second dnat to 10.1.1.1:1\nlate accept"), packet);
    assert.equal(branch.verdict, "ACCEPT");
    assert.deepEqual(branch.steps.filter((s) => s.kind === "note").map((s) => s.did), ['cannot judge "limit rate 10/second dnat to 10.1.1.1:1"; rule treated as not matching']);
  });
  await t.test("facts the packet lacks compare unequal, with a note", () => {
    const table = tiny('early th sport 1000 dnat to 10.6.6.6:1\nearly meta iifname != "eth0" dnat to 10.5.5.5\nlate accept');
    const [branch] = trace(table, packet);
    assert.equal(branch.dnat, "10.5.5.5:80", "no in-interface given: != eth0 matches; dnat without a port keeps it");
    assert.deepEqual(branch.steps.filter((s) => s.kind === "note").map((s) => s.did), ["packet has no source port; treated as not matching", "packet has no in-interface; treated as not matching"]);
  });
  await t.test("tcp dport does not match a UDP packet", () => {
    assert.deepEqual(outcomes(trace(tiny("early tcp dport 80 drop\nlate accept"), ["outside", OUTSIDE, "10.0.0.1", 80, "UDP"])), only("ACCEPT"));
    assert.deepEqual(outcomes(trace(tiny("early tcp dport 80 drop\nlate accept"), packet)), only("DROP"));
  });
  await t.test("a jump loop is refused rather than walked forever", () => {
    assert.throws(() => trace(tiny("early jump a\na jump b\nb jump a"), packet), /a loop\?/);
  });
});
