import { test } from "node:test";
import assert from "node:assert/strict";
import type { TraceBranch, TraceNode, TracePacket } from "./packet-tracer.js";
import { formatTrace, tracePacket, withJumpRules } from "./packet-tracer.js";
import type { ParsedRuleset } from "../iptables/restore-parse.js";
import { chainRules, parseRestore } from "../iptables/restore-parse.js";
import { generateSeedRules } from "../iptables/seed-rules.js";
import { makeNginxEndpoints, makeNginxService, makeNodeAConfig, makeProxyState } from "../iptables/testdata/nginx-fixtures.js";
import { EXAMPLE_1, EXAMPLE_2, EXAMPLE_3, EXAMPLE_4 } from "../iptables/testdata/reference-examples.js";
import type { EndpointInfo, NodeProxyConfig, ServicePortInfo } from "../types.js";
import type { Outcome } from "./trace-outcomes.js";
import { only, outcomes, toAll } from "./trace-outcomes.js";

// The modern profile is traced through the reference's worked examples (kube-proxy.md §1.11);
// the seed profile through rules generated for the same service. Service: default/nginx-service,
// clusterIP 10.0.0.252:8000/TCP → 10.1.13.2/.3/.4:80; node-a is 192.168.0.10 and hosts 10.1.13.2.

/** The seed's rules for nginx-service as NodePort 30802, on node-a without --cluster-cidr by default. */
function seedRules(opts: { endpoints?: EndpointInfo[]; config?: Partial<NodeProxyConfig>; tweak?: (s: ServicePortInfo) => void } = {}): ParsedRuleset {
  const service = makeNginxService((s) => {
    s.nodePort = 30802;
    opts.tweak?.(s);
  });
  const state = makeProxyState([{ service, endpoints: opts.endpoints ?? makeNginxEndpoints() }]);
  return parseRestore(generateSeedRules(state, makeNodeAConfig({ clusterCIDR: undefined, ...opts.config })).text);
}

// --- expectations ------------------------------------------------------------------------


const POD = "10.1.13.5";
const NODE = "192.168.0.10";
const OUTSIDE = "203.0.113.99";
const ALLOWED = "198.51.100.7";

type P = [origin: TracePacket["origin"], source: string, destination: string, port: number, protocol?: TracePacket["protocol"]];

interface FlowCase {
  name: string;
  rules: () => ParsedRuleset;
  profile: "modern" | "seed";
  packet: P;
  want: Outcome[];
  /** A substring some step's `did` must contain (notes, marks). */
  note?: RegExp;
}

const ex1 = (): ParsedRuleset => parseRestore(EXAMPLE_1);
const ex2 = (): ParsedRuleset => parseRestore(EXAMPLE_2);
const ex3 = (): ParsedRuleset => parseRestore(EXAMPLE_3);
const ex4 = (): ParsedRuleset => parseRestore(EXAMPLE_4);

