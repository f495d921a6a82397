import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../api/json.js";
import type { Service } from "../api/types.js";
import {
  defaultStickySeconds,
  isProxyableService,
  proxyServiceLabelSelector,
  servicePortInfos,
} from "./service-port-infos.js";
import type { ServicePortInfo } from "./types.js";
import { makeServicePort } from "./iptables/testdata/nginx-fixtures.js";

function makeService(namespace: string, name: string, edit: (s: Service) => void = () => {}): Service {
  const s: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace, name },
    spec: { type: "ClusterIP", clusterIP: "10.0.0.10", clusterIPs: ["10.0.0.10"], ports: [{ port: 80, protocol: "TCP" }] },
  };
  edit(s);
  return deepFreeze(s);
}

function only(service: Service): ServicePortInfo {
  const infos = servicePortInfos(service);
  assert.equal(infos.length, 1);
  return infos[0];
}

test("the informer selector excludes both opt-out labels", () => {
  assert.equal(proxyServiceLabelSelector, "!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless");
});

test("services the proxy skips entirely", () => {
  const cases: { name: string; edit: (s: Service) => void }[] = [
    { name: "clusterIP None", edit: (s) => ((s.spec.clusterIP = "None"), (s.spec.clusterIPs = ["None"])) },
    { name: "clusterIP empty", edit: (s) => ((s.spec.clusterIP = ""), (s.spec.clusterIPs = undefined)) },
    { name: "ExternalName", edit: (s) => ((s.spec.type = "ExternalName"), (s.spec.externalName = "example.com")) },
    { name: "service-proxy-name label", edit: (s) => (s.metadata.labels = { "service.kubernetes.io/service-proxy-name": "mesh" }) },
    { name: "headless label", edit: (s) => (s.metadata.labels = { "service.kubernetes.io/headless": "" }) },
  ];
  for (const c of cases) {
    const svc = makeService("default", "s", c.edit);
    assert.equal(isProxyableService(svc), false, c.name);
    assert.deepEqual(servicePortInfos(svc), [], c.name);
  }
  assert.equal(isProxyableService(makeService("default", "s")), true);
});

test("an IPv6-only service has nothing for the IPv4 proxy", () => {
  const svc = makeService("default", "v6", (s) => ((s.spec.clusterIP = "fd00::10"), (s.spec.clusterIPs = ["fd00::10"])));
  assert.deepEqual(servicePortInfos(svc), []);
});

test("a dual-stack service uses its IPv4 cluster IP, wherever it is listed", () => {
  const svc = makeService("default", "ds", (s) => ((s.spec.clusterIP = "fd00::10"), (s.spec.clusterIPs = ["fd00::10", "10.0.0.20"])));
  assert.equal(only(svc).clusterIP, "10.0.0.20");
});

test("a plain ClusterIP service port", () => {
  const svc = makeService("web", "nginx", (s) => (s.spec.ports = [{ port: 8080, targetPort: 80 }]));
  // Everything but the address and port is at its "not set" value, as the builder makes it.
  const want = makeServicePort("web", "nginx", (p) => {
    p.clusterIP = "10.0.0.10";
    p.port = 8080;
  });
  assert.deepEqual(servicePortInfos(svc), [want]);
});

test("one info per port, names and protocols kept", () => {
  const svc = makeService("kube-system", "dns", (s) => {
    s.spec.ports = [
      { name: "dns", port: 53, protocol: "UDP" },
      { name: "dns-tcp", port: 53, protocol: "TCP" },
    ];
  });
  assert.deepEqual(
    servicePortInfos(svc).map((p) => [p.name.port, p.protocol, p.name.protocol, p.port]),
    [
      ["dns", "UDP", "UDP", 53],
      ["dns-tcp", "TCP", "TCP", 53],
    ],
  );
});

test("nodePort only for NodePort and LoadBalancer services", () => {
  const cases: { type: "ClusterIP" | "NodePort" | "LoadBalancer"; want: number }[] = [
    { type: "ClusterIP", want: 0 },
    { type: "NodePort", want: 30802 },
    { type: "LoadBalancer", want: 30802 },
  ];
  for (const c of cases) {
    const svc = makeService("default", "s", (s) => ((s.spec.type = c.type), (s.spec.ports = [{ port: 80, nodePort: 30802 }])));
    assert.equal(only(svc).nodePort, c.want, c.type);
  }
});

