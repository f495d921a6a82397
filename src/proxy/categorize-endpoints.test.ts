import { test } from "node:test";
import assert from "node:assert/strict";
import {
  categorizeEndpoints,
  externallyAccessible,
  sortByEndpointString,
  usesClusterEndpoints,
  usesLocalEndpoints,
} from "./categorize-endpoints.js";
import { makeEndpoint, makeNginxEndpoints, makeNginxService } from "./iptables/testdata/nginx-fixtures.js";
import type { EndpointInfo, ServicePortInfo } from "./types.js";

const node = { nodeName: "node-a", zone: "zone-a" };
const ips = (eps: readonly EndpointInfo[]): string[] => eps.map((ep) => ep.endpoint);

const clusterIP = makeNginxService();
const nodePort = makeNginxService((s) => (s.nodePort = 30802));
const itpLocal = makeNginxService((s) => (s.internalPolicyLocal = true));
const etpLocal = makeNginxService((s) => {
  s.nodePort = 30802;
  s.externalPolicyLocal = true;
});
const itpLocalNodePort = makeNginxService((s) => {
  s.nodePort = 30802;
  s.internalPolicyLocal = true;
});

test("derived traffic-policy flags", async (t) => {
  const cases: { name: string; svc: ServicePortInfo; external: boolean; cluster: boolean; local: boolean }[] = [
    { name: "ClusterIP", svc: clusterIP, external: false, cluster: true, local: false },
    { name: "NodePort", svc: nodePort, external: true, cluster: true, local: false },
    { name: "externalIPs only", svc: makeNginxService((s) => (s.externalIPs = ["1.2.3.4"])), external: true, cluster: true, local: false },
    { name: "LB VIP only", svc: makeNginxService((s) => (s.loadBalancerVIPs = ["1.2.3.4"])), external: true, cluster: true, local: false },
    { name: "iTP Local, ClusterIP", svc: itpLocal, external: false, cluster: false, local: true },
    { name: "iTP Local, NodePort", svc: itpLocalNodePort, external: true, cluster: true, local: true },
    { name: "eTP Local, NodePort", svc: etpLocal, external: true, cluster: true, local: true },
    {
      name: "eTP Local flag without external access",
      svc: makeNginxService((s) => (s.externalPolicyLocal = true)),
      external: false,
      cluster: true,
      local: false,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(externallyAccessible(c.svc), c.external);
      assert.equal(usesClusterEndpoints(c.svc), c.cluster);
      assert.equal(usesLocalEndpoints(c.svc), c.local);
    });
  }
});

test("endpoint strings sort lexicographically, as kube-proxy sorts them", () => {
  const eps = [
    makeEndpoint("10.244.0.5", 53, "n", "n"),
    makeEndpoint("10.244.0.10", 53, "n", "n"),
    makeEndpoint("10.244.0.1", 53, "n", "n"),
  ];
  assert.deepEqual(ips(sortByEndpointString(eps)), ["10.244.0.10:53", "10.244.0.1:53", "10.244.0.5:53"]);
  assert.deepEqual(ips(eps), ["10.244.0.5:53", "10.244.0.10:53", "10.244.0.1:53"], "input left alone");
});

const terminating = (ep: EndpointInfo): void => {
  ep.ready = false;
  ep.serving = true;
  ep.terminating = true;
};
const notServing = (ep: EndpointInfo): void => {
  ep.ready = false;
  ep.serving = false;
  ep.terminating = true;
};

interface Case {
  name: string;
  svc: ServicePortInfo;
  endpoints: EndpointInfo[];
  nodeName?: string;
  zone?: string;
  cluster: string[];
  local: string[];
  all: string[];
  any: boolean;
}

const A = "10.1.13.2:80";
const B = "10.1.13.3:80";
const C = "10.1.13.4:80";