const flowCases: FlowCase[] = [
  // Example 1: ClusterIP with the ClusterCIDR detector
  { name: "ex1: pod → ClusterIP: each endpoint 1/3, not masqueraded", rules: ex1, profile: "modern", packet: ["pod", POD, "10.0.0.252", 8000], want: toAll(false) },
  { name: "ex1: node → ClusterIP: off-cluster source, masqueraded", rules: ex1, profile: "modern", packet: ["node", NODE, "10.0.0.252", 8000], want: toAll(true) },
  { name: "ex1: outside → ClusterIP (routed to the node): masqueraded", rules: ex1, profile: "modern", packet: ["outside", OUTSIDE, "10.0.0.252", 8000], want: toAll(true) },
  { name: "ex1: hairpin: pod 10.1.13.2 → its own service, masqueraded only on its own branch", rules: ex1, profile: "modern", packet: ["pod", "10.1.13.2", "10.0.0.252", 8000], want: toAll((ip) => ip === "10.1.13.2") },
  { name: "ex1: UDP to a TCP service port is not matched", rules: ex1, profile: "modern", packet: ["pod", POD, "10.0.0.252", 8000, "UDP"], want: only("ACCEPT") },
  { name: "ex1: another port of the cluster IP is not matched", rules: ex1, profile: "modern", packet: ["pod", POD, "10.0.0.252", 8001], want: only("ACCEPT") },
  { name: "ex1: no NodePort on a ClusterIP service", rules: ex1, profile: "modern", packet: ["outside", OUTSIDE, NODE, 30802], want: only("ACCEPT") },
  // Example 2: NodePort
  { name: "ex2: outside → NodePort: every endpoint, masqueraded", rules: ex2, profile: "modern", packet: ["outside", OUTSIDE, NODE, 30802], want: toAll(true) },
  { name: "ex2: node → 127.0.0.1:NodePort (localhost NodePort)", rules: ex2, profile: "modern", packet: ["node", "127.0.0.1", "127.0.0.1", 30802], want: toAll(true) },
  { name: "ex2: pod → NodePort on its node", rules: ex2, profile: "modern", packet: ["pod", POD, NODE, 30802], want: toAll(true) },
  { name: "ex2: pod → ClusterIP still not masqueraded", rules: ex2, profile: "modern", packet: ["pod", POD, "10.0.0.252", 8000], want: toAll(false) },
  { name: "ex2: UDP to the TCP NodePort is not matched", rules: ex2, profile: "modern", packet: ["outside", OUTSIDE, NODE, 30802, "UDP"], want: only("ACCEPT") },
  // Example 3: LoadBalancer, externalTrafficPolicy Local, loadBalancerSourceRanges
  { name: "ex3: outside, not in the source ranges → LB IP: DROP", rules: ex3, profile: "modern", packet: ["outside", OUTSIDE, "203.0.113.10", 8000], want: only("DROP") },
  { name: "ex3: outside, in the source ranges → LB IP: local endpoint only, client IP kept", rules: ex3, profile: "modern", packet: ["outside", ALLOWED, "203.0.113.10", 8000], want: only("10.1.13.2:80") },
  { name: "ex3: pod → LB IP: not in the source ranges either: DROP", rules: ex3, profile: "modern", packet: ["pod", POD, "203.0.113.10", 8000], want: only("DROP") },
  { name: "ex3: outside → NodePort (no source ranges there): local endpoint, not masqueraded", rules: ex3, profile: "modern", packet: ["outside", OUTSIDE, NODE, 30802], want: only("10.1.13.2:80") },
  { name: "ex3: node → its NodePort: short-circuited to every endpoint, masqueraded", rules: ex3, profile: "modern", packet: ["node", NODE, NODE, 30802], want: toAll(true) },
  { name: "ex3: pod → NodePort: short-circuited to every endpoint, not masqueraded", rules: ex3, profile: "modern", packet: ["pod", POD, NODE, 30802], want: toAll(false) },
  { name: "ex3: pod → ClusterIP", rules: ex3, profile: "modern", packet: ["pod", POD, "10.0.0.252", 8000], want: toAll(false) },
  // Example 4: no endpoints
  { name: "ex4: pod → ClusterIP: REJECT", rules: ex4, profile: "modern", packet: ["pod", POD, "10.0.0.252", 8000], want: only("REJECT") },
  { name: "ex4: node → ClusterIP: REJECT", rules: ex4, profile: "modern", packet: ["node", NODE, "10.0.0.252", 8000], want: only("REJECT") },
  { name: "ex4: outside → NodePort: REJECT", rules: ex4, profile: "modern", packet: ["outside", OUTSIDE, NODE, 30802], want: only("REJECT") },
  { name: "ex4: UDP is not rejected", rules: ex4, profile: "modern", packet: ["pod", POD, "10.0.0.252", 8000, "UDP"], want: only("ACCEPT") },
  // The seed (kube-proxy 1.2 layout, no --cluster-cidr as on the seed's nodes)
  { name: "seed: pod → ClusterIP: each endpoint 1/3, not masqueraded", rules: () => seedRules(), profile: "seed", packet: ["pod", POD, "10.0.0.252", 8000], want: toAll(false) },
  { name: "seed: node → ClusterIP: no detector, so not masqueraded", rules: () => seedRules(), profile: "seed", packet: ["node", NODE, "10.0.0.252", 8000], want: toAll(false) },
  { name: "seed: hairpin on its own branch only", rules: () => seedRules(), profile: "seed", packet: ["pod", "10.1.13.3", "10.0.0.252", 8000], want: toAll((ip) => ip === "10.1.13.3") },
  { name: "seed: outside → NodePort: masqueraded", rules: () => seedRules(), profile: "seed", packet: ["outside", OUTSIDE, NODE, 30802], want: toAll(true) },
  { name: "seed: UDP → NodePort not matched", rules: () => seedRules(), profile: "seed", packet: ["outside", OUTSIDE, NODE, 30802, "UDP"], want: only("ACCEPT") },
  { name: "seed with --cluster-cidr: outside → ClusterIP masqueraded", rules: () => seedRules({ config: { clusterCIDR: "10.1.0.0/16" } }), profile: "seed", packet: ["outside", OUTSIDE, "10.0.0.252", 8000], want: toAll(true) },
  { name: "seed with --cluster-cidr: pod → ClusterIP not masqueraded", rules: () => seedRules({ config: { clusterCIDR: "10.1.0.0/16" } }), profile: "seed", packet: ["pod", POD, "10.0.0.252", 8000], want: toAll(false) },
  { name: "seed: LB IP without source-range filtering, masqueraded", rules: () => seedRules({ tweak: (s) => { s.loadBalancerVIPs = ["203.0.113.10"]; s.loadBalancerSourceRanges = ["198.51.100.0/24"]; } }), profile: "seed", packet: ["outside", OUTSIDE, "203.0.113.10", 8000], want: toAll(true) },
  { name: "seed: no endpoints, node → ClusterIP: REJECT (filter OUTPUT)", rules: () => seedRules({ endpoints: [] }), profile: "seed", packet: ["node", NODE, "10.0.0.252", 8000], want: only("REJECT") },
  { name: "seed: no endpoints, pod → ClusterIP: 2016 had no FORWARD hook, so not rejected", rules: () => seedRules({ endpoints: [] }), profile: "seed", packet: ["pod", POD, "10.0.0.252", 8000], want: only("ACCEPT") },
  { name: "seed: session affinity: a new client is balanced as usual, and that is noted", rules: () => seedRules({ tweak: (s) => (s.stickySeconds = 10800) }), profile: "seed", packet: ["pod", POD, "10.0.0.252", 8000], want: toAll(false), note: /recent --rcheck KUBE-SEP-7ROBBXFV7SD4AIRW: a new client has no entry yet/ },
];

