import { test } from "node:test";
import assert from "node:assert/strict";
import { endpointChainName, serviceChainName } from "./chain-names.js";
import { generateModernRules, masqueradeMarkString } from "./modern-rules.js";
import { normaliseRules, parseRestoreInput } from "./normalise-rules.js";
import type { IptablesRulesResult } from "./rules-result.js";
import {
  makeEndpoint,
  makeNginxEndpoints,
  makeNginxService,
  makeNginxState,
  makeNodeAConfig,
  makeProxyState,
  makeServicePort,
  NGINX_HASH,
} from "./testdata/nginx-fixtures.js";
// Goldens: the reference's worked examples (kube-proxy.md §1.11), byte for byte.
import {
  EXAMPLE_1,
  EXAMPLE_1B_AFFINITY_RULES,
  EXAMPLE_2,
  EXAMPLE_3,
  EXAMPLE_3_PRIME_FILTER_RULES,
  EXAMPLE_4,
  NAT_FIXED_RULES,
  NAT_TABLE_END,
  NAT_TABLE_START,
} from "./testdata/reference-examples.js";
import type { EndpointInfo, ServicePortInfo } from "../types.js";

// ---------------------------------------------------------------------------------------------
// Helpers.

const SVC = `KUBE-SVC-${NGINX_HASH}`;
const SVL = `KUBE-SVL-${NGINX_HASH}`;
const EXT = `KUBE-EXT-${NGINX_HASH}`;
const FW = `KUBE-FW-${NGINX_HASH}`;
const SEP2 = "KUBE-SEP-D6ZFGDR42OKGRRVI";
const SEP3 = "KUBE-SEP-7ETEU5GP7OEWB65E";
const SEP4 = "KUBE-SEP-COO3Y4QZMF4NKH2Q";

const CLUSTER_MASQ = `-A ${SVC} -m comment --comment "default/nginx-service cluster IP" -m tcp -p tcp -d 10.0.0.252 --dport 8000 ! -s 10.1.0.0/16 -j KUBE-MARK-MASQ`;

/** One table of a restore text, "*name" through "COMMIT". */
function table(text: string, name: "filter" | "nat"): string {
  const start = text.indexOf(`*${name}\n`);
  assert.ok(start >= 0, `no ${name} table`);
  const end = text.indexOf("COMMIT\n", start) + "COMMIT\n".length;
  return text.slice(start, end);
}

function lineIndex(lines: string[], line: string): number {
  const at = lines.indexOf(line);
  assert.ok(at >= 0, `line not in golden: ${line}`);
  return at;
}

/** Small edits of a golden, each checked to apply. */
function edit(text: string, ops: { remove?: string[]; replace?: [string, string][]; insertAfter?: [string, string[]][] }): string {
  const lines = text.split("\n");
  for (const line of ops.remove ?? []) lines.splice(lineIndex(lines, line), 1);
  for (const [from, to] of ops.replace ?? []) lines[lineIndex(lines, from)] = to;
  for (const [anchor, added] of ops.insertAfter ?? []) lines.splice(lineIndex(lines, anchor) + 1, 0, ...added);
  return lines.join("\n");
}

const BUILT_IN_TARGETS = new Set(["ACCEPT", "DROP", "REJECT", "RETURN", "MARK", "MASQUERADE", "DNAT"]);

/**
 * Structural checks on a full-sync restore text (as upstream's tests make): every chain jumped
 * to is declared, and every declared per-service chain is jumped to and has rules (or is deleted).
 */
function assertChainsConsistent(text: string): void {
  for (const t of parseRestoreInput(text)) {
    const declared = new Map(t.chains.map((c) => [c.name, c]));
    const jumpedTo = new Set<string>();
    for (const chain of t.chains) {
      for (const rule of chain.rules) {
        const target = / -j (\S+)/.exec(rule.raw)?.[1];
        if (target === undefined || BUILT_IN_TARGETS.has(target)) continue;
        assert.ok(declared.has(target), `${t.name}: ${chain.name} jumps to undeclared ${target}`);
        jumpedTo.add(target);
      }
    }
    for (const chain of t.chains) {
      if (!/^KUBE-(SVC|SVL|EXT|FW|SEP)-/.test(chain.name) || chain.deleted) continue;
      assert.ok(jumpedTo.has(chain.name), `${t.name}: ${chain.name} is declared but never jumped to`);
      assert.ok(chain.rules.length > 0, `${t.name}: ${chain.name} is declared but empty`);
    }
  }
}

interface Expected {
  natRules: number;
  filterRules: number;
  activeNatChains: string[];
  noLocalEndpoints?: { internal: number; external: number };
}

