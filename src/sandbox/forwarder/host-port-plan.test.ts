import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deepFreeze } from "../../api/json.js";
import type { LoadBalancerIngress, Service, ServicePort } from "../../api/types.js";
import type { HostPortKind, HostPortRoute, SkipReason } from "./host-port-plan.js";
import { planHostPorts } from "./host-port-plan.js";
import { parseAllowList } from "./relay-protocol.js";

const NODE_IP = "172.17.8.101";
const OPTIONS = { nodeIP: NODE_IP, allow: parseAllowList(["172.17.8.0/24"]) };

function makeService(namespace: string, name: string, edit: (s: Service) => void): Service {
  const svc: Service = { apiVersion: "v1", kind: "Service", metadata: { namespace, name }, spec: { clusterIP: "10.0.0.10", ports: [] } };
  edit(svc);
  return deepFreeze(svc);
}

function nodePortService(namespace: string, name: string, ports: ServicePort[]): Service {
  return makeService(namespace, name, (s) => Object.assign(s.spec, { type: "NodePort", ports }));
}

function lbService(namespace: string, name: string, ingress: LoadBalancerIngress[], ports: ServicePort[]): Service {
  return makeService(namespace, name, (s) => {
    Object.assign(s.spec, { type: "LoadBalancer", ports });
    s.status = { loadBalancer: { ingress } };
  });
}

function tcp(port: number, nodePort?: number, name?: string): ServicePort {
  return { port, protocol: "TCP", ...(nodePort === undefined ? {} : { nodePort }), ...(name === undefined ? {} : { name }) };
}

const vip = (ip: string): LoadBalancerIngress => ({ ip, ipMode: "VIP" });

/** A route in one line: `80 LoadBalancer web/a → 172.17.8.201:80`. */
function routeLine(r: HostPortRoute): string {
  return `${r.hostPort} ${r.kind} ${r.service}${r.portName ? `:${r.portName}` : ""} → ${r.target.ip}:${r.target.port}`;
}

/** A skipped claim in one line: `80/TCP LoadBalancer web/b clash (LoadBalancer web/a)`. */
interface SkipLine {
  hostPort: number;
  kind: HostPortKind;
  service: string;
  reason: SkipReason;
}

