import { test } from "node:test";
import assert from "node:assert/strict";
import { normaliseRules, parseRestoreInput, RestoreParseError, ruleComment, ruleWords } from "./normalise-rules.js";

test("ruleWords keeps quoted strings whole and ruleComment unquotes them", () => {
  const line = '-A KUBE-SERVICES -m comment --comment "ns/a cluster IP" -m tcp -p tcp -j KUBE-SVC-X';
  assert.deepEqual(ruleWords(line).slice(0, 6), ["-A", "KUBE-SERVICES", "-m", "comment", "--comment", "ns/a cluster IP"]);
  assert.equal(ruleComment(line), "ns/a cluster IP");
  assert.equal(ruleComment("-A KUBE-SEP-X -m comment --comment ns/a -s 10.0.0.1 -j KUBE-MARK-MASQ"), "ns/a");
  assert.equal(ruleComment("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000"), undefined);
});

// Two services written in the "wrong" order (b before a), with rules of several chains interleaved.
const shuffled = `*nat
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SVC-BBBB - [0:0]
:KUBE-SEP-BBB1 - [0:0]
:KUBE-EXT-AAAA - [0:0]
:KUBE-SVC-AAAA - [0:0]
:KUBE-SEP-AAA1 - [0:0]
:KUBE-SVC-GONE - [0:0]
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-SERVICES -m comment --comment "ns/b cluster IP" -m tcp -p tcp -d 10.0.0.2 --dport 80 -j KUBE-SVC-BBBB
-A KUBE-SVC-BBBB -m comment --comment "ns/b -> 10.1.0.2:80" -j KUBE-SEP-BBB1
-A KUBE-SEP-BBB1 -m comment --comment ns/b -s 10.1.0.2 -j KUBE-MARK-MASQ
-A KUBE-SEP-BBB1 -m comment --comment ns/b -m tcp -p tcp -j DNAT --to-destination 10.1.0.2:80
-A KUBE-SERVICES -m comment --comment "ns/a:http cluster IP" -m tcp -p tcp -d 10.0.0.1 --dport 80 -j KUBE-SVC-AAAA
-A KUBE-SERVICES -m comment --comment "ns/a:http external IP" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-EXT-AAAA
-A KUBE-NODEPORTS -m comment --comment ns/a:http -m tcp -p tcp --dport 30001 -j KUBE-EXT-AAAA
-A KUBE-EXT-AAAA -m comment --comment "masquerade traffic for ns/a:http external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-AAAA -j KUBE-SVC-AAAA
-A KUBE-SVC-AAAA -m comment --comment "ns/a:http -> 10.1.0.1:80" -j KUBE-SEP-AAA1
-A KUBE-SEP-AAA1 -m comment --comment ns/a:http -s 10.1.0.1 -j KUBE-MARK-MASQ
-A KUBE-SEP-AAA1 -m comment --comment ns/a:http -m tcp -p tcp -j DNAT --to-destination 10.1.0.1:80
-X KUBE-SVC-GONE
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
COMMIT
*filter
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-FORWARD - [0:0]
-A KUBE-SERVICES -m comment --comment "ns/z has no endpoints" -m tcp -p tcp -d 10.0.0.9 --dport 80 -j REJECT
-A KUBE-NODEPORTS -m comment --comment "ns/y health check node port" -m tcp -p tcp --dport 32000 -j ACCEPT
-A KUBE-NODEPORTS -m comment --comment "ns/x health check node port" -m tcp -p tcp --dport 32001 -j ACCEPT
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-SERVICES -m comment --comment "ns/c has no endpoints" -m tcp -p tcp -d 10.0.0.8 --dport 80 -j REJECT
COMMIT
`;

