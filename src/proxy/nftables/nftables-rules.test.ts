// Golden tests of the full nftables transaction for the reference's worked examples (nginx-service
// on node-a, kube-proxy.md §1.11 and §3.2), in kube-proxy's nftables layout.

import assert from "node:assert/strict";
import { test } from "node:test";
import { makeEndpoint, makeNginxEndpoints, makeNginxState, makeNodeAConfig, makeProxyState, makeNginxService } from "../iptables/testdata/nginx-fixtures.js";
import { baseRuleLines, nodePortAddressing } from "./base-rules.js";
import { generateNftablesRules } from "./nft-rule-store.js";

const T = "ip kube-proxy";
const SVC = "service-UOJBH74F-default/nginx-service/tcp/";
const LOCAL = "local-UOJBH74F-default/nginx-service/tcp/";
const EXT = "external-UOJBH74F-default/nginx-service/tcp/";
const FW = "firewall-UOJBH74F-default/nginx-service/tcp/";
const EP2 = "endpoint-YZSKHQER-default/nginx-service/tcp/__10.1.13.2/80";
const EP3 = "endpoint-MLH6KRKJ-default/nginx-service/tcp/__10.1.13.3/80";
const EP4 = "endpoint-4BWRJCQT-default/nginx-service/tcp/__10.1.13.4/80";
const AFF = (ep: string): string => ep.replace("endpoint-", "affinity-");

/** The lines after the service's `# default/nginx-service …` header. */
function serviceBlock(text: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("# default/nginx-service"));
  assert.ok(start >= 0, "service block present");
  return lines.slice(start + 1).filter((l) => l !== "");
}

const endpointChains = (eps: string[], sticky = false): string[] => eps.map((ep) => `add chain ${T} ${ep}`).concat(
  eps.flatMap((ep) => {
    const ip = /__([\d.]+)\//.exec(ep)?.[1] as string;
    return [
      `add rule ${T} ${ep} ip saddr ${ip} jump mark-for-masquerade`,
      ...(sticky ? [`add rule ${T} ${ep} update @${AFF(ep)} { ip saddr }`] : []),
      `add rule ${T} ${ep} meta l4proto tcp dnat to ${ip}:80`,
    ];
  }),
);
const vmap3 = `numgen random mod 3 vmap { 0 : goto ${EP2} , 1 : goto ${EP3} , 2 : goto ${EP4} }`;

