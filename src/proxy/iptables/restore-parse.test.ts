import { test } from "node:test";
import assert from "node:assert/strict";
import type { MarkOperation, ParsedRule, ParsedRuleset, RuleMatches, RuleTarget } from "./restore-parse.js";
import { applyMarkOperation, applyRestore, chainRules, parseRestore, parseRuleSpec, RestoreParseError, tokenizeLine } from "./restore-parse.js";

test("tokenizeLine splits on blanks and keeps quoted parts together", () => {
  const cases: [string, string[]][] = [
    ["-A X -j Y", ["-A", "X", "-j", "Y"]],
    ["  -A\tX   -j  Y  ", ["-A", "X", "-j", "Y"]],
    ['--comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -j X', ["--comment", "kubernetes service nodeports; NOTE: this must be the last rule in this chain", "-j", "X"]],
    ['--comment "say \\"hi\\" \\\\ there"', ["--comment", 'say "hi" \\ there']],
    ["--comment 'single quoted' x", ["--comment", "single quoted", "x"]],
    ['--comment ""', ["--comment", ""]],
    ["--comment default/nginx-service:", ["--comment", "default/nginx-service:"]],
    ['a"b c"d', ["ab cd"]],
  ];
  for (const [line, want] of cases) assert.deepEqual(tokenizeLine(line), want, line);
  assert.throws(() => tokenizeLine('--comment "open'), /unterminated/);
});

function rule(spec: string): ParsedRule {
  return parseRuleSpec("C", `-A C ${spec}`, tokenizeLine(spec));
}

interface RuleCase {
  name: string;
  spec: string;
  matches?: Partial<RuleMatches>;
  /** The expected target; null for a rule without one. */
  target?: RuleTarget | null;
}