function assertResult(result: IptablesRulesResult, want: Expected): void {
  assert.equal(result.natRules, want.natRules, "natRules");
  assert.equal(result.filterRules, want.filterRules, "filterRules");
  assert.deepEqual([...result.activeNatChains].sort(), [...want.activeNatChains].sort(), "activeNatChains");
  assert.deepEqual(result.noLocalEndpoints, want.noLocalEndpoints ?? { internal: 0, external: 0 }, "noLocalEndpoints");
  // The counts must agree with the text of a full sync.
  assert.equal(result.text.split("\n").filter((l) => l.startsWith("-A ") || l.startsWith("-X ")).length, result.natRules + result.filterRules + result.deletedChains);
  assertChainsConsistent(result.text);
}

const lb = (s: ServicePortInfo): void => {
  s.nodePort = 30802;
  s.healthCheckNodePort = 32000;
  s.loadBalancerVIPs = ["203.0.113.10"];
  s.loadBalancerSourceRanges = ["198.51.100.0/24"];
  s.externalPolicyLocal = true;
};
const nodeZ = makeNodeAConfig({ nodeName: "node-z", nodeIPs: ["192.168.0.26"] });

// ---------------------------------------------------------------------------------------------
// The worked examples.

test("Example 1: ClusterIP with three endpoints", () => {
  const result = generateModernRules(makeNginxState(), makeNodeAConfig());
  assert.equal(result.text, EXAMPLE_1);
  // 4 fixed + 1 dispatch + 1 masquerade + 3 SVC + 2×3 SEP + 1 tail nat rules; 1 + 3 filter rules.
  assertResult(result, { natRules: 16, filterRules: 4, activeNatChains: [SVC, SEP2, SEP3, SEP4] });
  assert.equal(result.deletedChains, 0);
  assert.equal(result.servicesWritten, 1);
});

test("Example 1 without a local-traffic detector has no off-cluster masquerade rule", () => {
  const result = generateModernRules(makeNginxState(), makeNodeAConfig({ clusterCIDR: undefined }));
  assert.equal(result.text, edit(EXAMPLE_1, { remove: [CLUSTER_MASQ] }));
  assertResult(result, { natRules: 15, filterRules: 4, activeNatChains: [SVC, SEP2, SEP3, SEP4] });
});

test("Example 1 with masqueradeAll masquerades every cluster IP connection", () => {
  const result = generateModernRules(makeNginxState(), makeNodeAConfig({ masqueradeAll: true }));
  assert.equal(result.text, edit(EXAMPLE_1, { replace: [[CLUSTER_MASQ, CLUSTER_MASQ.replace(" ! -s 10.1.0.0/16", "")]] }));
});

test("Example 1b: ClientIP session affinity", () => {
  const result = generateModernRules(makeNginxState((s) => (s.stickySeconds = 10800)), makeNodeAConfig());
  const affinity = EXAMPLE_1B_AFFINITY_RULES.trimEnd().split("\n");
  const dnat = (sep: string, ip: string): string =>
    `-A ${sep} -m comment --comment default/nginx-service -m tcp -p tcp -j DNAT --to-destination ${ip}:80`;
  const want = edit(EXAMPLE_1, {
    replace: [
      [dnat(SEP2, "10.1.13.2"), affinity[3]],
      [dnat(SEP3, "10.1.13.3"), affinity[4]],
      [dnat(SEP4, "10.1.13.4"), affinity[5]],
    ],
    insertAfter: [[CLUSTER_MASQ, affinity.slice(0, 3)]],
  });
  assert.equal(result.text, want);
  assertResult(result, { natRules: 19, filterRules: 4, activeNatChains: [SVC, SEP2, SEP3, SEP4] });
});

test("Example 2: NodePort", () => {
  const result = generateModernRules(makeNginxState((s) => (s.nodePort = 30802)), makeNodeAConfig());
  assert.equal(table(result.text, "nat"), table(EXAMPLE_2, "nat"));
  assert.equal(table(result.text, "filter"), table(EXAMPLE_1, "filter"), "a NodePort with endpoints adds no filter rule");
  assertResult(result, { natRules: 19, filterRules: 4, activeNatChains: [EXT, SVC, SEP2, SEP3, SEP4] });
});

test("Example 3: LoadBalancer, eTP Local, source ranges, on node-a", () => {
  const result = generateModernRules(makeNginxState(lb), makeNodeAConfig());
  assert.equal(result.text, EXAMPLE_3);
  assertResult(result, { natRules: 25, filterRules: 6, activeNatChains: [EXT, FW, SVC, SVL, SEP2, SEP3, SEP4] });
});