describe("planHostPorts", () => {
  const cases: { name: string; services: Service[]; routes: string[]; skipped?: string[] }[] = [
    { name: "no services", services: [], routes: [] },
    {
      name: "a NodePort service: its NodePort, to the node",
      services: [nodePortService("default", "nginx", [tcp(80, 30080)])],
      routes: ["30080 NodePort default/nginx → 172.17.8.101:30080"],
    },
    {
      name: "a LoadBalancer service with an address: its NodePorts to the node, its ports to the VIP",
      services: [lbService("web", "shop", [vip("172.17.8.201")], [tcp(80, 31080, "http"), tcp(443, 31443, "https")])],
      routes: [
        "80 LoadBalancer web/shop:http → 172.17.8.201:80",
        "443 LoadBalancer web/shop:https → 172.17.8.201:443",
        "31080 NodePort web/shop:http → 172.17.8.101:31080",
        "31443 NodePort web/shop:https → 172.17.8.101:31443",
      ],
    },
    {
      name: "a LoadBalancer service still pending: its NodePorts only",
      services: [lbService("web", "pending", [], [tcp(80, 31080)]), makeService("web", "no-status", (s) => Object.assign(s.spec, { type: "LoadBalancer", ports: [tcp(81, 31081)] }))],
      routes: ["31080 NodePort web/pending → 172.17.8.101:31080", "31081 NodePort web/no-status → 172.17.8.101:31081"],
    },
    {
      name: "allocateLoadBalancerNodePorts false: the LoadBalancer port alone",
      services: [lbService("web", "shop", [vip("172.17.8.201")], [tcp(8000)])],
      routes: ["8000 LoadBalancer web/shop → 172.17.8.201:8000"],
    },
    {
      name: "a hostname-only ingress is not an address",
      services: [lbService("web", "named", [{ hostname: "lb.example" }], [tcp(80)])],
      routes: [],
    },
    {
      name: "the first IPv4 ingress is the target",
      services: [lbService("web", "dual", [{ hostname: "lb.example" }, vip("fd00::201"), vip("172.17.8.202"), vip("172.17.8.203")], [tcp(80)])],
      routes: ["80 LoadBalancer web/dual → 172.17.8.202:80"],
    },
    {
      name: "an ingress with IPv6 addresses only is reported",
      services: [lbService("web", "v6", [vip("fd00::201")], [tcp(80)])],
      routes: [],
      skipped: ["80 LoadBalancer web/v6 no-ipv4"],
    },
    {
      name: "an ingress outside the relay's ranges is reported, and does not hold the port",
      services: [lbService("a", "far", [vip("192.0.2.10")], [tcp(80)]), lbService("b", "near", [vip("172.17.8.201")], [tcp(80)])],
      routes: ["80 LoadBalancer b/near → 172.17.8.201:80"],
      skipped: ["80 LoadBalancer a/far unreachable"],
    },
    {
      name: "ClusterIP and ExternalName services are not published, even with a stray nodePort or ingress",
      services: [
        makeService("default", "cip", (s) => {
          Object.assign(s.spec, { type: "ClusterIP", ports: [tcp(80, 30081)] });
          s.status = { loadBalancer: { ingress: [vip("172.17.8.201")] } };
        }),
        makeService("default", "ext", (s) => Object.assign(s.spec, { type: "ExternalName", ports: [tcp(80, 30082)] })),
        makeService("default", "untyped", (s) => Object.assign(s.spec, { ports: [tcp(80, 30083)] })),
      ],
      routes: [],
    },
    {
      name: "a port without an allocated NodePort is waited for, not reported",
      services: [nodePortService("default", "pending", [tcp(80)]), nodePortService("default", "no-ports", [])],
      routes: [],
    },
    {
      name: "protocol defaults to TCP",
      services: [nodePortService("default", "implicit", [{ port: 80, nodePort: 30090 }]), lbService("default", "implicit-lb", [vip("172.17.8.201")], [{ port: 81 }])],
      routes: ["81 LoadBalancer default/implicit-lb → 172.17.8.201:81", "30090 NodePort default/implicit → 172.17.8.101:30090"],
    },
    {
      name: "UDP and SCTP ports are skipped and said so; TCP on the same number is kept",
      services: [
        lbService("kube-system", "dns", [vip("172.17.8.210")], [
          { name: "dns", port: 53, protocol: "UDP", nodePort: 30053 },
          { name: "dns-tcp", port: 53, protocol: "TCP", nodePort: 30053 },
          { port: 9, protocol: "SCTP", nodePort: 30009 },
        ]),
      ],
      routes: ["53 LoadBalancer kube-system/dns:dns-tcp → 172.17.8.210:53", "30053 NodePort kube-system/dns:dns-tcp → 172.17.8.101:30053"],
      skipped: ["30053 NodePort kube-system/dns protocol", "30009 NodePort kube-system/dns protocol", "53 LoadBalancer kube-system/dns protocol", "9 LoadBalancer kube-system/dns protocol"],
    },
    {
      name: "a NodePort claimed twice goes to the first service by namespace/name, whatever the input order",
      services: [nodePortService("b", "second", [tcp(80, 30100)]), nodePortService("a", "first", [tcp(80, 30100)])],
      routes: ["30100 NodePort a/first → 172.17.8.101:30100"],
      skipped: ["30100 NodePort b/second clash"],
    },
    {
      name: "two LoadBalancer services on port 80: the first by namespace/name wins",
      services: [lbService("shop", "b", [vip("172.17.8.202")], [tcp(80)]), lbService("shop", "a", [vip("172.17.8.201")], [tcp(80)]), lbService("blog", "z", [vip("172.17.8.203")], [tcp(80)])],
      routes: ["80 LoadBalancer blog/z → 172.17.8.203:80"],
      skipped: ["80 LoadBalancer shop/a clash", "80 LoadBalancer shop/b clash"],
    },
    {
      name: "a LoadBalancer port equal to a NodePort: the NodePort wins, even from a later service",
      services: [lbService("a", "lb", [vip("172.17.8.201")], [tcp(30080)]), nodePortService("z", "np", [tcp(80, 30080)])],
      routes: ["30080 NodePort z/np → 172.17.8.101:30080"],
      skipped: ["30080 LoadBalancer a/lb clash"],
    },
    {
      name: "out-of-range ports are ignored",
      services: [nodePortService("default", "bad", [tcp(80, 0), tcp(81, 70000), tcp(82, 30000.5)]), lbService("default", "bad-lb", [vip("172.17.8.201")], [tcp(0), tcp(70000)])],
      routes: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planHostPorts(c.services, OPTIONS);
      assert.deepEqual([...plan.routes.values()].sort((a, b) => a.hostPort - b.hostPort).map(routeLine), c.routes);
      for (const [port, route] of plan.routes) assert.equal(route.hostPort, port);
      const skipLine = (s: SkipLine): string => `${s.hostPort} ${s.kind} ${s.service} ${s.reason}`;
      assert.deepEqual(plan.skipped.map(skipLine), c.skipped ?? []);
    });
  }

  it("names the holder of a clashing port, the addresses and the ranges of the reports", () => {
    const plan = planHostPorts(
      [lbService("shop", "a", [vip("172.17.8.201")], [tcp(80, undefined, "http")]), lbService("shop", "b", [vip("172.17.8.202")], [tcp(80)]), lbService("x", "v6", [vip("fd00::1"), vip("fd00::2")], [tcp(81)]), lbService("x", "far", [vip("10.9.9.9")], [tcp(82)])],
      OPTIONS,
    );
    assert.deepEqual(plan.skipped, [
      {
        kind: "LoadBalancer", service: "shop/b", portName: "", servicePort: 80, protocol: "TCP", hostPort: 80, reason: "clash",
        holder: { kind: "LoadBalancer", service: "shop/a", portName: "http", servicePort: 80, protocol: "TCP", hostPort: 80 },
      },
      { kind: "LoadBalancer", service: "x/far", portName: "", servicePort: 82, protocol: "TCP", hostPort: 82, reason: "unreachable", addresses: ["10.9.9.9"], allowed: ["172.17.8.0/24"] },
      { kind: "LoadBalancer", service: "x/v6", portName: "", servicePort: 81, protocol: "TCP", hostPort: 81, reason: "no-ipv4", addresses: ["fd00::1", "fd00::2"] },
    ]);
  });

  it("keeps NodePorts off a node address the relay may not dial", () => {
    const plan = planHostPorts([nodePortService("default", "nginx", [tcp(80, 30080)])], { nodeIP: "10.0.0.1", allow: OPTIONS.allow });
    assert.equal(plan.routes.size, 0);
    assert.deepEqual(plan.skipped.map((s) => s.reason), ["unreachable"]);
  });

  it("names a service without a namespace as default/", () => {
    const svc: Service = { metadata: { name: "x" }, spec: { type: "NodePort", ports: [tcp(80, 30001)] } };
    assert.equal(planHostPorts([svc], OPTIONS).routes.get(30001)?.service, "default/x");
  });
});
