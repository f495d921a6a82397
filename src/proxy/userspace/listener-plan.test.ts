import { test } from "node:test";
import assert from "node:assert/strict";
import { makeEndpoint, makeNginxService, makeServicePort } from "../iptables/testdata/nginx-fixtures.js";
import { servicePortKey } from "../service-port-name.js";
import type { EndpointInfo, NodeProxyConfig, ProxyState, ServicePortInfo } from "../types.js";
import { defaultNodeProxyConfig } from "../types.js";
import { describeListeners, inAnyCIDR, isNodeLocalClient, nodePortBindAddresses, planListeners } from "./listener-plan.js";

const config: NodeProxyConfig = { ...defaultNodeProxyConfig, nodeName: "node-a", nodeIPs: ["192.168.0.10"], clusterCIDR: "10.1.0.0/16" };

function state(entries: [ServicePortInfo, EndpointInfo[]][]): ProxyState {
  const services = new Map<string, ServicePortInfo>();
  const endpoints = new Map<string, EndpointInfo[]>();
  for (const [svc, eps] of entries) {
    services.set(servicePortKey(svc.name), svc);
    if (eps.length) endpoints.set(servicePortKey(svc.name), eps);
  }
  return { services, endpoints };
}

const ep = (ip: string, node: string, mutate?: (e: EndpointInfo) => void): EndpointInfo => makeEndpoint(ip, 80, node, "node-a", mutate);
const three = (): EndpointInfo[] => [ep("10.1.13.2", "node-a"), ep("10.1.13.3", "node-b"), ep("10.1.13.4", "node-c")];

test("listeners and pools per service shape", async (t) => {
  const cases: {
    name: string;
    svc: ServicePortInfo;
    eps: EndpointInfo[];
    /** listener key → endpoint IPs of its pool (and of its local-client pool after a "|"). */
    want: Record<string, string>;
    addresses: string[];
  }[] = [
    {
      name: "ClusterIP: one listener on the cluster IP, every ready endpoint",
      svc: makeNginxService(),
      eps: three(),
      want: { "TCP/10.0.0.252:8000": "10.1.13.2,10.1.13.3,10.1.13.4" },
      addresses: ["10.0.0.252"],
    },
    {
      name: "terminating endpoints only when nothing is ready",
      svc: makeNginxService(),
      eps: [ep("10.1.13.2", "node-a", (e) => ((e.ready = false), (e.terminating = true))), ep("10.1.13.3", "node-b")],
      want: { "TCP/10.0.0.252:8000": "10.1.13.3" },
      addresses: ["10.0.0.252"],
    },
    {
      name: "all terminating but serving: they serve",
      svc: makeNginxService(),
      eps: [ep("10.1.13.2", "node-a", (e) => ((e.ready = false), (e.terminating = true)))],
      want: { "TCP/10.0.0.252:8000": "10.1.13.2" },
      addresses: ["10.0.0.252"],
    },
    {
      name: "no endpoints: the listener is planned with an empty pool (not bound)",
      svc: makeNginxService(),
      eps: [],
      want: { "TCP/10.0.0.252:8000": "" },
      addresses: ["10.0.0.252"],
    },
    {
      name: "NodePort, externalIP, LB VIP: TCP NodePort on 0.0.0.0",
      svc: makeNginxService((s) => {
        s.nodePort = 30802;
        s.externalIPs = ["203.0.113.7"];
        s.loadBalancerVIPs = ["198.51.100.1"];
      }),
      eps: three(),
      want: {
        "TCP/10.0.0.252:8000": "10.1.13.2,10.1.13.3,10.1.13.4",
        "TCP/203.0.113.7:8000": "10.1.13.2,10.1.13.3,10.1.13.4",
        "TCP/198.51.100.1:8000": "10.1.13.2,10.1.13.3,10.1.13.4",
        "TCP/0.0.0.0:30802": "10.1.13.2,10.1.13.3,10.1.13.4",
      },
      addresses: ["10.0.0.252", "198.51.100.1", "203.0.113.7"],
    },
    {
      name: "UDP NodePort binds each node IP and loopback",
      svc: makeNginxService((s) => {
        s.protocol = "UDP";
        s.name.protocol = "UDP";
        s.nodePort = 30053;
      }),
      eps: three(),
      want: {
        "UDP/10.0.0.252:8000": "10.1.13.2,10.1.13.3,10.1.13.4",
        "UDP/192.168.0.10:30053": "10.1.13.2,10.1.13.3,10.1.13.4",
        "UDP/127.0.0.1:30053": "10.1.13.2,10.1.13.3,10.1.13.4",
      },
      addresses: ["10.0.0.252"],
    },
    {
      name: "externalTrafficPolicy Local: external listeners use local endpoints, node-local clients the cluster pool",
      svc: makeNginxService((s) => {
        s.nodePort = 30802;
        s.externalPolicyLocal = true;
      }),
      eps: three(),
      want: {
        "TCP/10.0.0.252:8000": "10.1.13.2,10.1.13.3,10.1.13.4",
        "TCP/0.0.0.0:30802": "10.1.13.2|10.1.13.2,10.1.13.3,10.1.13.4",
      },
      addresses: ["10.0.0.252"],
    },
    {
      name: "internalTrafficPolicy Local with no local endpoint: empty cluster-IP pool",
      svc: makeNginxService((s) => (s.internalPolicyLocal = true)),
      eps: [ep("10.1.13.3", "node-b")],
      want: { "TCP/10.0.0.252:8000": "" },
      addresses: ["10.0.0.252"],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const plan = planListeners(state([[c.svc, c.eps]]), config);
      const got: Record<string, string> = {};
      for (const [key, l] of plan.listeners) {
        const ips = (p: typeof l.pool): string => p.endpoints.map((e) => e.ip).join(",");
        got[key] = ips(l.pool) + (l.localClientPool ? `|${ips(l.localClientPool)}` : "");
      }
      assert.deepEqual(got, c.want);
      assert.deepEqual([...plan.serviceAddresses].sort(), c.addresses);
    });
  }
});