test("Example 3′: the same LoadBalancer on node-z, which has no local endpoint", () => {
  const result = generateModernRules(makeNginxState(lb, "node-z"), nodeZ);
  const proxyFirewallDrop =
    '-A KUBE-PROXY-FIREWALL -m comment --comment "default/nginx-service traffic not accepted by KUBE-FW-V2OKYYMBY3REGZOG" -m tcp -p tcp -d 203.0.113.10 --dport 8000 -j DROP';
  const want = edit(EXAMPLE_3, {
    remove: [
      `:${SVL} - [0:0]`,
      `-A ${EXT} -j ${SVL}`,
      `-A ${SVL} -m comment --comment "default/nginx-service -> 10.1.13.2:80" -j ${SEP2}`,
    ],
    insertAfter: [[proxyFirewallDrop, EXAMPLE_3_PRIME_FILTER_RULES.trimEnd().split("\n")]],
  });
  assert.equal(result.text, want);
  assertResult(result, {
    natRules: 23,
    filterRules: 8,
    activeNatChains: [EXT, FW, SVC, SEP2, SEP3, SEP4],
    noLocalEndpoints: { internal: 0, external: 1 },
  });
});

test("Example 4: NodePort with no endpoints", () => {
  const state = makeProxyState([{ service: makeNginxService((s) => (s.nodePort = 30802)), endpoints: [] }]);
  const result = generateModernRules(state, makeNodeAConfig());
  assert.equal(result.text, EXAMPLE_4);
  assertResult(result, { natRules: 5, filterRules: 6, activeNatChains: [] });
});

test("Example 4 also holds when the service has no endpoint list at all", () => {
  const state = makeProxyState([{ service: makeNginxService((s) => (s.nodePort = 30802)), endpoints: [] }]);
  const result = generateModernRules({ services: state.services, endpoints: new Map() }, makeNodeAConfig());
  assert.equal(result.text, EXAMPLE_4);
});

test("Example 5: internalTrafficPolicy Local", async (t) => {
  const itpLocal = (s: ServicePortInfo): void => {
    s.internalPolicyLocal = true;
  };
  await t.test("on node-a, which hosts an endpoint", () => {
    const result = generateModernRules(makeNginxState(itpLocal), makeNodeAConfig());
    const want = `${NAT_TABLE_START}
:${SVL} - [0:0]
:${SEP2} - [0:0]
${NAT_FIXED_RULES}
-A KUBE-SERVICES -m comment --comment "default/nginx-service cluster IP" -m tcp -p tcp -d 10.0.0.252 --dport 8000 -j ${SVL}
-A ${SVL} -m comment --comment "default/nginx-service cluster IP" -m tcp -p tcp -d 10.0.0.252 --dport 8000 ! -s 10.1.0.0/16 -j KUBE-MARK-MASQ
-A ${SVL} -m comment --comment "default/nginx-service -> 10.1.13.2:80" -j ${SEP2}
-A ${SEP2} -m comment --comment default/nginx-service -s 10.1.13.2 -j KUBE-MARK-MASQ
-A ${SEP2} -m comment --comment default/nginx-service -m tcp -p tcp -j DNAT --to-destination 10.1.13.2:80
${NAT_TABLE_END}
`;
    assert.equal(table(result.text, "nat"), want);
    assert.equal(table(result.text, "filter"), table(EXAMPLE_1, "filter"));
    assertResult(result, { natRules: 10, filterRules: 4, activeNatChains: [SVL, SEP2] });
  });
  await t.test("on node-z, which hosts none", () => {
    const result = generateModernRules(makeNginxState(itpLocal, "node-z"), nodeZ);
    assert.equal(table(result.text, "nat"), table(EXAMPLE_4, "nat"), "no nat chains for the service");
    const drop =
      '-A KUBE-SERVICES -m comment --comment "default/nginx-service has no local endpoints" -m tcp -p tcp -d 10.0.0.252 --dport 8000 -j DROP';
    const firewallRule = table(EXAMPLE_1, "filter").split("\n").find((l) => l.startsWith("-A KUBE-FIREWALL")) as string;
    assert.equal(table(result.text, "filter"), edit(table(EXAMPLE_1, "filter"), { insertAfter: [[firewallRule, [drop]]] }));
    assertResult(result, { natRules: 5, filterRules: 5, activeNatChains: [], noLocalEndpoints: { internal: 1, external: 0 } });
  });
});

// ---------------------------------------------------------------------------------------------
// Further cases.