const cases: Case[] = [
  { name: "ClusterIP, all ready", svc: clusterIP, endpoints: makeNginxEndpoints(), cluster: [A, B, C], local: [], all: [A, B, C], any: true },
  { name: "no endpoints", svc: nodePort, endpoints: [], cluster: [], local: [], all: [], any: false },
  {
    name: "input order does not matter",
    svc: clusterIP,
    endpoints: makeNginxEndpoints().reverse(),
    cluster: [A, B, C],
    local: [],
    all: [A, B, C],
    any: true,
  },
  {
    name: "unready endpoints are left out",
    svc: clusterIP,
    endpoints: [makeEndpoint("10.1.13.2", 80, "node-a", "node-a", notServing), ...makeNginxEndpoints().slice(1)],
    cluster: [B, C],
    local: [],
    all: [B, C],
    any: true,
  },
  {
    name: "terminating endpoints are ignored while any endpoint is ready",
    svc: clusterIP,
    endpoints: [makeEndpoint("10.1.13.2", 80, "node-a", "node-a", terminating), ...makeNginxEndpoints().slice(1)],
    cluster: [B, C],
    local: [],
    all: [B, C],
    any: true,
  },
  {
    name: "falls back to serving-terminating when nothing is ready",
    svc: clusterIP,
    endpoints: [
      makeEndpoint("10.1.13.2", 80, "node-a", "node-a", terminating),
      makeEndpoint("10.1.13.3", 80, "node-b", "node-a", notServing),
      makeEndpoint("10.1.13.4", 80, "node-c", "node-a", terminating),
    ],
    cluster: [A, C],
    local: [],
    all: [A, C],
    any: true,
  },
  {
    name: "nothing ready nor serving",
    svc: clusterIP,
    endpoints: [makeEndpoint("10.1.13.2", 80, "node-a", "node-a", notServing)],
    cluster: [],
    local: [],
    all: [],
    any: false,
  },
  { name: "iTP Local on node-a", svc: itpLocal, endpoints: makeNginxEndpoints(), cluster: [], local: [A], all: [A], any: true },
  {
    name: "iTP Local on a node without endpoints",
    svc: itpLocal,
    endpoints: makeNginxEndpoints("node-z"),
    nodeName: "node-z",
    cluster: [],
    local: [],
    all: [],
    any: true,
  },
  { name: "eTP Local on node-a", svc: etpLocal, endpoints: makeNginxEndpoints(), cluster: [A, B, C], local: [A], all: [A, B, C], any: true },
  {
    name: "eTP Local on node-z",
    svc: etpLocal,
    endpoints: makeNginxEndpoints("node-z"),
    nodeName: "node-z",
    cluster: [A, B, C],
    local: [],
    all: [A, B, C],
    any: true,
  },
  {
    name: "local fallback is independent of the cluster list",
    svc: etpLocal,
    endpoints: [makeEndpoint("10.1.13.2", 80, "node-a", "node-a", terminating), ...makeNginxEndpoints().slice(1)],
    cluster: [B, C],
    local: [A],
    all: [A, B, C],
    any: true,
  },
  {
    name: "iTP Local with only a remote terminating endpoint still has endpoints somewhere",
    svc: itpLocal,
    endpoints: [makeEndpoint("10.1.13.3", 80, "node-b", "node-a", terminating)],
    cluster: [],
    local: [],
    all: [],
    any: true,
  },
  {
    name: "zone hints used when every ready endpoint has one and one names this zone",
    svc: etpLocal,
    endpoints: [
      makeEndpoint("10.1.13.2", 80, "node-a", "node-a", (ep) => (ep.zoneHints = ["zone-b"])),
      makeEndpoint("10.1.13.3", 80, "node-b", "node-a", (ep) => (ep.zoneHints = ["zone-a"])),
      makeEndpoint("10.1.13.4", 80, "node-c", "node-a", (ep) => (ep.zoneHints = ["zone-c", "zone-a"])),
    ],
    cluster: [B, C],
    local: [A],
    all: [A, B, C],
    any: true,
  },
  {
    name: "zone hints ignored when one ready endpoint has none",
    svc: clusterIP,
    endpoints: [
      makeEndpoint("10.1.13.2", 80, "node-a", "node-a"),
      makeEndpoint("10.1.13.3", 80, "node-b", "node-a", (ep) => (ep.zoneHints = ["zone-a"])),
    ],
    cluster: [A, B],
    local: [],
    all: [A, B],
    any: true,
  },
  {
    name: "zone hints ignored when none names this zone",
    svc: clusterIP,
    endpoints: [
      makeEndpoint("10.1.13.2", 80, "node-a", "node-a", (ep) => (ep.zoneHints = ["zone-b"])),
      makeEndpoint("10.1.13.3", 80, "node-b", "node-a", (ep) => (ep.zoneHints = ["zone-c"])),
    ],
    cluster: [A, B],
    local: [],
    all: [A, B],
    any: true,
  },
  {
    name: "zone hints ignored when the node has no zone",
    svc: clusterIP,
    zone: undefined,
    endpoints: [
      makeEndpoint("10.1.13.2", 80, "node-a", "node-a", (ep) => (ep.zoneHints = ["zone-a"])),
      makeEndpoint("10.1.13.3", 80, "node-b", "node-a", (ep) => (ep.zoneHints = ["zone-b"])),
    ],
    cluster: [A, B],
    local: [],
    all: [A, B],
    any: true,
  },
  {
    name: "hints on unready endpoints do not count",
    svc: clusterIP,
    endpoints: [
      makeEndpoint("10.1.13.2", 80, "node-a", "node-a", (ep) => (ep.zoneHints = ["zone-a"])),
      makeEndpoint("10.1.13.3", 80, "node-b", "node-a", (ep) => (ep.zoneHints = ["zone-b"])),
      makeEndpoint("10.1.13.4", 80, "node-c", "node-a", notServing),
    ],
    cluster: [A],
    local: [],
    all: [A],
    any: true,
  },
  {
    name: "node hints naming this node win over zone hints",
    svc: clusterIP,
    endpoints: [
      makeEndpoint("10.1.13.2", 80, "node-a", "node-a", (ep) => {
        ep.nodeHints = ["node-a"];
        ep.zoneHints = ["zone-a"];
      }),
      makeEndpoint("10.1.13.3", 80, "node-b", "node-a", (ep) => {
        ep.nodeHints = ["node-b"];
        ep.zoneHints = ["zone-a"];
      }),
    ],
    cluster: [A],
    local: [],
    all: [A],
    any: true,
  },
  {
    name: "node hints for other nodes fall back to zone hints",
    svc: clusterIP,
    endpoints: [
      makeEndpoint("10.1.13.3", 80, "node-b", "node-a", (ep) => {
        ep.nodeHints = ["node-b"];
        ep.zoneHints = ["zone-a"];
      }),
      makeEndpoint("10.1.13.4", 80, "node-c", "node-a", (ep) => {
        ep.nodeHints = ["node-c"];
        ep.zoneHints = ["zone-c"];
      }),
    ],
    cluster: [B],
    local: [],
    all: [B],
    any: true,
  },
];

test("categorizeEndpoints", async (t) => {
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = categorizeEndpoints(c.svc, c.endpoints, {
        nodeName: c.nodeName ?? node.nodeName,
        zone: "zone" in c ? c.zone : node.zone,
      });
      assert.deepEqual(ips(got.clusterEndpoints), c.cluster, "cluster");
      assert.deepEqual(ips(got.localEndpoints), c.local, "local");
      assert.deepEqual(ips(got.allReachableEndpoints), c.all, "all reachable");
      assert.equal(got.hasAnyEndpoints, c.any, "hasAnyEndpoints");
    });
  }
});

test("the input list is not modified", () => {
  const eps = Object.freeze(makeNginxEndpoints().reverse().map((ep) => Object.freeze(ep)));
  const got = categorizeEndpoints(clusterIP, eps, node);
  assert.deepEqual(ips(got.clusterEndpoints), [A, B, C]);
  assert.deepEqual(ips(eps), [C, B, A]);
});