const normalised = `*filter
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
-A KUBE-NODEPORTS -m comment --comment "ns/x health check node port" -m tcp -p tcp --dport 32001 -j ACCEPT
-A KUBE-NODEPORTS -m comment --comment "ns/y health check node port" -m tcp -p tcp --dport 32000 -j ACCEPT
-A KUBE-SERVICES -m comment --comment "ns/c has no endpoints" -m tcp -p tcp -d 10.0.0.8 --dport 80 -j REJECT
-A KUBE-SERVICES -m comment --comment "ns/z has no endpoints" -m tcp -p tcp -d 10.0.0.9 --dport 80 -j REJECT
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
COMMIT
*nat
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXT-AAAA - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-AAA1 - [0:0]
:KUBE-SEP-BBB1 - [0:0]
:KUBE-SVC-AAAA - [0:0]
:KUBE-SVC-BBBB - [0:0]
:KUBE-SVC-GONE - [0:0]
-A KUBE-NODEPORTS -m comment --comment ns/a:http -m tcp -p tcp --dport 30001 -j KUBE-EXT-AAAA
-A KUBE-SERVICES -m comment --comment "ns/a:http cluster IP" -m tcp -p tcp -d 10.0.0.1 --dport 80 -j KUBE-SVC-AAAA
-A KUBE-SERVICES -m comment --comment "ns/a:http external IP" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-EXT-AAAA
-A KUBE-SERVICES -m comment --comment "ns/b cluster IP" -m tcp -p tcp -d 10.0.0.2 --dport 80 -j KUBE-SVC-BBBB
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-EXT-AAAA -m comment --comment "masquerade traffic for ns/a:http external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-AAAA -j KUBE-SVC-AAAA
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-SEP-AAA1 -m comment --comment ns/a:http -s 10.1.0.1 -j KUBE-MARK-MASQ
-A KUBE-SEP-AAA1 -m comment --comment ns/a:http -m tcp -p tcp -j DNAT --to-destination 10.1.0.1:80
-A KUBE-SEP-BBB1 -m comment --comment ns/b -s 10.1.0.2 -j KUBE-MARK-MASQ
-A KUBE-SEP-BBB1 -m comment --comment ns/b -m tcp -p tcp -j DNAT --to-destination 10.1.0.2:80
-A KUBE-SVC-AAAA -m comment --comment "ns/a:http -> 10.1.0.1:80" -j KUBE-SEP-AAA1
-A KUBE-SVC-BBBB -m comment --comment "ns/b -> 10.1.0.2:80" -j KUBE-SEP-BBB1
-X KUBE-SVC-GONE
COMMIT
`;

test("normaliseRules orders tables, chains and service rules canonically", () => {
  assert.equal(normaliseRules(shuffled), normalised);
});

test("normalising is idempotent", () => {
  assert.equal(normaliseRules(normalised), normalised);
});

test("the same rules emitted in another service order normalise to the same text", () => {
  const lines = shuffled.split("\n");
  // Move service b's KUBE-SERVICES rule after service a's: a different processing order.
  const bRule = lines.findIndex((l) => l.includes('"ns/b cluster IP"'));
  const [moved] = lines.splice(bRule, 1);
  lines.splice(lines.findIndex((l) => l.includes('"ns/a:http external IP"')) + 1, 0, moved);
  assert.notEqual(lines.join("\n"), shuffled);
  assert.equal(normaliseRules(lines.join("\n")), normalised);
});

test("parse errors name the line", async (t) => {
  const cases: { name: string; text: string; line: number }[] = [
    { name: "no table", text: ":KUBE-SERVICES - [0:0]\n", line: 1 },
    { name: "undeclared chain", text: "*nat\n:A - [0:0]\n-A B -j ACCEPT\nCOMMIT\n", line: 3 },
    { name: "rule after delete", text: "*nat\n:A - [0:0]\n-X A\n-A A -j ACCEPT\nCOMMIT\n", line: 4 },
    { name: "delete after rules", text: "*nat\n:A - [0:0]\n-A A -j ACCEPT\n-X A\nCOMMIT\n", line: 4 },
    { name: "garbage", text: "*nat\n:A - [0:0]\n-I A 1 -j ACCEPT\nCOMMIT\n", line: 3 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.throws(() => parseRestoreInput(c.text), (err: unknown) => err instanceof RestoreParseError && err.lineNumber === c.line);
    });
  }
  assert.throws(() => parseRestoreInput("*nat\n:A - [0:0]\n"), RestoreParseError, "missing COMMIT");
});

test("parse keeps counters and marks deleted chains", () => {
  const [nat] = parseRestoreInput("*nat\n:A - [3:120]\n:B - [0:0]\n-A A -m comment --comment x -j B\n-X B\nCOMMIT\n");
  assert.deepEqual(nat.chains.map((c) => [c.name, c.packets, c.bytes, c.rules.length, c.deleted]), [
    ["A", 3, 120, 1, false],
    ["B", 0, 0, 0, true],
  ]);
  assert.equal(nat.chains[0].rules[0].comment, "x");
});