test("a UDP service: -m udp -p udp, endpoints sorted as strings", () => {
  const dns = makeServicePort("kube-system", "kube-dns", (s) => {
    s.name.port = "dns";
    s.name.protocol = "UDP";
    s.protocol = "UDP";
    s.clusterIP = "10.0.0.10";
    s.port = 53;
  });
  const endpoints = [makeEndpoint("10.1.13.5", 53, "node-b", "node-a"), makeEndpoint("10.1.13.10", 53, "node-c", "node-a")];
  const result = generateModernRules(makeProxyState([{ service: dns, endpoints }]), makeNodeAConfig());
  const svc = "KUBE-SVC-TCOU7JCQXEZGVUNU";
  const sep10 = endpointChainName("kube-system/kube-dns:dns", "udp", "10.1.13.10:53");
  const sep5 = endpointChainName("kube-system/kube-dns:dns", "udp", "10.1.13.5:53");
  const want = `${NAT_TABLE_START}
:${svc} - [0:0]
:${sep10} - [0:0]
:${sep5} - [0:0]
${NAT_FIXED_RULES}
-A KUBE-SERVICES -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp -p udp -d 10.0.0.10 --dport 53 -j ${svc}
-A ${svc} -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp -p udp -d 10.0.0.10 --dport 53 ! -s 10.1.0.0/16 -j KUBE-MARK-MASQ
-A ${svc} -m comment --comment "kube-system/kube-dns:dns -> 10.1.13.10:53" -m statistic --mode random --probability 0.5000000000 -j ${sep10}
-A ${svc} -m comment --comment "kube-system/kube-dns:dns -> 10.1.13.5:53" -j ${sep5}
-A ${sep10} -m comment --comment kube-system/kube-dns:dns -s 10.1.13.10 -j KUBE-MARK-MASQ
-A ${sep10} -m comment --comment kube-system/kube-dns:dns -m udp -p udp -j DNAT --to-destination 10.1.13.10:53
-A ${sep5} -m comment --comment kube-system/kube-dns:dns -s 10.1.13.5 -j KUBE-MARK-MASQ
-A ${sep5} -m comment --comment kube-system/kube-dns:dns -m udp -p udp -j DNAT --to-destination 10.1.13.5:53
${NAT_TABLE_END}
`;
  assert.equal(table(result.text, "nat"), want);
  assertResult(result, { natRules: 13, filterRules: 4, activeNatChains: [svc, sep10, sep5] });
});

test("an SCTP service matches with -m sctp -p sctp", () => {
  const sctp = (s: ServicePortInfo): void => {
    s.name.protocol = "SCTP";
    s.protocol = "SCTP";
  };
  const result = generateModernRules(makeNginxState(sctp), makeNodeAConfig());
  const svc = serviceChainName("KUBE-SVC-", "default/nginx-service", "sctp");
  assert.ok(result.text.includes(`-m sctp -p sctp -d 10.0.0.252 --dport 8000 -j ${svc}`));
  assert.ok(!result.text.includes("-m tcp"));
  assert.notEqual(svc, SVC, "the protocol is part of the chain hash");
});

test("externalIPs", async (t) => {
  const withExternalIP = (s: ServicePortInfo): void => {
    s.externalIPs = ["192.168.99.11"];
  };
  const natRule = `-A KUBE-SERVICES -m comment --comment "default/nginx-service external IP" -m tcp -p tcp -d 192.168.99.11 --dport 8000 -j ${EXT}`;
  await t.test("with endpoints: dispatched through KUBE-EXT with masquerade", () => {
    const result = generateModernRules(makeNginxState(withExternalIP), makeNodeAConfig());
    const want = edit(EXAMPLE_1, {
      insertAfter: [
        [`:KUBE-MARK-MASQ - [0:0]`, [`:${EXT} - [0:0]`]],
        [
          `-A KUBE-SERVICES -m comment --comment "default/nginx-service cluster IP" -m tcp -p tcp -d 10.0.0.252 --dport 8000 -j ${SVC}`,
          [natRule],
        ],
        [
          CLUSTER_MASQ,
          [
            `-A ${EXT} -m comment --comment "masquerade traffic for default/nginx-service external destinations" -j KUBE-MARK-MASQ`,
            `-A ${EXT} -j ${SVC}`,
          ],
        ],
      ],
    });
    assert.equal(result.text, want);
    assertResult(result, { natRules: 19, filterRules: 4, activeNatChains: [EXT, SVC, SEP2, SEP3, SEP4] });
  });
  await t.test("without endpoints: REJECT in KUBE-EXTERNAL-SERVICES", () => {
    const state = makeProxyState([{ service: makeNginxService(withExternalIP), endpoints: [] }]);
    const result = generateModernRules(state, makeNodeAConfig());
    assert.ok(
      result.text.includes(
        '-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/nginx-service has no endpoints" -m tcp -p tcp -d 192.168.99.11 --dport 8000 -j REJECT\n',
      ),
    );
    assert.ok(!result.text.includes(natRule));
  });
  await t.test("eTP Local on a node without local endpoints: still dispatched, DROP for outside traffic", () => {
    const result = generateModernRules(
      makeNginxState((s) => {
        withExternalIP(s);
        s.externalPolicyLocal = true;
      }, "node-z"),
      nodeZ,
    );
    assert.ok(result.text.includes(natRule + "\n"));
    assert.ok(
      result.text.includes(
        '-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/nginx-service has no local endpoints" -m tcp -p tcp -d 192.168.99.11 --dport 8000 -j DROP\n',
      ),
    );
    assert.ok(!result.text.includes(`-j ${SVL}`));
    assert.deepEqual(result.noLocalEndpoints, { internal: 0, external: 1 });
    assertChainsConsistent(result.text);
  });
});

