// The clusters the DNS benchmark serves: "small" is the reference matrix (dns-env.md §2.1) and
// its query list; "large" is 10,000 ClusterIP services in 50 namespaces (one named port each)
// plus 1,000 headless services with 3 hostname endpoints each, and a query mix of A/AAAA
// lookups, SRV and missing names (as the reference's gen-big-zone generates for the peers).

import type { EndpointSlice, Namespace, Service } from "../../src/api/types.js";
import { matrixNamespaces, matrixServices, matrixSlices } from "../../src/dns/zone/matrix-fixtures.js";

export interface Dataset {
  name: string;
  namespaces: Namespace[];
  services: Service[];
  slices: EndpointSlice[];
  /** dnsperf input lines: `name TYPE`. */
  queries: string[];
}

/** The reference's matrix query list (dns-peer/queries.txt). */
const MATRIX_QUERIES = [
  "dns-version.cluster.local TXT",
  "nginx-service.default.svc.cluster.local A",
  "NGINX-Service.Default.SVC.cluster.local A",
  "nginx-service.default.svc.cluster.local AAAA",
  "nginx-service.default.svc.cluster.local TXT",
  "_http._tcp.nginx-service.default.svc.cluster.local SRV",
  "_https._tcp.nginx-service.default.svc.cluster.local SRV",
  "_http._udp.nginx-service.default.svc.cluster.local SRV",
  "nginx-service.default.svc.cluster.local SRV",
  "252.0.0.10.in-addr.arpa PTR",
  "99.0.0.10.in-addr.arpa PTR",
  "nginx-headless.default.svc.cluster.local A",
  "nginx-headless.default.svc.cluster.local AAAA",
  "web-0.nginx-headless.default.svc.cluster.local A",
  "web-9.nginx-headless.default.svc.cluster.local A",
  "_http._tcp.nginx-headless.default.svc.cluster.local SRV",
  "2.13.1.10.in-addr.arpa PTR",
  "my-db.default.svc.cluster.local CNAME",
  "my-db.default.svc.cluster.local A",
  "_http._tcp.my-db.default.svc.cluster.local SRV",
  "nginx-v6.default.svc.cluster.local AAAA",
  "nginx-v6.default.svc.cluster.local A",
  "c.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa PTR",
  "kubernetes.default.svc.cluster.local A",
  "_https._tcp.kubernetes.default.svc.cluster.local SRV",
  "nosuch.default.svc.cluster.local A",
  "nginx-service.nosuchns.svc.cluster.local A",
  "default.svc.cluster.local A",
  "svc.cluster.local A",
  "cluster.local SOA",
  "cluster.local NS",
  "cluster.local A",
  "foo.cluster.local A",
  "_tcp.nginx-service.default.svc.cluster.local A",
  "10-1-13-2.default.pod.cluster.local A",
];

export function smallDataset(): Dataset {
  return { name: "small", namespaces: matrixNamespaces, services: matrixServices, slices: matrixSlices, queries: MATRIX_QUERIES };
}

const ip4 = (base: number, n: number): string => {
  const v = base + n;
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".");
};

export function largeDataset(clusterIPServices = 10_000, headless = 1_000): Dataset {
  const namespaces: Namespace[] = [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } }, { apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system" } }];
  for (let i = 0; i < 50; i++) namespaces.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: `ns${i}` } });
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  const queries: string[] = [];
  const svcBase = (10 << 24) | (96 << 16);
  for (let i = 0; i < clusterIPServices; i++) {
    const namespace = `ns${i % 50}`;
    const name = `svc${i}`;
    const ip = ip4(svcBase, i + 1);
    services.push({ apiVersion: "v1", kind: "Service", metadata: { namespace, name }, spec: { type: "ClusterIP", clusterIP: ip, clusterIPs: [ip], ports: [{ name: "http", port: 8000, protocol: "TCP" }] } });
    queries.push(`${name}.${namespace}.svc.cluster.local A`, `${name}.${namespace}.svc.cluster.local AAAA`);
    if (i % 10 === 0) queries.push(`_http._tcp.${name}.${namespace}.svc.cluster.local SRV`, `missing${i}.${namespace}.svc.cluster.local A`);
  }
  const podBase = (10 << 24) | (128 << 16);
  for (let j = 0; j < headless; j++) {
    const namespace = `ns${j % 50}`;
    const name = `hl${j}`;
    services.push({ apiVersion: "v1", kind: "Service", metadata: { namespace, name }, spec: { type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"], ports: [{ name: "http", port: 8000, protocol: "TCP" }] } });
    slices.push({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { namespace, name: `${name}-x`, labels: { "kubernetes.io/service-name": name } },
      addressType: "IPv4",
      endpoints: [0, 1, 2].map((k) => ({ addresses: [ip4(podBase, j * 3 + k + 1)], hostname: `${name}-${k}`, conditions: { ready: true } })),
      ports: [{ name: "http", port: 8000, protocol: "TCP" }],
    });
    queries.push(`${name}.${namespace}.svc.cluster.local A`);
  }
  return { name: "large", namespaces, services, slices, queries };
}