test("external IPs: IPv4 only", () => {
  const svc = makeService("default", "s", (s) => (s.spec.externalIPs = ["192.0.2.1", "2001:db8::1", "192.0.2.2"]));
  assert.deepEqual(only(svc).externalIPs, ["192.0.2.1", "192.0.2.2"]);
});

test("LoadBalancer VIPs: IPv4 ingress IPs in VIP mode, only for type LoadBalancer", () => {
  const ingress = [
    { ip: "198.51.100.1" },
    { ip: "198.51.100.2", ipMode: "VIP" as const },
    { ip: "198.51.100.3", ipMode: "Proxy" as const },
    { hostname: "lb.example.com" },
    { ip: "2001:db8::5" },
  ];
  const lb = makeService("default", "s", (s) => ((s.spec.type = "LoadBalancer"), (s.status = { loadBalancer: { ingress } })));
  assert.deepEqual(only(lb).loadBalancerVIPs, ["198.51.100.1", "198.51.100.2"]);
  const np = makeService("default", "s", (s) => ((s.spec.type = "NodePort"), (s.status = { loadBalancer: { ingress } })));
  assert.deepEqual(only(np).loadBalancerVIPs, []);
});

test("source ranges", () => {
  const cases: { name: string; ranges: string[]; want: string[] }[] = [
    { name: "trimmed", ranges: [" 203.0.113.0/24 ", "\t198.51.100.0/25"], want: ["203.0.113.0/24", "198.51.100.0/25"] },
    { name: "0.0.0.0/0 disables filtering", ranges: ["203.0.113.0/24", " 0.0.0.0/0"], want: [] },
    { name: "IPv6 ranges are left to an IPv6 proxy", ranges: ["2001:db8::/32", "203.0.113.0/24"], want: ["203.0.113.0/24"] },
    { name: "::/0 does not open the IPv4 side", ranges: ["::/0", "203.0.113.0/24"], want: ["203.0.113.0/24"] },
    { name: "garbage dropped", ranges: ["nonsense", "10.0.0.0/33", "203.0.113.0/24"], want: ["203.0.113.0/24"] },
  ];
  for (const c of cases) {
    const svc = makeService("default", "s", (s) => ((s.spec.type = "LoadBalancer"), (s.spec.loadBalancerSourceRanges = c.ranges)));
    assert.deepEqual(only(svc).loadBalancerSourceRanges, c.want, c.name);
  }
});

test("health check node port only for LoadBalancer with externalTrafficPolicy Local", () => {
  const cases: { type: "NodePort" | "LoadBalancer"; eTP: "Cluster" | "Local"; want: number }[] = [
    { type: "LoadBalancer", eTP: "Local", want: 32000 },
    { type: "LoadBalancer", eTP: "Cluster", want: 0 },
    { type: "NodePort", eTP: "Local", want: 0 },
  ];
  for (const c of cases) {
    const svc = makeService("default", "s", (s) => {
      s.spec.type = c.type;
      s.spec.externalTrafficPolicy = c.eTP;
      s.spec.healthCheckNodePort = 32000;
    });
    assert.equal(only(svc).healthCheckNodePort, c.want, `${c.type}/${c.eTP}`);
  }
});

test("externalPolicyLocal only when the port is reachable from outside", () => {
  const cases: { name: string; edit: (s: Service) => void; want: boolean }[] = [
    { name: "ClusterIP, no external IPs", edit: () => {}, want: false },
    { name: "ClusterIP with external IP", edit: (s) => (s.spec.externalIPs = ["192.0.2.1"]), want: true },
    {
      name: "NodePort",
      edit: (s) => ((s.spec.type = "NodePort"), (s.spec.ports = [{ port: 80, nodePort: 30000 }])),
      want: true,
    },
    {
      name: "LoadBalancer without node ports and without ingress yet",
      edit: (s) => (s.spec.type = "LoadBalancer"),
      want: false,
    },
    {
      name: "LoadBalancer without node ports, with an ingress IP",
      edit: (s) => ((s.spec.type = "LoadBalancer"), (s.status = { loadBalancer: { ingress: [{ ip: "198.51.100.1" }] } })),
      want: true,
    },
  ];
  for (const c of cases) {
    const svc = makeService("default", "s", (s) => ((s.spec.externalTrafficPolicy = "Local"), c.edit(s)));
    assert.equal(only(svc).externalPolicyLocal, c.want, c.name);
  }
});