test("terminating-only endpoints: falls back to those still serving", () => {
  const endpoints = makeNginxEndpoints().map((ep: EndpointInfo) => ({ ...ep, ready: false, terminating: true, serving: ep.ip !== "10.1.13.3" }));
  const result = generateModernRules(makeProxyState([{ service: makeNginxService(), endpoints }]), makeNodeAConfig());
  const want = edit(EXAMPLE_1, {
    remove: [
      `:${SEP3} - [0:0]`,
      `-A ${SVC} -m comment --comment "default/nginx-service -> 10.1.13.3:80" -m statistic --mode random --probability 0.5000000000 -j ${SEP3}`,
      `-A ${SEP3} -m comment --comment default/nginx-service -s 10.1.13.3 -j KUBE-MARK-MASQ`,
      `-A ${SEP3} -m comment --comment default/nginx-service -m tcp -p tcp -j DNAT --to-destination 10.1.13.3:80`,
    ],
    replace: [
      [
        `-A ${SVC} -m comment --comment "default/nginx-service -> 10.1.13.2:80" -m statistic --mode random --probability 0.3333333333 -j ${SEP2}`,
        `-A ${SVC} -m comment --comment "default/nginx-service -> 10.1.13.2:80" -m statistic --mode random --probability 0.5000000000 -j ${SEP2}`,
      ],
    ],
  });
  assert.equal(result.text, want);
  assertResult(result, { natRules: 13, filterRules: 4, activeNatChains: [SVC, SEP2, SEP4] });
});

test("LoadBalancer without source ranges goes straight to KUBE-EXT; no KUBE-FW", () => {
  const result = generateModernRules(
    makeNginxState((s) => {
      lb(s);
      s.loadBalancerSourceRanges = [];
    }),
    makeNodeAConfig(),
  );
  assert.ok(
    result.text.includes(
      `-A KUBE-SERVICES -m comment --comment "default/nginx-service loadbalancer IP" -m tcp -p tcp -d 203.0.113.10 --dport 8000 -j ${EXT}\n`,
    ),
  );
  assert.ok(!result.text.includes(FW));
  assert.ok(!result.text.includes("-A KUBE-PROXY-FIREWALL"));
  assertChainsConsistent(result.text);
});

test("a source range holding the node IP also admits the VIP as source", () => {
  const result = generateModernRules(
    makeNginxState((s) => {
      lb(s);
      s.loadBalancerSourceRanges = ["192.168.0.0/16", "198.51.100.7/24"];
    }),
    makeNodeAConfig(),
  );
  const fwRules = result.text.split("\n").filter((l) => l.startsWith(`-A ${FW} `));
  assert.deepEqual(fwRules, [
    `-A ${FW} -m comment --comment "default/nginx-service loadbalancer IP" -s 192.168.0.0/16 -j ${EXT}`,
    `-A ${FW} -m comment --comment "default/nginx-service loadbalancer IP" -s 198.51.100.0/24 -j ${EXT}`,
    `-A ${FW} -m comment --comment "default/nginx-service loadbalancer IP" -s 203.0.113.10 -j ${EXT}`,
    `-A ${FW} -m comment --comment "other traffic to default/nginx-service will be dropped by KUBE-PROXY-FIREWALL"`,
  ]);
});

test("iTP Local NodePort on a node without local endpoints: cluster IP dropped, NodePort served", () => {
  const result = generateModernRules(
    makeNginxState((s) => {
      s.internalPolicyLocal = true;
      s.nodePort = 30802;
    }, "node-z"),
    nodeZ,
  );
  assert.ok(result.text.includes('--comment "default/nginx-service has no local endpoints" -m tcp -p tcp -d 10.0.0.252 --dport 8000 -j DROP\n'));
  assert.ok(result.text.includes(`-A KUBE-NODEPORTS -m comment --comment default/nginx-service -m tcp -p tcp --dport 30802 -j ${EXT}\n`));
  assert.ok(result.text.includes(`-A ${EXT} -j ${SVC}\n`));
  assert.ok(!result.text.includes(`-d 10.0.0.252 --dport 8000 ! -s`), "no masquerade rule without internal endpoints");
  assert.deepEqual(result.noLocalEndpoints, { internal: 1, external: 0 });
  assertChainsConsistent(result.text);
});