const nodeA = (profile: "modern" | "seed"): TraceNode => ({ localAddresses: [NODE], jumpRules: profile });

function trace(rules: ParsedRuleset, [origin, source, destination, port, protocol = "TCP"]: P, profile: "modern" | "seed"): TraceBranch[] {
  return tracePacket(rules, { origin, source, destination, port, protocol }, nodeA(profile)).branches;
}

test("packet flows through the reference examples and the seed profile", async (t) => {
  for (const c of flowCases) {
    await t.test(c.name, () => {
      const branches = trace(c.rules(), c.packet, c.profile);
      const got = outcomes(branches);
      const want = outcomes(c.want.map((o) => ({ probability: o.p, steps: [], verdict: o.to.includes(":") ? "DNAT" : (o.to as TraceBranch["verdict"]), ...(o.to.includes(":") ? { dnat: o.to } : {}), masquerade: o.masq })));
      assert.deepEqual(got.map(({ to, masq }) => ({ to, masq })), want.map(({ to, masq }) => ({ to, masq })), formatTrace({ branches }));
      got.forEach((o, i) => assert.ok(Math.abs(o.p - want[i].p) < 1e-4, `${o.to}: p=${o.p}, want ${want[i].p}`));
      const total = branches.reduce((sum, b) => sum + b.probability, 0);
      assert.ok(Math.abs(total - 1) < 1e-9, `probabilities add up to 1, got ${total}`);
      if (c.note) assert.ok(branches.some((b) => b.steps.some((s) => c.note!.test(s.did))), `no step matches ${c.note}`);
    });
  }
});

test("the seed's three branches carry the 5-decimal probabilities exactly", () => {
  const branches = trace(seedRules(), ["pod", POD, "10.0.0.252", 8000], "seed");
  assert.deepEqual(branches.map((b) => b.dnat), ["10.1.13.2:80", "10.1.13.3:80", "10.1.13.4:80"]);
  const ps = branches.map((b) => b.probability);
  assert.ok(Math.abs(ps[0] - 0.33333) < 1e-12);
  assert.ok(Math.abs(ps[1] - 0.66667 * 0.5) < 1e-12);
  assert.ok(Math.abs(ps[2] - 0.66667 * 0.5) < 1e-12);
});

