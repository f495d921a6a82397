import assert from "node:assert/strict";
import { test } from "node:test";
import type { EndpointSlice, Service } from "../../api/types.js";
import { serviceReach } from "./service-reach.js";

function makeService(name: string, edit: (s: Service) => void = () => {}): Service {
  const s: Service = { apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec: { clusterIP: "10.0.0.252", clusterIPs: ["10.0.0.252"], ports: [{ port: 8000, protocol: "TCP", targetPort: 80 }] } };
  edit(s);
  return Object.freeze(s);
}

function makeSlice(service: string, ips: string[], ports: { name: string; port: number }[]): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: `${service}-abc`, namespace: "default", labels: { "kubernetes.io/service-name": service } },
    addressType: "IPv4",
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: ports.map((p) => ({ ...p, protocol: "TCP" as const })),
  };
}

test("reach: the seed's nginx-service — A record of the ClusterIP, no SRV for an unnamed port, its variables", () => {
  const r = serviceReach(makeService("nginx-service"), [makeSlice("nginx-service", ["10.1.13.2"], [{ name: "", port: 80 }])]);
  assert.deepEqual(r.searchPath, ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"]);
  assert.deepEqual(r.dns, [{ name: "nginx-service.default.svc.cluster.local.", type: "A", answers: ["10.0.0.252"], what: "the ClusterIP" }]);
  const env = Object.fromEntries(r.env.map((v) => [v.name, v.value]));
  assert.equal(env.NGINX_SERVICE_SERVICE_HOST, "10.0.0.252");
  assert.equal(env.NGINX_SERVICE_SERVICE_PORT, "8000");
  assert.equal(env.NGINX_SERVICE_PORT, "tcp://10.0.0.252:8000");
  assert.equal(env.NGINX_SERVICE_PORT_8000_TCP_ADDR, "10.0.0.252");
});

test("reach: named ports get SRV records; headless services answer with endpoints, and each endpoint has a name", () => {
  const cases: [string, Service, EndpointSlice[], { name: string; type: string; answers: string[] }[]][] = [
    [
      "named port",
      makeService("web", (s) => (s.spec.ports = [{ name: "http", port: 80, protocol: "TCP" }])),
      [],
      [
        { name: "web.default.svc.cluster.local.", type: "A", answers: ["10.0.0.252"] },
        { name: "_http._tcp.web.default.svc.cluster.local.", type: "SRV", answers: ["0 100 80 web.default.svc.cluster.local."] },
      ],
    ],
    [
      "headless",
      makeService("db", (s) => {
        s.spec.clusterIP = "None";
        s.spec.clusterIPs = ["None"];
        s.spec.ports = [{ name: "pg", port: 5432, protocol: "TCP" }];
      }),
      [makeSlice("db", ["10.1.13.7", "10.1.14.8"], [{ name: "pg", port: 5432 }])],
      [
        { name: "db.default.svc.cluster.local.", type: "A", answers: ["10.1.13.7", "10.1.14.8"] },
        { name: "_pg._tcp.db.default.svc.cluster.local.", type: "SRV", answers: ["0 50 5432 10-1-13-7.db.default.svc.cluster.local.", "0 50 5432 10-1-14-8.db.default.svc.cluster.local."] },
        { name: "10-1-13-7.db.default.svc.cluster.local.", type: "A", answers: ["10.1.13.7"] },
        { name: "10-1-14-8.db.default.svc.cluster.local.", type: "A", answers: ["10.1.14.8"] },
      ],
    ],
    [
      "ExternalName",
      makeService("ext", (s) => {
        s.spec = { type: "ExternalName", externalName: "example.org" };
      }),
      [],
      [{ name: "ext.default.svc.cluster.local.", type: "CNAME", answers: ["example.org."] }],
    ],
  ];
  for (const [name, svc, slices, want] of cases) {
    const r = serviceReach(svc, slices);
    assert.deepEqual(r.dns.map(({ name: n, type, answers }) => ({ name: n, type, answers })), want, name);
    if (svc.spec.clusterIP === "None" || svc.spec.type === "ExternalName") assert.deepEqual(r.env, [], `${name}: no variables without a ClusterIP`);
  }
});