function twoServiceState(): ReturnType<typeof makeProxyState> {
  const web = makeServicePort("default", "web", (s) => {
    s.name.port = "http";
    s.clusterIP = "10.0.0.80";
  });
  return makeProxyState([
    { service: web, endpoints: [makeEndpoint("10.1.14.2", 8080, "node-b", "node-a")] },
    { service: makeNginxService(), endpoints: makeNginxEndpoints() },
  ]);
}

test("partial sync writes only changed services' chains, but counts everything", () => {
  const state = twoServiceState();
  const full = generateModernRules(state, makeNodeAConfig());
  const partial = generateModernRules(state, makeNodeAConfig(), { changedServices: new Set(["default/web"]) });
  const webSvc = /-j (KUBE-SVC-\S+)/.exec(full.text.split("\n").find((l) => l.includes('"default/web:http cluster IP"')) ?? "")?.[1];
  assert.ok(webSvc);

  // Shared chains are whole: nginx's dispatch rule is still there.
  assert.ok(partial.text.includes(`-A KUBE-SERVICES -m comment --comment "default/nginx-service cluster IP" -m tcp -p tcp -d 10.0.0.252 --dport 8000 -j ${SVC}\n`));
  // nginx's own chains are neither declared nor filled; web's are.
  for (const chain of [SVC, SEP2, SEP3, SEP4]) {
    assert.ok(!partial.text.includes(`:${chain} `), `${chain} declared`);
    assert.ok(!partial.text.includes(`-A ${chain} `), `${chain} has rules`);
  }
  assert.ok(partial.text.includes(`:${webSvc} - [0:0]\n`));
  assert.ok(partial.text.includes(`-A ${webSvc} -m comment --comment "default/web:http -> 10.1.14.2:8080" -j `));

  assert.equal(partial.natRules, full.natRules);
  assert.equal(partial.filterRules, full.filterRules);
  assert.deepEqual([...partial.activeNatChains].sort(), [...full.activeNatChains].sort());
  assert.equal(full.servicesWritten, 2);
  assert.equal(partial.servicesWritten, 1);
  // Full sync: 4 fixed + 1 tail + nginx 11 + web 1 + 1 + 1 + 2.
  assert.equal(full.natRules, 21);
  assertChainsConsistent(full.text);
  // Everything in the partial text is in the full text, in the same order.
  const fullLines = full.text.split("\n");
  let at = 0;
  for (const line of partial.text.split("\n")) {
    at = fullLines.indexOf(line, at);
    assert.ok(at >= 0, `partial line not in full sync: ${line}`);
  }
});

test("a partial sync with nothing changed writes no per-service chain", () => {
  const result = generateModernRules(twoServiceState(), makeNodeAConfig(), { changedServices: new Set() });
  assert.equal(result.servicesWritten, 0);
  assert.ok(!/^:KUBE-(SVC|SEP)-/m.test(result.text));
  assert.equal(result.natRules, 21);
});

test("services are emitted in sorted order whatever the map order", () => {
  const state = twoServiceState();
  const reversed = {
    services: new Map([...state.services].reverse()),
    endpoints: new Map([...state.endpoints].reverse()),
  };
  const a = generateModernRules(state, makeNodeAConfig()).text;
  assert.equal(generateModernRules(reversed, makeNodeAConfig()).text, a);
  assert.ok(a.indexOf('"default/nginx-service cluster IP"') < a.indexOf('"default/web:http cluster IP"'));
  assert.equal(normaliseRules(a), normaliseRules(generateModernRules(reversed, makeNodeAConfig()).text));
});