const ruleCases: RuleCase[] = [
  {
    name: "kube-proxy's own order: comment, protocol, destination with /32, port",
    spec: '-m comment --comment "default/nginx-service: cluster IP" -m tcp -p tcp -d 10.0.0.252/32 --dport 8000 -j KUBE-SVC-GKN7Y2BSGW4NJTYL',
    matches: {
      comment: "default/nginx-service: cluster IP",
      protocol: { name: "tcp", negated: false },
      destination: { address: "10.0.0.252", prefixLength: 32, negated: false },
      dport: { from: 8000, to: 8000, negated: false },
    },
    target: { kind: "chain", chain: "KUBE-SVC-GKN7Y2BSGW4NJTYL", goto: false },
  },
  {
    name: "iptables-save's order, bare address means /32",
    spec: '-d 10.0.0.252 -p tcp -m comment --comment "default/nginx-service cluster IP" -m tcp --dport 8000 -j KUBE-SVC-V2OKYYMBY3REGZOG',
    matches: {
      comment: "default/nginx-service cluster IP",
      destination: { address: "10.0.0.252", prefixLength: 32, negated: false },
      dport: { from: 8000, to: 8000, negated: false },
    },
  },
  {
    name: "negated source CIDR (2016's '! -s' joined into one word still splits)",
    spec: "-m tcp -p tcp -d 10.0.0.252/32 --dport 8000 ! -s 10.1.0.0/16 -j KUBE-MARK-MASQ",
    matches: { source: { address: "10.1.0.0", prefixLength: 16, negated: true } },
  },
  {
    name: "dotted netmask and IPv6",
    spec: "-s 10.0.0.0/255.255.0.0 -d fd00::1 -j ACCEPT",
    matches: { source: { address: "10.0.0.0", prefixLength: 16, negated: false }, destination: { address: "fd00::1", prefixLength: 128, negated: false } },
  },
  {
    name: "-p loads its port match implicitly; port ranges",
    spec: "-p udp ! --dport 30000:30010 --sport 53 -j RETURN",
    matches: { protocol: { name: "udp", negated: false }, dport: { from: 30000, to: 30010, negated: true }, sport: { from: 53, to: 53, negated: false } },
  },
  {
    name: "statistic, as written and as printed back",
    spec: "-m comment --comment default/nginx-service: -m statistic --mode random --probability 0.33332999982 -j KUBE-SEP-7ROBBXFV7SD4AIRW",
    matches: { comment: "default/nginx-service:", statistic: { mode: "random", probability: 0.33332999982, negated: false } },
  },
  {
    name: "recent --rcheck (kube-proxy input)",
    spec: "-m recent --name KUBE-SEP-X --rcheck --seconds 10800 --reap -j KUBE-SEP-X",
    matches: { recent: { name: "KUBE-SEP-X", command: "rcheck", seconds: 10800, reap: true, side: "source", negated: false } },
  },
  {
    name: "recent --set as iptables-save prints it",
    spec: "-p tcp -m recent --set --name KUBE-SEP-X --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.1.13.2:80",
    matches: { recent: { name: "KUBE-SEP-X", command: "set", reap: false, side: "source", mask: "255.255.255.255", negated: false } },
    target: { kind: "verdict", verdict: "DNAT", args: ["--to-destination", "10.1.13.2:80"], toDestination: "10.1.13.2:80" },
  },
  {
    name: "addrtype, positive and negated",
    spec: "-m addrtype --dst-type LOCAL -m addrtype ! --src-type LOCAL -j KUBE-NODEPORTS",
    matches: { dstType: { type: "LOCAL", negated: false }, srcType: { type: "LOCAL", negated: true } },
  },
  {
    name: "mark match with and without a mask",
    spec: "-m mark ! --mark 0x4000/0x4000 -j RETURN",
    matches: { mark: { value: 0x4000, mask: 0x4000, negated: true } },
    target: { kind: "verdict", verdict: "RETURN", args: [] },
  },
  {
    name: "mark match without a mask compares every bit",
    spec: "-m mark --mark 16384 -j ACCEPT",
    matches: { mark: { value: 0x4000, mask: 0xffffffff, negated: false } },
  },
  {
    name: "conntrack state, negated",
    spec: '-m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    matches: { ctstate: { states: ["RELATED", "ESTABLISHED", "DNAT"], negated: true }, source: { address: "127.0.0.0", prefixLength: 8, negated: true } },
    target: { kind: "verdict", verdict: "DROP", args: [] },
  },
  {
    name: "state match counts as ctstate",
    spec: "-m state --state NEW -j ACCEPT",
    matches: { ctstate: { states: ["NEW"], negated: false } },
  },
  {
    name: "interfaces",
    spec: "! -i veth+ -o eth0 -j ACCEPT",
    matches: { inInterface: { name: "veth+", negated: true }, outInterface: { name: "eth0", negated: false } },
  },
  {
    name: "MARK --or-mark is kept with kernel semantics",
    spec: "-j MARK --or-mark 0x00004000",
    target: { kind: "verdict", verdict: "MARK", args: ["--or-mark", "0x00004000"], mark: { op: "or-mark", value: 0x4000, mask: 0x4000 } },
  },
  {
    name: "MASQUERADE --random-fully",
    spec: '-m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    target: { kind: "verdict", verdict: "MASQUERADE", args: ["--random-fully"], randomFully: true },
  },
  {
    name: "REJECT as iptables-save prints it",
    spec: "-d 10.0.0.252/32 -p tcp -m tcp --dport 8000 -j REJECT --reject-with icmp-port-unreachable",
    target: { kind: "verdict", verdict: "REJECT", args: ["--reject-with", "icmp-port-unreachable"], rejectWith: "icmp-port-unreachable" },
  },
  { name: "goto", spec: "-g KUBE-SVC-X", target: { kind: "chain", chain: "KUBE-SVC-X", goto: true } },
  { name: "extension target without options", spec: "-j NOTRACK", target: { kind: "extension", name: "NOTRACK", args: [] } },
  { name: "unknown target with options is an extension", spec: '-j LOG --log-prefix "x y"', target: { kind: "extension", name: "LOG", args: ["--log-prefix", "x y"] } },
  {
    name: "a rule without a target (kube-proxy's KUBE-FW tail)",
    spec: '-m comment --comment "other traffic to default/nginx-service will be dropped by KUBE-PROXY-FIREWALL"',
    matches: { comment: "other traffic to default/nginx-service will be dropped by KUBE-PROXY-FIREWALL", unknown: [] },
    target: null,
  },
  {
    name: "unknown matches are kept verbatim with their module",
    spec: "-m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-SVC-X",
    matches: {
      srcType: { type: "LOCAL", negated: true },
      unknown: [
        { module: "physdev", tokens: ["-m", "physdev", "!", "--physdev-is-in"] },
        { module: "nfacct", tokens: ["-m", "nfacct", "--nfacct-name", "localhost_nps_accepted_pkts"] },
      ],
    },
  },
  {
    name: "unknown options of a known module are kept too",
    spec: "-p tcp -m tcp --tcp-flags SYN,ACK SYN --dport 80 -f -j ACCEPT",
    matches: {
      dport: { from: 80, to: 80, negated: false },
      unknown: [{ module: "tcp", tokens: ["--tcp-flags", "SYN,ACK", "SYN", "-f"] }],
    },
  },
];