test("the nginx examples in nftables layout", async (t) => {
  const lb = (svc: Parameters<NonNullable<Parameters<typeof makeNginxService>[0]>>[0]): void => {
    svc.nodePort = 30802;
    svc.healthCheckNodePort = 32000;
    svc.loadBalancerVIPs = ["203.0.113.10"];
    svc.loadBalancerSourceRanges = ["198.51.100.0/24"];
    svc.externalPolicyLocal = true;
  };
  const cases: { name: string; state: ReturnType<typeof makeNginxState>; want: string[] }[] = [
    {
      name: "Example 1: ClusterIP, 3 endpoints",
      state: makeNginxState(),
      want: [
        `add chain ${T} ${SVC}`,
        ...endpointChains([EP2, EP3, EP4]).slice(0, 3),
        `add rule ${T} ${SVC} ip daddr 10.0.0.252 ip saddr != 10.1.0.0/16 jump mark-for-masquerade`,
        `add rule ${T} ${SVC} ${vmap3}`,
        ...endpointChains([EP2, EP3, EP4]).slice(3),
        `add element ${T} cluster-ips { 10.0.0.252 }`,
        `add element ${T} service-ips { 10.0.0.252 . tcp . 8000 : goto ${SVC} }`,
      ],
    },
    {
      name: "Example 1b: ClientIP affinity",
      state: makeNginxState((s) => (s.stickySeconds = 10800)),
      want: [
        ...[EP2, EP3, EP4].map((ep) => `add set ${T} ${AFF(ep)} { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }`),
        `add chain ${T} ${SVC}`,
        ...endpointChains([EP2, EP3, EP4], true).slice(0, 3),
        `add rule ${T} ${SVC} ip daddr 10.0.0.252 ip saddr != 10.1.0.0/16 jump mark-for-masquerade`,
        ...[EP2, EP3, EP4].map((ep) => `add rule ${T} ${SVC} ip saddr @${AFF(ep)} goto ${ep}`),
        `add rule ${T} ${SVC} ${vmap3}`,
        ...endpointChains([EP2, EP3, EP4], true).slice(3),
        `add element ${T} cluster-ips { 10.0.0.252 }`,
        `add element ${T} service-ips { 10.0.0.252 . tcp . 8000 : goto ${SVC} }`,
      ],
    },
    {
      name: "Example 2: NodePort 30802",
      state: makeNginxState((s) => (s.nodePort = 30802)),
      want: [
        `add chain ${T} ${SVC}`,
        `add chain ${T} ${EXT}`,
        ...endpointChains([EP2, EP3, EP4]).slice(0, 3),
        `add rule ${T} ${SVC} ip daddr 10.0.0.252 ip saddr != 10.1.0.0/16 jump mark-for-masquerade`,
        `add rule ${T} ${SVC} ${vmap3}`,
        `add rule ${T} ${EXT} jump mark-for-masquerade`,
        `add rule ${T} ${EXT} goto ${SVC}`,
        ...endpointChains([EP2, EP3, EP4]).slice(3),
        `add element ${T} cluster-ips { 10.0.0.252 }`,
        `add element ${T} service-ips { 10.0.0.252 . tcp . 8000 : goto ${SVC} }`,
        `add element ${T} service-nodeports { tcp . 30802 : goto ${EXT} }`,
      ],
    },
    {
      name: "Example 3: LoadBalancer, externalTrafficPolicy Local, source ranges (node-a hosts .2)",
      state: makeNginxState(lb),
      want: [
        `add chain ${T} ${SVC}`,
        `add chain ${T} ${LOCAL}`,
        `add chain ${T} ${EXT}`,
        `add chain ${T} ${FW}`,
        ...endpointChains([EP2, EP3, EP4]).slice(0, 3),
        `add rule ${T} ${SVC} ip daddr 10.0.0.252 ip saddr != 10.1.0.0/16 jump mark-for-masquerade`,
        `add rule ${T} ${SVC} ${vmap3}`,
        `add rule ${T} ${LOCAL} numgen random mod 1 vmap { 0 : goto ${EP2} }`,
        `add rule ${T} ${EXT} ip saddr 10.1.0.0/16 goto ${SVC} comment "short-circuit pod traffic"`,
        `add rule ${T} ${EXT} fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"`,
        `add rule ${T} ${EXT} fib saddr type local goto ${SVC} comment "short-circuit local traffic"`,
        `add rule ${T} ${EXT} goto ${LOCAL}`,
        `add rule ${T} ${FW} ip saddr != { 198.51.100.0/24 } drop`,
        ...endpointChains([EP2, EP3, EP4]).slice(3),
        `add element ${T} cluster-ips { 10.0.0.252 }`,
        `add element ${T} service-ips { 10.0.0.252 . tcp . 8000 : goto ${SVC} }`,
        `add element ${T} service-ips { 203.0.113.10 . tcp . 8000 : goto ${EXT} }`,
        `add element ${T} firewall-ips { 203.0.113.10 . tcp . 8000 : goto ${FW} }`,
        `add element ${T} service-nodeports { tcp . 30802 : goto ${EXT} }`,
      ],
    },
    {
      name: "Example 3′: the same LoadBalancer seen from node-z (no local endpoint): external traffic dropped",
      state: makeNginxState(lb, "node-z"),
      want: [
        `add chain ${T} ${SVC}`,
        `add chain ${T} ${EXT}`,
        `add chain ${T} ${FW}`,
        ...endpointChains([EP2, EP3, EP4]).slice(0, 3),
        `add rule ${T} ${SVC} ip daddr 10.0.0.252 ip saddr != 10.1.0.0/16 jump mark-for-masquerade`,
        `add rule ${T} ${SVC} ${vmap3}`,
        `add rule ${T} ${EXT} ip saddr 10.1.0.0/16 goto ${SVC} comment "short-circuit pod traffic"`,
        `add rule ${T} ${EXT} fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"`,
        `add rule ${T} ${EXT} fib saddr type local goto ${SVC} comment "short-circuit local traffic"`,
        `add rule ${T} ${FW} ip saddr != { 198.51.100.0/24 } drop`,
        ...endpointChains([EP2, EP3, EP4]).slice(3),
        `add element ${T} cluster-ips { 10.0.0.252 }`,
        `add element ${T} service-ips { 10.0.0.252 . tcp . 8000 : goto ${SVC} }`,
        `add element ${T} service-ips { 203.0.113.10 . tcp . 8000 : goto ${EXT} }`,
        `add element ${T} firewall-ips { 203.0.113.10 . tcp . 8000 : goto ${FW} }`,
        `add element ${T} no-endpoint-services { 203.0.113.10 . tcp . 8000 comment "default/nginx-service" : drop }`,
        `add element ${T} service-nodeports { tcp . 30802 : goto ${EXT} }`,
        `add element ${T} no-endpoint-nodeports { tcp . 30802 comment "default/nginx-service" : drop }`,
      ],
    },
    {
      name: "Example 4: NodePort with no endpoints: rejected through reject-chain",
      state: makeProxyState([{ service: makeNginxService((s) => (s.nodePort = 30802)), endpoints: [] }]),
      want: [
        `add element ${T} cluster-ips { 10.0.0.252 }`,
        `add element ${T} no-endpoint-services { 10.0.0.252 . tcp . 8000 comment "default/nginx-service" : goto reject-chain }`,
        `add element ${T} no-endpoint-nodeports { tcp . 30802 comment "default/nginx-service" : goto reject-chain }`,
      ],
    },
    {
      name: "Example 5: internalTrafficPolicy Local on node-a: only the local endpoint",
      state: makeNginxState((s) => (s.internalPolicyLocal = true)),
      want: [
        `add chain ${T} ${LOCAL}`,
        `add chain ${T} ${EP2}`,
        `add rule ${T} ${LOCAL} ip daddr 10.0.0.252 ip saddr != 10.1.0.0/16 jump mark-for-masquerade`,
        `add rule ${T} ${LOCAL} numgen random mod 1 vmap { 0 : goto ${EP2} }`,
        ...endpointChains([EP2]).slice(1),
        `add element ${T} cluster-ips { 10.0.0.252 }`,
        `add element ${T} service-ips { 10.0.0.252 . tcp . 8000 : goto ${LOCAL} }`,
      ],
    },
    {
      name: "Example 5′: internalTrafficPolicy Local on node-z: dropped",
      state: makeNginxState((s) => (s.internalPolicyLocal = true), "node-z"),
      want: [
        `add element ${T} cluster-ips { 10.0.0.252 }`,
        `add element ${T} no-endpoint-services { 10.0.0.252 . tcp . 8000 comment "default/nginx-service" : drop }`,
      ],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.deepEqual(serviceBlock(generateNftablesRules(c.state, makeNodeAConfig()).text), c.want);
    });
  }
});