test("steps name the table, chain and rule as written, and what the rule did", () => {
  const [first] = trace(ex1(), ["node", NODE, "10.0.0.252", 8000], "modern");
  const summary = first.steps.filter((s) => s.kind !== "return").map((s) => `${s.table} ${s.chain} ${s.kind}: ${s.did}`);
  assert.deepEqual(summary, [
    "nat OUTPUT hook: enter nat OUTPUT",
    "nat OUTPUT jump: jump KUBE-SERVICES",
    "nat KUBE-SERVICES jump: jump KUBE-SVC-V2OKYYMBY3REGZOG",
    "nat KUBE-SVC-V2OKYYMBY3REGZOG jump: jump KUBE-MARK-MASQ",
    "nat KUBE-MARK-MASQ mark: mark → 0x4000",
    "nat KUBE-SVC-V2OKYYMBY3REGZOG fork: statistic matched (p=0.3333)",
    "nat KUBE-SVC-V2OKYYMBY3REGZOG jump: jump KUBE-SEP-D6ZFGDR42OKGRRVI",
    "nat KUBE-SEP-D6ZFGDR42OKGRRVI dnat: DNAT to 10.1.13.2:80",
    "filter OUTPUT hook: enter filter OUTPUT",
    "filter OUTPUT jump: jump KUBE-FIREWALL",
    "filter OUTPUT jump: jump KUBE-PROXY-FIREWALL",
    "filter OUTPUT jump: jump KUBE-SERVICES",
    "filter OUTPUT policy: policy ACCEPT",
    "nat POSTROUTING hook: enter nat POSTROUTING",
    "nat POSTROUTING jump: jump KUBE-POSTROUTING",
    "nat KUBE-POSTROUTING mark: mark → 0x0",
    "nat KUBE-POSTROUTING masquerade: MASQUERADE",
  ]);
  const dnat = first.steps.find((s) => s.kind === "dnat");
  assert.equal(dnat?.rule, "-A KUBE-SEP-D6ZFGDR42OKGRRVI -m comment --comment default/nginx-service -m tcp -p tcp -j DNAT --to-destination 10.1.13.2:80");
  assert.equal(dnat?.comment, "default/nginx-service");
  const hook = first.steps.find((s) => s.chain === "OUTPUT" && s.kind === "jump");
  assert.equal(hook?.rule, '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
});

test("formatTrace reads like the seed's walk-through", () => {
  const text = formatTrace(tracePacket(seedRules(), { origin: "pod", source: POD, destination: "10.0.0.252", port: 8000, protocol: "TCP" }, nodeA("seed")));
  const lines = text.split("\n");
  assert.equal(lines[0], "[1/3] p=0.3333 DNAT to 10.1.13.2:80, masqueraded: no");
  assert.equal(
    lines[1],
    '  nat PREROUTING → KUBE-SERVICES: "default/nginx-service: cluster IP" → KUBE-SVC-GKN7Y2BSGW4NJTYL (p=0.3333) → KUBE-SEP-7ROBBXFV7SD4AIRW DNAT to 10.1.13.2:80',
  );
  assert.equal(lines[2], "  filter FORWARD (policy ACCEPT)");
  assert.equal(lines[3], "  nat POSTROUTING → KUBE-POSTROUTING ↩ (policy ACCEPT)");
  assert.equal(lines[4], "[2/3] p=0.3333 DNAT to 10.1.13.3:80, masqueraded: no");
  assert.ok(lines[5].includes("→ KUBE-SVC-GKN7Y2BSGW4NJTYL (skip p=0.3333) (p=0.5000) → KUBE-SEP-XY3F6VJIZ7ELIF4Z DNAT to 10.1.13.3:80"), lines[5]);
  const rejected = formatTrace(tracePacket(ex4(), { origin: "pod", source: POD, destination: "10.0.0.252", port: 8000, protocol: "TCP" }, nodeA("modern")));
  assert.match(rejected, /^\[1\/1\] p=1\.0000 REJECT\n/);
  assert.match(rejected, /filter FORWARD .*→ KUBE-SERVICES: "default\/nginx-service has no endpoints" REJECT/);
});

test("built-in chains already in the ruleset (iptables-save) are used as they are", () => {
  const saved = parseRestore(`*nat
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SEP-A - [0:0]
-A OUTPUT -j KUBE-SERVICES
-A KUBE-SERVICES -d 10.0.0.252/32 -p tcp -m tcp --dport 8000 -j KUBE-SEP-A
-A KUBE-SEP-A -p tcp -m tcp -j DNAT --to-destination 10.1.13.2:80
COMMIT
`);
  assert.equal(chainRules(withJumpRules(saved, "modern"), "nat", "PREROUTING").length, 0, "no hook rules added");
  assert.deepEqual(outcomes(trace(saved, ["pod", POD, "10.0.0.252", 8000], "modern")), only("ACCEPT"), "PREROUTING is empty");
  assert.deepEqual(outcomes(trace(saved, ["node", NODE, "10.0.0.252", 8000], "modern")), only("10.1.13.2:80"));
});

test("withJumpRules adds the profile's hooks to tables without built-in chains, leaving the input alone", () => {
  const rules = parseRestore(EXAMPLE_1);
  const hooked = withJumpRules(rules, "modern");
  assert.deepEqual(chainRules(hooked, "filter", "FORWARD").map((r) => r.target?.kind === "chain" && r.target.chain), ["KUBE-PROXY-FIREWALL", "KUBE-FORWARD", "KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES"]);
  assert.equal(chainRules(hooked, "filter", "FORWARD")[2].text, '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  assert.deepEqual(chainRules(rules, "filter", "FORWARD"), []);
  const seed = withJumpRules(seedRules(), "seed");
  assert.deepEqual(chainRules(seed, "filter", "FORWARD"), []);
  assert.equal(chainRules(seed, "filter", "OUTPUT").length, 1);
  assert.equal(chainRules(seed, "nat", "POSTROUTING")[0].text, '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING');
});

test("goto, RETURN, marks and unknown matches", async (t) => {
  const rs = parseRestore(`*nat
:A - [0:0]
:B - [0:0]
:C - [0:0]
-A PREROUTING -j A
-A PREROUTING -m mark --mark 0x1/0x1 -j DNAT --to-destination 10.9.9.9:1
-A PREROUTING -m physdev --physdev-is-in -j DNAT --to-destination 10.7.7.7:1
-A PREROUTING -p tcp --sport 1000 -j DNAT --to-destination 10.6.6.6:1
-A PREROUTING ! -i eth0 -j C
-A A -j MARK --or-mark 0x1
-A A -g B
-A A -j DNAT --to-destination 10.8.8.8:1
-A B -j RETURN
-A C -j DNAT --to-destination 10.5.5.5
COMMIT
`);
  await t.test("goto returns to the caller's caller; the mark set before it sticks", () => {
    const branches = trace(rs, ["outside", OUTSIDE, "10.0.0.1", 80], "modern");
    assert.deepEqual(branches.map((b) => b.dnat), ["10.9.9.9:1"]);
    const notes = branches[0].steps.filter((s) => s.kind === "note").map((s) => s.did);
    assert.deepEqual(notes, []);
  });
  await t.test("a match the tracer cannot judge is not matched and is noted", () => {
    const without = parseRestore(`*nat
:X - [0:0]
-A PREROUTING -m physdev --physdev-is-in -j DNAT --to-destination 10.7.7.7:1
-A PREROUTING -p tcp --sport 1000 -j DNAT --to-destination 10.6.6.6:1
-A PREROUTING ! -i eth0 -j X
-A X -j DNAT --to-destination 10.5.5.5
COMMIT
`);
    const [branch] = trace(without, ["outside", OUTSIDE, "10.0.0.1", 80], "modern");
    assert.equal(branch.dnat, "10.5.5.5:80", "no in-interface given: '! -i eth0' matches; DNAT without a port keeps it");
    const notes = branch.steps.filter((s) => s.kind === "note").map((s) => s.did);
    assert.deepEqual(notes, [
      'cannot judge "-m physdev --physdev-is-in"; rule treated as not matching',
      "packet has no source port; treated as not matching",
      "packet has no in-interface; treated as not matching",
    ]);
    const withFacts = tracePacket(without, { origin: "outside", source: OUTSIDE, destination: "10.0.0.1", port: 80, protocol: "TCP", sourcePort: 1000 }, nodeA("modern"));
    assert.equal(withFacts.branches[0].dnat, "10.6.6.6:1");
  });
});

test("a jump loop is refused rather than walked forever", () => {
  const rs = parseRestore("*nat\n:A - [0:0]\n:B - [0:0]\n-A PREROUTING -j A\n-A A -j B\n-A B -j A\nCOMMIT\n");
  assert.throws(() => trace(rs, ["pod", POD, "10.0.0.1", 80], "modern"), /a loop\?/);
});