test("stale per-service chains are flushed and deleted; others are left alone", () => {
  const existing = new Set([
    "KUBE-SERVICES",
    "KUBE-MARK-MASQ",
    SVC,
    SEP2,
    "KUBE-SVC-OLDOLDOLDOLDOLD1",
    "KUBE-SEP-OLDOLDOLDOLDOLD2",
    "KUBE-FW-OLDOLDOLDOLDOLD3",
    "KUBE-XLB-OLDOLDOLDOLDOLD4",
    "CNI-0123456789",
  ]);
  const result = generateModernRules(makeNginxState(), makeNodeAConfig(), { existingNatChains: existing });
  const want = edit(EXAMPLE_1, {
    insertAfter: [
      [`:${SEP4} - [0:0]`, [":KUBE-FW-OLDOLDOLDOLDOLD3 - [0:0]", ":KUBE-SEP-OLDOLDOLDOLDOLD2 - [0:0]", ":KUBE-SVC-OLDOLDOLDOLDOLD1 - [0:0]"]],
      [
        `-A ${SEP4} -m comment --comment default/nginx-service -m tcp -p tcp -j DNAT --to-destination 10.1.13.4:80`,
        ["-X KUBE-FW-OLDOLDOLDOLDOLD3", "-X KUBE-SEP-OLDOLDOLDOLDOLD2", "-X KUBE-SVC-OLDOLDOLDOLDOLD1"],
      ],
    ],
  });
  assert.equal(result.text, want);
  assert.equal(result.deletedChains, 3);
  assertResult(result, { natRules: 16, filterRules: 4, activeNatChains: [SVC, SEP2, SEP3, SEP4] });
  // The restore text still parses: -X comes after the chain line and before any rule for it.
  assert.equal(parseRestoreInput(result.text)[1].chains.filter((c) => c.deleted).length, 3);
});

test("a chain of a service that lost its endpoints becomes stale", () => {
  const state = makeProxyState([{ service: makeNginxService(), endpoints: [] }]);
  const result = generateModernRules(state, makeNodeAConfig(), { existingNatChains: new Set([SVC, SEP2, SEP3, SEP4]) });
  assert.equal(result.deletedChains, 4);
  assert.ok(result.text.includes(`-X ${SVC}\n`));
  assert.ok(result.text.includes('"default/nginx-service has no endpoints"'));
});

test("large-cluster mode drops per-endpoint comments above the threshold", async (t) => {
  await t.test("3 endpoints > threshold 2", () => {
    const result = generateModernRules(makeNginxState(), makeNodeAConfig(), { largeClusterEndpointsThreshold: 2 });
    const nat = table(result.text, "nat").split("\n");
    assert.deepEqual(
      nat.filter((l) => l.startsWith(`-A ${SVC} `) || l.startsWith("-A KUBE-SEP-")),
      [
        CLUSTER_MASQ,
        `-A ${SVC} -m statistic --mode random --probability 0.3333333333 -j ${SEP2}`,
        `-A ${SVC} -m statistic --mode random --probability 0.5000000000 -j ${SEP3}`,
        `-A ${SVC} -j ${SEP4}`,
        `-A ${SEP2} -s 10.1.13.2 -j KUBE-MARK-MASQ`,
        `-A ${SEP2} -m tcp -p tcp -j DNAT --to-destination 10.1.13.2:80`,
        `-A ${SEP3} -s 10.1.13.3 -j KUBE-MARK-MASQ`,
        `-A ${SEP3} -m tcp -p tcp -j DNAT --to-destination 10.1.13.3:80`,
        `-A ${SEP4} -s 10.1.13.4 -j KUBE-MARK-MASQ`,
        `-A ${SEP4} -m tcp -p tcp -j DNAT --to-destination 10.1.13.4:80`,
      ],
    );
    assert.ok(result.text.includes('--comment "default/nginx-service cluster IP"'), "KUBE-SERVICES keeps its comment");
    assert.equal(result.natRules, 16);
  });
  await t.test("affinity rules lose their comment too", () => {
    const result = generateModernRules(makeNginxState((s) => (s.stickySeconds = 60)), makeNodeAConfig(), { largeClusterEndpointsThreshold: 2 });
    assert.ok(result.text.includes(`-A ${SVC} -m recent --name ${SEP2} --rcheck --seconds 60 --reap -j ${SEP2}\n`));
    assert.ok(result.text.includes(`-A ${SEP2} -m recent --name ${SEP2} --set -m tcp -p tcp -j DNAT --to-destination 10.1.13.2:80\n`));
  });
  await t.test("exactly at the threshold is not large", () => {
    const result = generateModernRules(makeNginxState(), makeNodeAConfig(), { largeClusterEndpointsThreshold: 3 });
    assert.equal(result.text, EXAMPLE_1);
  });
  await t.test("the default threshold is 1000 endpoints", () => {
    const many = Array.from({ length: 1001 }, (_, i) => makeEndpoint(`10.2.${Math.floor(i / 250)}.${(i % 250) + 1}`, 80, "node-b", "node-a"));
    const big = generateModernRules(makeProxyState([{ service: makeNginxService(), endpoints: many }]), makeNodeAConfig());
    assert.ok(!big.text.includes(" -> 10.2."));
    const small = generateModernRules(makeProxyState([{ service: makeNginxService(), endpoints: many.slice(1) }]), makeNodeAConfig());
    assert.ok(small.text.includes('"default/nginx-service -> 10.2.0.10:80"'));
  });
});