test("parseRuleSpec decodes matches and targets", async (t) => {
  for (const c of ruleCases) {
    await t.test(c.name, () => {
      const parsed = rule(c.spec);
      for (const [key, want] of Object.entries(c.matches ?? {})) {
        assert.deepEqual(parsed.matches[key as keyof RuleMatches], want, key);
      }
      if (c.target !== undefined) assert.deepEqual(parsed.target, c.target ?? undefined);
      assert.equal(parsed.text, `-A C ${c.spec}`);
    });
  }
});

test("parseRuleSpec refuses what iptables would refuse", () => {
  const bad: [string, RegExp][] = [
    ["-s not-an-ip -j ACCEPT", /not an IP address/],
    ["-s 10.0.0.0/33 -j ACCEPT", /bad prefix/],
    ["-p tcp --dport -j ACCEPT", /bad port/],
    ["-p tcp --dport", /needs a value/],
    ["-m statistic --mode random --probability x -j A", /not a number/],
    ["stray -j ACCEPT", /unexpected "stray"/],
    ["-j ACCEPT !", /at the end/],
    ["! ! -s 10.0.0.1", /double/],
  ];
  for (const [spec, re] of bad) assert.throws(() => rule(spec), re, spec);
});

test("applyMarkOperation follows the kernel: mark = (mark & ~mask) ^ value", () => {
  const op = (text: string): MarkOperation => {
    const target = rule(`-j MARK ${text}`).target;
    assert.ok(target?.kind === "verdict" && target.mark);
    return target.mark;
  };
  const cases: [number, string, number][] = [
    [0, "--or-mark 0x4000", 0x4000],
    [0x1, "--or-mark 0x4000", 0x4001],
    [0x4001, "--xor-mark 0x4000", 0x1],
    [0x4001, "--set-xmark 0x4000/0x0", 0x0001],
    [0x0, "--set-xmark 0x4000/0x4000", 0x4000],
    [0xff, "--set-mark 0x10/0x30", 0xdf],
    [0x1234, "--and-mark 0xff", 0x34],
    [0xffffffff, "--set-xmark 0x0/0xffffffff", 0],
  ];
  for (const [before, text, after] of cases) assert.equal(applyMarkOperation(before, op(text)), after, `${before.toString(16)} ${text}`);
});

// What iptables 1.8.9 printed in a namespace after loading part of the seed's rules.
const savedByIptables = `# Generated by iptables-save v1.8.9 (nf_tables) on Thu Nov 26 14:41:27 2026
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [12:720]
:OUTPUT ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
COMMIT
# Completed on Thu Nov 26 14:41:27 2026
# Generated by iptables-save v1.8.9 (nf_tables) on Thu Nov 26 14:41:27 2026
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-X - [0:0]
[5:300] -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-SERVICES -d 10.0.0.252/32 -p tcp -m comment --comment "default/nginx-service: cluster IP" -m tcp --dport 8000 -j KUBE-SVC-X
-A KUBE-SVC-X -m comment --comment "default/nginx-service:" -m statistic --mode random --probability 0.33332999982 -j KUBE-MARK-MASQ
-A KUBE-SVC-X -m comment --comment "default/nginx-service:" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-X --mask 255.255.255.255 --rsource -j KUBE-MARK-MASQ
-A KUBE-SVC-X -p tcp -m comment --comment "default/nginx-service:" -m recent --set --name KUBE-SEP-X --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.1.13.2:80
COMMIT
# Completed on Thu Nov 26 14:41:27 2026
`;

