import assert from "node:assert/strict";
import { test } from "node:test";
import { BASE_CHAINS } from "../nftables/base-rules.js";
import { NftJsonError, parseNftJson } from "./nft-json-parse.js";
import { generatedNftTable } from "./nft-generated-table.js";
import { ruleText } from "./nft-rule-text.js";
import { canonicalNftTable } from "./testdata/nft-table-canonical.js";
import { nftJsonFixtureConfig, nftJsonFixtureState } from "./testdata/nft-json-fixture-state.js";
import { NFT_JSON_FIXTURE } from "./testdata/nft-list-table-fixture.js";

const KP = { family: "ip", name: "kube-proxy" };
const WEB = "default/web/tcp/";

test("nft -j list table: base chains, rules, sets and maps of the captured fixture", async (t) => {
  const table = parseNftJson(NFT_JSON_FIXTURE, KP);
  await t.test("every base chain with its hook and priority", () => {
    const bases = [...table.chains.values()].filter((c) => c.base).map((c) => ({ name: c.name, type: c.base?.type, hook: c.base?.hook, priority: c.base?.priority }));
    assert.deepEqual(bases, BASE_CHAINS.map((b) => ({ name: b.name, type: b.type, hook: b.hook, priority: b.priority })));
  });
  const rules: { chain: string; want: string[] }[] = [
    { chain: "services", want: ["ip daddr . meta l4proto . th dport vmap @service-ips", "ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports"] },
    { chain: "masquerading", want: ["mark and 0x4000 == 0 return", "mark set mark xor 0x4000", "masquerade fully-random"] },
    { chain: "cluster-ips-check", want: ['ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"', 'ip daddr 10.0.0.0/24 drop comment "Drop traffic to unallocated ClusterIPs"'] },
    { chain: "filter-input", want: ["ct state new jump nodeport-endpoints-check", "ct state new jump service-endpoints-check"] },
    { chain: `firewall-PFISGYVC-${WEB}`, want: ["ip saddr != 198.51.100.0/24 drop"] },
    { chain: `local-PFISGYVC-${WEB}`, want: [`ip saddr @affinity-Z22G7FUK-${WEB}__10.1.13.2/80 goto endpoint-Z22G7FUK-${WEB}__10.1.13.2/80`, `numgen random mod 1 vmap { 0 : goto endpoint-Z22G7FUK-${WEB}__10.1.13.2/80 }`] },
    { chain: `endpoint-OMCN5LRF-${WEB}__10.1.13.3/80`, want: ["ip saddr 10.1.13.3 jump mark-for-masquerade", `update @affinity-OMCN5LRF-${WEB}__10.1.13.3/80 { ip saddr }`, "meta l4proto tcp dnat to 10.1.13.3:80"] },
  ];
  for (const c of rules) {
    await t.test(`rules of ${c.chain}`, () => assert.deepEqual(table.chains.get(c.chain)?.rules.map(ruleText), c.want));
  }
  await t.test("no statement is left unknown", () => {
    const unknown = [...table.chains.values()].flatMap((c) => c.rules.flatMap((r) => r.statements.filter((s) => s.kind === "unknown")));
    assert.deepEqual(unknown, []);
  });
  await t.test("sets and verdict maps with their elements", () => {
    assert.deepEqual(table.sets.get("cluster-ips")?.elements.map((e) => e.key), [["10.0.0.10"], ["10.0.0.252"]]);
    assert.deepEqual(table.sets.get("service-nodeports")?.elements, [{ key: ["tcp", "30802"], verdict: { kind: "goto", target: `external-PFISGYVC-${WEB}` } }]);
    assert.deepEqual(table.sets.get("no-endpoint-services")?.elements, [{ key: ["10.0.0.10", "udp", "53"], verdict: { kind: "goto", target: "reject-chain" }, comment: "default/empty" }]);
    assert.equal(table.sets.get("service-ips")?.map, true);
    assert.deepEqual(table.sets.get("service-ips")?.keyType, ["ipv4_addr", "inet_proto", "inet_service"]);
    assert.deepEqual(table.sets.get(`affinity-Z22G7FUK-${WEB}__10.1.13.2/80`)?.flags, ["timeout"]);
  });
});

test("the fixture is the table the script parser reads from the generator's transaction", () => {
  const fromKernel = canonicalNftTable(parseNftJson(NFT_JSON_FIXTURE, KP));
  const fromScript = canonicalNftTable(generatedNftTable(nftJsonFixtureState(), nftJsonFixtureConfig()));
  assert.deepEqual(fromScript, fromKernel);
});

test("statements and expressions outside the model are kept as unknown, not dropped", () => {
  const doc = {
    nftables: [
      { table: { family: "ip", name: "kube-proxy" } },
      { chain: { family: "ip", table: "kube-proxy", name: "c" } },
      { rule: { family: "ip", table: "kube-proxy", chain: "c", expr: [{ log: { prefix: "x" } }, { accept: null }] } },
      { rule: { family: "ip", table: "kube-proxy", chain: "c", expr: [{ match: { op: "==", left: { payload: { base: "nh", offset: 8, len: 8 } }, right: 1 } }, { drop: null }] } },
      { rule: { family: "ip", table: "other", chain: "c", expr: [{ drop: null }] } },
    ],
  };
  const table = parseNftJson(doc, KP);
  const rules = table.chains.get("c")?.rules ?? [];
  assert.equal(rules.length, 2, "rules of other tables are not ours");
  assert.deepEqual(rules.map((r) => r.statements.map((s) => s.kind)), [["unknown", "verdict"], ["unknown", "verdict"]]);
  assert.equal(ruleText(rules[0]), '{"log":{"prefix":"x"}} accept');
});

test("output that is not nft's JSON, or lacks the table, is an NftJsonError", async (t) => {
  const cases: { name: string; input: string; want: RegExp }[] = [
    { name: "not JSON", input: "table ip kube-proxy {", want: /does not parse/ },
    { name: "no nftables list", input: "{}", want: /no "nftables" list/ },
    { name: "another table only", input: '{"nftables": [{"table": {"family": "ip", "name": "nat"}}]}', want: /no table ip kube-proxy/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.throws(() => parseNftJson(c.input, KP), (e: unknown) => e instanceof NftJsonError && c.want.test(e.message)));
  }
});