test("--nodeport-addresses and localhost NodePorts shape the KUBE-SERVICES tail", async (t) => {
  const tail = (match: string): string =>
    `-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" ${match} -j KUBE-NODEPORTS`;
  const cases: { name: string; addresses: string[]; localhost: boolean; tails: string[]; firewall: boolean }[] = [
    { name: "default: every local address", addresses: [], localhost: true, tails: [tail("-m addrtype --dst-type LOCAL")], firewall: true },
    {
      name: "localhost NodePorts off",
      addresses: [],
      localhost: false,
      tails: [tail("-m addrtype --dst-type LOCAL ! -d 127.0.0.0/8")],
      firewall: false,
    },
    { name: "0.0.0.0/0 means every address", addresses: ["0.0.0.0/0"], localhost: true, tails: [tail("-m addrtype --dst-type LOCAL")], firewall: true },
    { name: "IPv6 CIDRs only: every IPv4 address", addresses: ["fd00::/64"], localhost: true, tails: [tail("-m addrtype --dst-type LOCAL")], firewall: true },
    { name: "node network only: no loopback, no KUBE-FIREWALL", addresses: ["192.168.0.0/24"], localhost: true, tails: [tail("-d 192.168.0.10")], firewall: false },
    {
      name: "node network and loopback",
      addresses: ["192.168.0.0/24", "127.0.0.1/32"],
      localhost: true,
      tails: [tail("-d 192.168.0.10"), tail("-d 127.0.0.1")],
      firewall: true,
    },
    {
      name: "loopback listed but localhost NodePorts off",
      addresses: ["192.168.0.0/24", "127.0.0.0/8"],
      localhost: false,
      tails: [tail("-d 192.168.0.10")],
      firewall: false,
    },
    { name: "no node address matches", addresses: ["10.99.0.0/16"], localhost: true, tails: [], firewall: false },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const config = makeNodeAConfig({ nodePortAddresses: c.addresses, localhostNodePorts: c.localhost });
      const result = generateModernRules(makeNginxState((s) => (s.nodePort = 30802)), config);
      const nat = table(result.text, "nat").split("\n");
      assert.deepEqual(nat.filter((l) => l.includes("must be the last rule")), c.tails);
      // The tail rules are the last nat rules.
      assert.deepEqual(nat.slice(nat.length - 2 - c.tails.length, -2), c.tails);
      assert.equal(result.text.includes(":KUBE-FIREWALL - [0:0]"), c.firewall);
      assert.equal(result.filterRules, c.firewall ? 4 : 3);
    });
  }
});

test("node and binary facts: conntrack liberal, --random-fully, mark bit", async (t) => {
  await t.test("tcp_be_liberal drops the INVALID rule", () => {
    const result = generateModernRules(makeNginxState(), makeNodeAConfig({ conntrackTcpBeLiberal: true }));
    assert.equal(result.text, edit(EXAMPLE_1, { remove: ["-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP"] }));
    assert.equal(result.filterRules, 3);
  });
  await t.test("no --random-fully when iptables lacks it", () => {
    const masq = '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE';
    const result = generateModernRules(makeNginxState(), makeNodeAConfig({ randomFully: false }));
    assert.equal(result.text, edit(EXAMPLE_1, { replace: [[masq + " --random-fully", masq]] }));
  });
  await t.test("mark bit 15", () => {
    const result = generateModernRules(makeNginxState(), makeNodeAConfig({ masqueradeBit: 15 }));
    assert.equal(result.text, EXAMPLE_1.replaceAll("0x4000", "0x8000"));
  });
});

test("masqueradeMarkString", () => {
  assert.equal(masqueradeMarkString(14), "0x4000");
  assert.equal(masqueradeMarkString(0), "0x1");
  assert.equal(masqueradeMarkString(31), "0x80000000");
  for (const bit of [-1, 32, 1.5]) assert.throws(() => masqueradeMarkString(bit), RangeError);
});

test("no services: only the shared chains", () => {
  const result = generateModernRules({ services: new Map(), endpoints: new Map() }, makeNodeAConfig());
  assert.equal(result.text, EXAMPLE_4.replace(/^-A KUBE-(SERVICES|EXTERNAL-SERVICES) .*has no endpoints.*\n/gm, ""));
  assertResult(result, { natRules: 5, filterRules: 4, activeNatChains: [] });
});

test("the state is not modified", () => {
  const state = makeNginxState(lb);
  for (const svc of state.services.values()) Object.freeze(svc);
  for (const eps of state.endpoints.values()) {
    for (const ep of eps) Object.freeze(ep);
    Object.freeze(eps);
  }
  assert.equal(generateModernRules(state, Object.freeze(makeNodeAConfig())).text, EXAMPLE_3);
});
