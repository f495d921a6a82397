import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRuleText } from "./nft-rule-parse.js";
import { ruleText } from "./nft-rule-text.js";
import { NftScriptError, parseNftScript } from "./nft-script-parse.js";

const KP = { family: "ip", name: "kube-proxy" };

test("rule bodies: parsed into statements and written back as nft lists them", async (t) => {
  const cases: { name: string; text: string; kinds: string[]; want?: string }[] = [
    { name: "vmap on a concatenation", text: "ip daddr . meta l4proto . th dport vmap @service-ips", kinds: ["vmap"] },
    { name: "set membership, then a vmap", text: "ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports", kinds: ["match", "vmap"] },
    { name: "fib, a negated prefix", text: "fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports", kinds: ["match", "match", "vmap"] },
    { name: "numgen vmap", text: "numgen random mod 2 vmap { 0 : goto a , 1 : goto b }", kinds: ["vmap"], want: "numgen random mod 2 vmap { 0 : goto a, 1 : goto b }" },
    { name: "one-element anonymous set is a plain comparison", text: "ip saddr != { 198.51.100.0/24 } drop", kinds: ["match", "verdict"], want: "ip saddr != 198.51.100.0/24 drop" },
    { name: "anonymous set", text: "ip saddr != { 198.51.100.0/24, 203.0.113.10 } drop", kinds: ["match", "verdict"] },
    { name: "mark test with a mask", text: "mark and 0x4000 == 0 return", kinds: ["match", "verdict"] },
    { name: "mark set", text: "mark set mark or 0x4000", kinds: ["mark-set"] },
    { name: "dnat with protocol match", text: "meta l4proto tcp dnat to 10.1.13.2:80", kinds: ["match", "dnat"] },
    { name: "set update", text: "update @affinity-X { ip saddr }", kinds: ["set-update"] },
    { name: "masquerade with a flag", text: "masquerade fully-random", kinds: ["masquerade"] },
    { name: "reject with the default is plain reject", text: "reject with icmp type port-unreachable", kinds: ["reject"], want: "reject" },
    { name: "comment", text: 'fib saddr type local goto service-X comment "short-circuit local traffic"', kinds: ["match", "verdict"] },
    { name: "ct state", text: "ct state new jump firewall-check", kinds: ["match", "verdict"] },
    { name: "an unknown statement takes the rest of the rule", text: 'ip saddr 10.0.0.1 limit rate 10/second accept comment "c"', kinds: ["match", "unknown"], want: 'ip saddr 10.0.0.1 limit rate 10/second accept comment "c"' },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const rule = parseRuleText(c.text);
      assert.deepEqual(rule.statements.map((s) => s.kind), c.kinds);
      assert.equal(ruleText(rule), c.want ?? c.text);
    });
  }
});

test("a script is applied in order: the table it leaves behind", () => {
  const table = parseNftScript(
    [
      "add table ip kube-proxy { comment \"x\" ; }",
      "add chain ip kube-proxy gone",
      "delete table ip kube-proxy",
      "add table ip kube-proxy",
      "add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority dstnat ; }",
      "add chain ip kube-proxy raw-ish { type filter hook prerouting priority raw + 5 ; policy drop ; }",
      "add chain ip kube-proxy c",
      "add map ip kube-proxy m { type ipv4_addr . inet_proto . inet_service : verdict ; }",
      "add set ip kube-proxy s { type ipv4_addr ; flags dynamic,timeout ; timeout 10s ; }",
      "add rule ip kube-proxy c accept",
      "insert rule ip kube-proxy c drop",
      "add element ip kube-proxy m { 10.0.0.1 . tcp . 80 : goto c , 10.0.0.2 . tcp . 80 comment \"ns/a\" : drop }",
      "delete element ip kube-proxy m { 10.0.0.1 . tcp . 80 }",
      "add rule ip other c drop",
      "# a comment",
      "flush chain ip kube-proxy nat-prerouting",
    ].join("\n"),
    KP,
  );
  assert.deepEqual([...table.chains.keys()], ["nat-prerouting", "raw-ish", "c"]);
  assert.deepEqual(table.chains.get("nat-prerouting")?.base, { type: "nat", hook: "prerouting", priority: -100, policy: "accept" });
  assert.deepEqual(table.chains.get("raw-ish")?.base, { type: "filter", hook: "prerouting", priority: -295, policy: "drop" });
  assert.deepEqual(table.chains.get("c")?.rules.map(ruleText), ["drop", "accept"]);
  assert.deepEqual(table.sets.get("m")?.elements, [{ key: ["10.0.0.2", "tcp", "80"], comment: "ns/a", verdict: { kind: "drop" } }]);
  assert.deepEqual(table.sets.get("s")?.flags, ["dynamic", "timeout"]);
});

test("a line the reader cannot follow is an error naming it", async (t) => {
  const cases: { name: string; script: string; want: RegExp }[] = [
    { name: "unknown command", script: "add table ip kube-proxy\nrename chain ip kube-proxy a b", want: /^line 2: unknown command "rename chain"/ },
    { name: "rule in a chain that does not exist", script: "add table ip kube-proxy\nadd rule ip kube-proxy nope accept", want: /^line 2: no chain "nope"/ },
    { name: "no table at all", script: "add table ip nat", want: /leaves no table ip kube-proxy/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.throws(() => parseNftScript(c.script, KP), (e: unknown) => e instanceof NftScriptError && c.want.test(e.message)));
  }
});