test("parseRestore reads iptables-save output: built-in chains with policies, counters, comments", () => {
  const rs = parseRestore(savedByIptables);
  assert.deepEqual([...rs.tables.keys()], ["filter", "nat"]);
  const filter = rs.tables.get("filter");
  assert.equal(filter?.chains.get("FORWARD")?.policy, "DROP");
  assert.equal(filter?.chains.get("KUBE-SERVICES")?.policy, undefined);
  assert.deepEqual([...(rs.tables.get("nat")?.chains.keys() ?? [])], ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING", "KUBE-MARK-MASQ", "KUBE-SERVICES", "KUBE-SVC-X"]);
  const prerouting = chainRules(rs, "nat", "PREROUTING");
  assert.equal(prerouting[0].text, '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES');
  const svc = chainRules(rs, "nat", "KUBE-SVC-X");
  assert.equal(svc.length, 3);
  assert.equal(svc[0].matches.statistic?.probability, 0.33332999982);
  assert.equal(svc[1].matches.recent?.command, "rcheck");
  assert.equal(svc[2].matches.recent?.command, "set");
  assert.deepEqual(chainRules(rs, "nat", "NOPE"), []);
  assert.deepEqual(chainRules(rs, "mangle", "PREROUTING"), []);
});

const base = `*nat
:KUBE-SERVICES - [0:0]
:KUBE-SVC-A - [0:0]
:KUBE-SVC-B - [0:0]
-A PREROUTING -j KUBE-SERVICES
-A KUBE-SERVICES -d 10.0.0.1 -j KUBE-SVC-A
-A KUBE-SERVICES -d 10.0.0.2 -j KUBE-SVC-B
-A KUBE-SVC-A -j DNAT --to-destination 10.1.0.1:80
-A KUBE-SVC-B -j DNAT --to-destination 10.1.0.2:80
COMMIT
`;

function snapshot(rs: ParsedRuleset): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const [table, t] of rs.tables) {
    out[table] = {};
    for (const [chain, c] of t.chains) out[table][chain] = [...(c.policy ? [`policy ${c.policy}`] : []), ...c.rules.map((r) => r.text)];
  }
  return out;
}

interface NoflushCase {
  name: string;
  restore: string;
  want?: Record<string, string[]>;
  deleted?: string[];
  error?: RegExp;
}