test("the transaction starts by replacing the table, then the fixed layout", () => {
  const text = generateNftablesRules(makeNginxState(), makeNodeAConfig()).text;
  const lines = text.split("\n");
  assert.deepEqual(lines.slice(0, 3), [
    `add table ${T} { comment "rules for kube-proxy" ; }`,
    `delete table ${T}`,
    `add table ${T} { comment "rules for kube-proxy" ; }`,
  ]);
  for (const want of [
    `add chain ${T} nat-prerouting { type nat hook prerouting priority -100 ; }`,
    `add chain ${T} filter-prerouting-pre-dnat { type filter hook prerouting priority -110 ; }`,
    `add rule ${T} services ip daddr . meta l4proto . th dport vmap @service-ips`,
    `add rule ${T} services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports`,
    `add element ${T} nodeport-ips { 192.168.0.10 }`,
    `add rule ${T} masquerading masquerade fully-random`,
    `add rule ${T} mark-for-masquerade mark set mark or 0x4000`,
  ]) {
    assert.ok(lines.includes(want), want);
  }
  assert.ok(!text.includes("Drop traffic to unallocated ClusterIPs"), "no service CIDR given, no drop rule");
});

test("masquerading variants: masqueradeAll, no local-traffic detector", async (t) => {
  const cases = [
    { name: "masqueradeAll", config: makeNodeAConfig({ masqueradeAll: true }), want: `add rule ${T} ${SVC} ip daddr 10.0.0.252 jump mark-for-masquerade` },
    { name: "no detector", config: makeNodeAConfig({ clusterCIDR: undefined }), want: undefined },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const masq = serviceBlock(generateNftablesRules(makeNginxState(), c.config).text).filter((l) => l.startsWith(`add rule ${T} ${SVC} ip daddr`));
      assert.deepEqual(masq, c.want ? [c.want] : []);
    });
  }
});

test("NodePort addresses: the node's primary IPs by default, never loopback, all local with 0.0.0.0/0", async (t) => {
  const cases = [
    { name: "default", nodeIPs: ["192.168.0.10", "127.0.0.1"], nodePortAddresses: [], want: { matchAll: false, ips: ["192.168.0.10"] } },
    { name: "CIDR picks", nodeIPs: ["192.168.0.10", "10.9.0.1"], nodePortAddresses: ["10.9.0.0/16"], want: { matchAll: false, ips: ["10.9.0.1"] } },
    { name: "all", nodeIPs: ["192.168.0.10"], nodePortAddresses: ["0.0.0.0/0"], want: { matchAll: true } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(nodePortAddressing(c), c.want));
  const all = baseRuleLines(makeNodeAConfig({ nodePortAddresses: ["0.0.0.0/0"] }));
  assert.ok(all.includes(`add rule ${T} services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports`));
  assert.ok(!all.some((l) => l.includes("nodeport-ips")));
});

test("output is deterministic and services come in key order", () => {
  const a = makeNginxService((s) => ((s.name.name = "a-svc"), (s.clusterIP = "10.0.0.9")));
  const state1 = makeProxyState([{ service: makeNginxService(), endpoints: makeNginxEndpoints() }, { service: a, endpoints: [makeEndpoint("10.1.13.9", 80, "node-b", "node-a")] }]);
  const state2 = makeProxyState([{ service: a, endpoints: [makeEndpoint("10.1.13.9", 80, "node-b", "node-a")] }, { service: makeNginxService(), endpoints: makeNginxEndpoints().reverse() }]);
  const t1 = generateNftablesRules(state1, makeNodeAConfig()).text;
  assert.equal(t1, generateNftablesRules(state2, makeNodeAConfig()).text);
  assert.ok(t1.indexOf("# default/a-svc") < t1.indexOf("# default/nginx-service"));
});