test("pools are shared between a service port's listeners of the same policy", () => {
  const svc = makeNginxService((s) => (s.nodePort = 30802));
  const plan = planListeners(state([[svc, three()]]), config);
  assert.deepEqual([...plan.pools.keys()], ["default/nginx-service:/TCP|cluster"]);
  assert.equal(plan.listeners.get("TCP/10.0.0.252:8000")?.pool, plan.listeners.get("TCP/0.0.0.0:30802")?.pool);
});

test("conflicts: the first service port by key keeps a listener; SCTP is unsupported", () => {
  const a = makeServicePort("default", "a", (s) => ((s.clusterIP = "10.0.0.5"), (s.externalIPs = ["203.0.113.7"])));
  const b = makeServicePort("default", "b", (s) => ((s.clusterIP = "10.0.0.6"), (s.externalIPs = ["203.0.113.7"])));
  const c = makeServicePort("default", "c", (s) => ((s.clusterIP = "10.0.0.7"), (s.protocol = "SCTP"), (s.name.protocol = "SCTP")));
  const plan = planListeners(state([[b, []], [a, []], [c, []]]), config);
  assert.equal(plan.listeners.get("TCP/203.0.113.7:80")?.serviceName, "default/a");
  assert.deepEqual(plan.conflicts, ["TCP/203.0.113.7:80: default/b (kept default/a)"]);
  assert.deepEqual(plan.unsupported, ["default/c (SCTP)"]);
});

test("NodePort bind addresses", () => {
  const cases: { name: string; cfg: Pick<NodeProxyConfig, "nodeIPs" | "nodePortAddresses" | "localhostNodePorts">; tcp: string[]; udp: string[] }[] = [
    { name: "default", cfg: { nodeIPs: ["192.168.0.10"], nodePortAddresses: [], localhostNodePorts: true }, tcp: ["0.0.0.0"], udp: ["192.168.0.10", "127.0.0.1"] },
    { name: "no localhost NodePorts", cfg: { nodeIPs: ["192.168.0.10"], nodePortAddresses: [], localhostNodePorts: false }, tcp: ["0.0.0.0"], udp: ["192.168.0.10"] },
    { name: "node IPs unknown", cfg: { nodeIPs: [], nodePortAddresses: [], localhostNodePorts: true }, tcp: ["0.0.0.0"], udp: ["0.0.0.0"] },
    {
      name: "--nodeport-addresses picks node IPs and loopback",
      cfg: { nodeIPs: ["192.168.0.10", "172.17.8.101"], nodePortAddresses: ["172.17.8.0/24", "127.0.0.0/8"], localhostNodePorts: true },
      tcp: ["172.17.8.101", "127.0.0.1"],
      udp: ["172.17.8.101", "127.0.0.1"],
    },
  ];
  for (const c of cases) {
    assert.deepEqual(nodePortBindAddresses(c.cfg, "TCP"), c.tcp, `${c.name} TCP`);
    assert.deepEqual(nodePortBindAddresses(c.cfg, "UDP"), c.udp, `${c.name} UDP`);
  }
});

test("node-local clients and CIDR membership", () => {
  const cases: { ip: string; local: boolean }[] = [
    { ip: "127.0.0.1", local: true },
    { ip: "127.1.2.3", local: true },
    { ip: "::ffff:127.0.0.1", local: true },
    { ip: "192.168.0.10", local: true },
    { ip: "10.1.13.9", local: true },
    { ip: "172.17.8.50", local: false },
  ];
  for (const c of cases) assert.equal(isNodeLocalClient(c.ip, config), c.local, c.ip);
  assert.equal(inAnyCIDR("10.0.0.5", ["bad", "10.0.0.0/24"]), true);
  assert.equal(inAnyCIDR("not-an-ip", ["0.0.0.0/0"]), false);
});

test("describeListeners lists one listener a line, sorted", () => {
  const svc = makeNginxService((s) => ((s.nodePort = 30802), (s.stickySeconds = 10800)));
  const text = describeListeners(planListeners(state([[svc, three().slice(0, 2)]]), config).listeners.values());
  assert.equal(
    text,
    [
      "TCP/0.0.0.0:30802 node-port default/nginx-service → 10.1.13.2:80,10.1.13.3:80 affinity=ClientIP/10800s",
      "TCP/10.0.0.252:8000 cluster-ip default/nginx-service → 10.1.13.2:80,10.1.13.3:80 affinity=ClientIP/10800s",
      "",
    ].join("\n"),
  );
});