const noflushCases: NoflushCase[] = [
  {
    name: "a chain line flushes that chain; unmentioned chains keep their rules",
    restore: "*nat\n:KUBE-SVC-A - [0:0]\n-A KUBE-SVC-A -j DNAT --to-destination 10.1.0.9:80\nCOMMIT\n",
    want: {
      "KUBE-SVC-A": ["-A KUBE-SVC-A -j DNAT --to-destination 10.1.0.9:80"],
      "KUBE-SVC-B": ["-A KUBE-SVC-B -j DNAT --to-destination 10.1.0.2:80"],
      PREROUTING: ["policy ACCEPT", "-A PREROUTING -j KUBE-SERVICES"],
    },
  },
  {
    name: "a built-in chain line sets the policy but does not flush (iptables 1.8)",
    restore: "*nat\n:PREROUTING DROP [0:0]\nCOMMIT\n",
    want: { PREROUTING: ["policy DROP", "-A PREROUTING -j KUBE-SERVICES"] },
  },
  {
    name: "stale chain: flush, drop the reference, delete",
    restore: "*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-B - [0:0]\n-A KUBE-SERVICES -d 10.0.0.1 -j KUBE-SVC-A\n-X KUBE-SVC-B\nCOMMIT\n",
    want: { "KUBE-SERVICES": ["-A KUBE-SERVICES -d 10.0.0.1 -j KUBE-SVC-A"] },
    deleted: ["KUBE-SVC-B"],
  },
  {
    name: "-N, -I at a position, -D by number and by spec, -R, -F, -P",
    restore: [
      "*nat",
      "-N KUBE-NEW",
      "-A KUBE-NEW -j RETURN",
      "-I KUBE-NEW -j ACCEPT",
      "-I KUBE-NEW 2 -d 10.0.0.5 -j RETURN",
      "-D KUBE-NEW 1",
      "-D KUBE-NEW -j RETURN",
      "-R KUBE-SVC-A 1 -j DNAT --to-destination 10.1.0.7:80",
      "-F KUBE-SVC-B",
      "-P POSTROUTING DROP",
      "COMMIT",
    ].join("\n"),
    want: {
      "KUBE-NEW": ["-I KUBE-NEW 2 -d 10.0.0.5 -j RETURN"],
      "KUBE-SVC-A": ["-R KUBE-SVC-A 1 -j DNAT --to-destination 10.1.0.7:80"],
      "KUBE-SVC-B": [],
      POSTROUTING: ["policy DROP"],
    },
  },
  { name: "-X of a chain that still has rules fails", restore: "*nat\n-X KUBE-SVC-A\nCOMMIT\n", error: /line 2: chain KUBE-SVC-A is not empty/ },
  { name: "-X of a chain that does not exist fails", restore: "*nat\n-X KUBE-SVC-Z\nCOMMIT\n", error: /line 2: chain KUBE-SVC-Z does not exist/ },
  { name: "-X of a built-in chain fails", restore: "*nat\n-X OUTPUT\nCOMMIT\n", error: /built-in/ },
  { name: "deleting a chain that is still jumped to fails at COMMIT", restore: "*nat\n:KUBE-SVC-B - [0:0]\n-X KUBE-SVC-B\nCOMMIT\n", error: /line 4: chain KUBE-SVC-B does not exist \(referenced by "-A KUBE-SERVICES -d 10.0.0.2 -j KUBE-SVC-B"\)/ },
  { name: "a dangling jump fails the restore", restore: "*nat\n-A KUBE-SVC-A -j KUBE-SEP-NOPE\nCOMMIT\n", error: /KUBE-SEP-NOPE does not exist/ },
  { name: "appending to a missing chain fails", restore: "*nat\n-A KUBE-SEP-NOPE -j ACCEPT\nCOMMIT\n", error: /line 2: chain KUBE-SEP-NOPE does not exist/ },
  { name: "-N of an existing chain fails", restore: "*nat\n-N KUBE-SVC-A\nCOMMIT\n", error: /already exists/ },
  { name: "missing COMMIT", restore: "*nat\n:KUBE-X - [0:0]\n", error: /COMMIT expected for table nat/ },
  { name: "a table inside a table", restore: "*nat\n*filter\nCOMMIT\n", error: /line 2: table nat was not committed/ },
  { name: "a rule outside a table", restore: "-A KUBE-SVC-A -j ACCEPT\n", error: /line 1: .*outside a table/ },
  { name: "an unknown table", restore: "*bogus\nCOMMIT\n", error: /unknown table "bogus"/ },
  { name: "an unsupported command", restore: "*nat\n-E KUBE-SVC-A KUBE-SVC-Z\nCOMMIT\n", error: /unsupported command "-E"/ },
  { name: "a bad rule names its line", restore: "*nat\n\n# comment\n-A KUBE-SVC-A -s 10.0.0.300 -j ACCEPT\nCOMMIT\n", error: /line 4: not an IP address/ },
];

test("applyRestore has iptables-restore --noflush semantics", async (t) => {
  for (const c of noflushCases) {
    await t.test(c.name, () => {
      const current = parseRestore(base);
      const before = snapshot(current);
      if (c.error) {
        assert.throws(() => applyRestore(current, c.restore), (err: unknown) => err instanceof RestoreParseError && c.error!.test(err.message));
      } else {
        const after = snapshot(applyRestore(current, c.restore)).nat;
        for (const [chain, want] of Object.entries(c.want ?? {})) assert.deepEqual(after[chain], want, chain);
        for (const chain of c.deleted ?? []) assert.equal(after[chain], undefined, `${chain} deleted`);
      }
      assert.deepEqual(snapshot(current), before, "the input model is never changed");
    });
  }
});

test("applyRestore adds tables it has not seen and keeps the others", () => {
  const rs = applyRestore(parseRestore(base), "*filter\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -j REJECT\nCOMMIT\n");
  assert.deepEqual([...rs.tables.keys()].sort(), ["filter", "nat"]);
  assert.equal(chainRules(rs, "nat", "KUBE-SVC-A").length, 1);
  assert.equal(chainRules(rs, "filter", "KUBE-SERVICES")[0].target?.kind, "verdict");
});
