// The IPv6 table (`table ip6 kube-proxy`): golden text for the dual-stack nginx-service, the
// family-specific variants (NodePorts on every address, source ranges, affinity, no endpoints,
// unallocated ClusterIPs), partial syncs of the IPv6 table, and the IPv4 table of the same
// dual-stack objects unchanged from the IPv4-only one.

import assert from "node:assert/strict";
import { test } from "node:test";
import { makeNginxState, makeNodeAConfig } from "../iptables/testdata/nginx-fixtures.js";
import { proxyStateFromObjects } from "../objects-state.js";
import type { NodeProxyConfig, ProxyState, ServicePortInfo } from "../types.js";
import { baseRuleLines, nodePortAddressing } from "./base-rules.js";
import { NftRuleStore, generateNftablesRules } from "./nft-rule-store.js";
import { NGINX_CLUSTER_IPV6, makeDualStackNginxService, makeNginxSlice, makeNodeAIPv6Config } from "./testdata/dual-stack-nginx.js";
import { NGINX_IPV6_GOLDEN } from "./testdata/nginx-ipv6-golden.js";

const T6 = "ip6 kube-proxy";
const SVC = "service-UOJBH74F-default/nginx-service/tcp/";
const objects = [makeDualStackNginxService(), makeNginxSlice("IPv4"), makeNginxSlice("IPv6")];

function ipv6State(mutate?: (svc: ServicePortInfo) => void, withEndpoints = true): ProxyState {
  const state = proxyStateFromObjects(withEndpoints ? objects : objects.slice(0, 1), "node-a", { ipFamily: "IPv6" });
  if (mutate) for (const svc of state.services.values()) mutate(svc);
  return state;
}

/** The lines after the service's `# default/nginx-service …` header. */
function serviceBlock(text: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("# default/nginx-service"));
  assert.ok(start >= 0, "service block present");
  return lines.slice(start + 1).filter((l) => l !== "");
}

test("IPv6 table of the dual-stack nginx-service (golden)", () => {
  const text = generateNftablesRules(ipv6State(), makeNodeAIPv6Config()).text;
  assert.equal(text, NGINX_IPV6_GOLDEN);
});

test("the IPv4 table of dual-stack objects is the IPv4-only one", () => {
  const fromObjects = generateNftablesRules(proxyStateFromObjects(objects, "node-a"), makeNodeAConfig()).text;
  assert.equal(fromObjects, generateNftablesRules(makeNginxState(), makeNodeAConfig()).text);
  assert.ok(!fromObjects.includes("ip6") && !fromObjects.includes("fd00:"), "nothing of the other family");
  // An IPv4 proxier on a dual-stack node (both families' addresses in its flags) writes the same.
  const dualFlags = makeNodeAConfig({ nodeIPs: ["192.168.0.10", "fd00:192:168::10"], clusterCIDR: "10.1.0.0/16,fd00:10:1::/56" });
  assert.equal(generateNftablesRules(makeNginxState(), dualFlags).text, fromObjects);
});