test("internalPolicyLocal follows internalTrafficPolicy", () => {
  assert.equal(only(makeService("default", "s", (s) => (s.spec.internalTrafficPolicy = "Local"))).internalPolicyLocal, true);
  assert.equal(only(makeService("default", "s", (s) => (s.spec.internalTrafficPolicy = "Cluster"))).internalPolicyLocal, false);
});

test("session affinity timeout", () => {
  const cases: { name: string; edit: (s: Service) => void; want: number }[] = [
    { name: "None", edit: (s) => (s.spec.sessionAffinity = "None"), want: 0 },
    { name: "ClientIP, default timeout", edit: (s) => (s.spec.sessionAffinity = "ClientIP"), want: defaultStickySeconds },
    {
      name: "ClientIP, explicit timeout",
      edit: (s) => ((s.spec.sessionAffinity = "ClientIP"), (s.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 60 } })),
      want: 60,
    },
  ];
  for (const c of cases) assert.equal(only(makeService("default", "s", c.edit)).stickySeconds, c.want, c.name);
  assert.equal(defaultStickySeconds, 10800);
});

test("derived arrays do not alias the Service object", () => {
  const svc = makeService("default", "s", (s) => (s.spec.externalIPs = ["192.0.2.1"]));
  const info = only(svc);
  assert.notEqual(info.externalIPs, svc.spec.externalIPs);
  info.externalIPs.push("192.0.2.9"); // would throw if it were the frozen original
});

test("the IPv6 proxier's view of a service: its family's addresses only", async (t) => {
  const dual = (edit: (s: Service) => void = () => {}): Service =>
    makeService("default", "ds", (s) => {
      s.spec.type = "LoadBalancer";
      s.spec.clusterIP = "10.0.0.20";
      s.spec.clusterIPs = ["10.0.0.20", "fd00:10:96::20"];
      s.spec.ports = [{ port: 80, nodePort: 30080 }];
      s.spec.externalIPs = ["192.0.2.1", "fd00:192::1"];
      s.spec.loadBalancerSourceRanges = ["203.0.113.0/24", " fd00:203::/64 "];
      s.status = { loadBalancer: { ingress: [{ ip: "198.51.100.1" }, { ip: "fd00:198::1" }, { ip: "fd00:198::2", ipMode: "Proxy" }] } };
      edit(s);
    });
  const cases: { name: string; svc: Service; ipFamily: "IPv4" | "IPv6"; want: Partial<ServicePortInfo> | undefined }[] = [
    {
      name: "IPv4 of dual-stack",
      svc: dual(),
      ipFamily: "IPv4",
      want: { clusterIP: "10.0.0.20", externalIPs: ["192.0.2.1"], loadBalancerVIPs: ["198.51.100.1"], loadBalancerSourceRanges: ["203.0.113.0/24"], nodePort: 30080 },
    },
    {
      name: "IPv6 of dual-stack",
      svc: dual(),
      ipFamily: "IPv6",
      want: { clusterIP: "fd00:10:96::20", externalIPs: ["fd00:192::1"], loadBalancerVIPs: ["fd00:198::1"], loadBalancerSourceRanges: ["fd00:203::/64"], nodePort: 30080 },
    },
    { name: "::/0 opens the IPv6 side only", svc: dual((s) => s.spec.loadBalancerSourceRanges?.push("::/0")), ipFamily: "IPv6", want: { loadBalancerSourceRanges: [] } },
    { name: "0.0.0.0/0 leaves the IPv6 ranges", svc: dual((s) => s.spec.loadBalancerSourceRanges?.push("0.0.0.0/0")), ipFamily: "IPv6", want: { loadBalancerSourceRanges: ["fd00:203::/64"] } },
    { name: "IPv4-only service: nothing for IPv6", svc: makeService("default", "v4"), ipFamily: "IPv6", want: undefined },
    { name: "legacy clusterIP field alone", svc: makeService("default", "v6", (s) => ((s.spec.clusterIP = "fd00:10:96::30"), (s.spec.clusterIPs = undefined))), ipFamily: "IPv6", want: { clusterIP: "fd00:10:96::30" } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const infos = servicePortInfos(c.svc, { ipFamily: c.ipFamily });
      if (c.want === undefined) return assert.deepEqual(infos, []);
      assert.equal(infos.length, 1);
      const got = Object.fromEntries(Object.keys(c.want).map((k) => [k, infos[0][k as keyof ServicePortInfo]]));
      assert.deepEqual(got, c.want);
    });
  }
});