test("IPv6 variants", async (t) => {
  const cases: { name: string; mutate?: (svc: ServicePortInfo) => void; config?: Partial<NodeProxyConfig>; endpoints?: boolean; want: (lines: string[], all: string) => void }[] = [
    {
      name: "NodePort on every local address but ::1",
      mutate: (s) => (s.nodePort = 30802),
      config: { nodePortAddresses: ["::/0"] },
      want: (_lines, all) => {
        assert.ok(all.includes(`add rule ${T6} services fib daddr type local ip6 daddr != ::1 meta l4proto . th dport vmap @service-nodeports`));
        assert.ok(all.includes(`add rule ${T6} nodeport-endpoints-check ip6 daddr != ::1 meta l4proto . th dport vmap @no-endpoint-nodeports`));
        assert.ok(!all.includes("nodeport-ips"));
        assert.ok(all.includes(`add element ${T6} service-nodeports { tcp . 30802 : goto external-UOJBH74F-default/nginx-service/tcp/ }`));
      },
    },
    {
      name: "LoadBalancer with IPv6 source ranges",
      mutate: (s) => ((s.nodePort = 30802), (s.loadBalancerVIPs = ["fd00:203::10"]), (s.loadBalancerSourceRanges = ["fd00:198:51::/48"])),
      want: (lines) => {
        assert.ok(lines.includes(`add rule ${T6} firewall-UOJBH74F-default/nginx-service/tcp/ ip6 saddr != { fd00:198:51::/48 } drop`));
        assert.ok(lines.includes(`add element ${T6} firewall-ips { fd00:203::10 . tcp . 8000 : goto firewall-UOJBH74F-default/nginx-service/tcp/ }`));
        assert.ok(lines.includes(`add element ${T6} service-ips { fd00:203::10 . tcp . 8000 : goto external-UOJBH74F-default/nginx-service/tcp/ }`));
      },
    },
    {
      name: "the node's own IPv6 address in a source range lets the VIP through",
      mutate: (s) => ((s.loadBalancerVIPs = ["fd00:203::10"]), (s.loadBalancerSourceRanges = ["fd00:192:168::/64"])),
      want: (lines) => assert.ok(lines.includes(`add rule ${T6} firewall-UOJBH74F-default/nginx-service/tcp/ ip6 saddr != { fd00:192:168::/64, fd00:203::10 } drop`)),
    },
    {
      name: "ClientIP affinity: ipv6_addr sets, ip6 saddr updates",
      mutate: (s) => (s.stickySeconds = 60),
      want: (lines) => {
        const ep = "endpoint-TXINS6C5-default/nginx-service/tcp/__fd00.10.1.13..2/80";
        const aff = ep.replace("endpoint-", "affinity-");
        assert.ok(lines.includes(`add set ${T6} ${aff} { type ipv6_addr ; flags dynamic,timeout ; timeout 60s ; }`));
        assert.ok(lines.includes(`add rule ${T6} ${SVC} ip6 saddr @${aff} goto ${ep}`));
        assert.ok(lines.includes(`add rule ${T6} ${ep} update @${aff} { ip6 saddr }`));
      },
    },
    {
      name: "no endpoints: rejected through the no-endpoint map",
      endpoints: false,
      want: (lines) =>
        assert.deepEqual(lines, [
          `add element ${T6} cluster-ips { ${NGINX_CLUSTER_IPV6} }`,
          `add element ${T6} no-endpoint-services { ${NGINX_CLUSTER_IPV6} . tcp . 8000 comment "default/nginx-service" : goto reject-chain }`,
        ]),
    },
    {
      name: "unallocated addresses of the IPv6 service CIDR dropped, the IPv4 one ignored",
      config: { serviceCIDRs: ["10.0.0.0/24", "fd00:10:96::/112"] },
      want: (_lines, all) => assert.ok(all.includes(`add rule ${T6} cluster-ips-check ip6 daddr { fd00:10:96::/112 } drop comment "Drop traffic to unallocated ClusterIPs"`)),
    },
    {
      name: "masqueradeAll",
      config: { masqueradeAll: true },
      want: (lines) => assert.ok(lines.includes(`add rule ${T6} ${SVC} ip6 daddr ${NGINX_CLUSTER_IPV6} jump mark-for-masquerade`)),
    },
    {
      name: "no IPv6 pod range: no detector, no masquerade rule",
      config: { clusterCIDR: "10.1.0.0/16" },
      want: (lines) => assert.ok(!lines.some((l) => l.includes(`${SVC} ip6 daddr`))),
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const text = generateNftablesRules(ipv6State(c.mutate, c.endpoints ?? true), makeNodeAIPv6Config(c.config)).text;
      assert.ok(!/ ip (saddr|daddr) |ipv4_addr|^add \S+ ip kube-proxy/m.test(text), "nothing of the IPv4 table");
      c.want(serviceBlock(text), text);
    });
  }
});

test("NodePort addresses of the IPv6 proxier", async (t) => {
  const cases = [
    { name: "default: the node's IPv6 addresses, never ::1", nodeIPs: ["192.168.0.10", "fd00:192:168::10", "::1"], nodePortAddresses: [], want: { matchAll: false, ips: ["fd00:192:168::10"] } },
    { name: "IPv6 CIDR picks", nodeIPs: ["fd00:192:168::10", "fd00:9::1"], nodePortAddresses: ["fd00:9::/64", "10.9.0.0/16"], want: { matchAll: false, ips: ["fd00:9::1"] } },
    { name: "only IPv4 CIDRs given: none of ours matches", nodeIPs: ["fd00:192:168::10"], nodePortAddresses: ["0.0.0.0/0"], want: { matchAll: false, ips: ["fd00:192:168::10"] } },
    { name: "::/0 means every local address", nodeIPs: ["fd00:192:168::10"], nodePortAddresses: ["::/0"], want: { matchAll: true } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(nodePortAddressing({ ...c, ipFamily: "IPv6" }), c.want));
  // The IPv4 proxier ignores IPv6 entries (and ::/0).
  assert.deepEqual(nodePortAddressing({ nodeIPs: ["192.168.0.10", "fd00:192:168::10"], nodePortAddresses: ["::/0"] }), { matchAll: false, ips: ["192.168.0.10"] });
  assert.ok(baseRuleLines(makeNodeAIPv6Config()).includes(`add element ${T6} nodeport-ips { fd00:192:168::10 }`));
});

test("partial syncs of the IPv6 table stay in it", () => {
  const config = makeNodeAIPv6Config();
  const store = new NftRuleStore();
  store.full(ipv6State(), config);
  const fewer = ipv6State();
  for (const [key, eps] of fewer.endpoints) (fewer.endpoints as Map<string, readonly unknown[]>).set(key, eps.slice(0, 2));
  const tx = store.partial(fewer, config, new Set(["default/nginx-service"]), 1000);
  assert.notEqual(tx.text, "");
  for (const line of tx.text.split("\n").filter((l) => /^(add|flush|delete) /.test(l))) assert.match(line, /^(add|flush|delete) (chain|set|map|element) ip6 kube-proxy /, line);
  assert.ok(tx.text.includes("\tip6 daddr fd00:10:96::fc ip6 saddr != fd00:10:1::/56 jump mark-for-masquerade"));
  const stale = store.deleteStaleChains(5000);
  assert.deepEqual(stale.text, `delete chain ${T6} endpoint-W2O6MQD5-default/nginx-service/tcp/__fd00.10.1.13..4/80\n`);
  // A store is one table: a partial sync for the other family is a programming error.
  assert.throws(() => store.partial(fewer, makeNodeAConfig(), new Set(), 6000), /partial sync for IPv4 after a full sync for IPv6/);
});
