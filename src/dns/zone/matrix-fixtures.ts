// The cluster of the DNS test matrix (../shared/reference/dns-env.md §2.1) as API objects:
// namespaces default, kube-system and staging; services S1-S10 with their EndpointSlices.
// Used by the resolver's table test, the dig test against a running server, and the e2e test
// that creates the same objects through kubectl.

import type { EndpointSlice, Namespace, Service } from "../../api/types.js";

const ns = (name: string): Namespace => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });

function svc(namespace: string, name: string, spec: Service["spec"]): Service {
  return { apiVersion: "v1", kind: "Service", metadata: { namespace, name }, spec };
}

interface EndpointSpec {
  ip: string;
  ready?: boolean;
  hostname?: string;
}

function slice(namespace: string, service: string, addressType: "IPv4" | "IPv6", endpoints: EndpointSpec[], ports: { name?: string; port: number; protocol?: "TCP" | "UDP" }[]): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { namespace, name: `${service}-abcde`, labels: { "kubernetes.io/service-name": service } },
    addressType,
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true }, ...(e.hostname && { hostname: e.hostname }) })),
    ports: ports.map((p) => ({ name: p.name ?? "", port: p.port, protocol: p.protocol ?? "TCP" })),
  };
}

export const matrixNamespaces: Namespace[] = [ns("default"), ns("kube-system"), ns("staging")];

export const matrixServices: Service[] = [
  svc("default", "kubernetes", { type: "ClusterIP", clusterIP: "10.0.0.1", clusterIPs: ["10.0.0.1"], ports: [{ name: "https", port: 443, protocol: "TCP" }] }),
  svc("default", "nginx-service", { type: "ClusterIP", clusterIP: "10.0.0.252", clusterIPs: ["10.0.0.252"], ports: [{ name: "http", port: 8000, protocol: "TCP" }], selector: { app: "nginx" } }),
  svc("default", "nginx-headless", { type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"], ports: [{ name: "http", port: 8000, protocol: "TCP" }], selector: { app: "web" } }),
  svc("default", "hl-deploy", { type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"], ports: [{ port: 9000, protocol: "TCP" }], selector: { app: "hl" } }),
  svc("default", "empty-headless", { type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"], ports: [{ name: "http", port: 80, protocol: "TCP" }], selector: { app: "unready" } }),
  svc("default", "empty-svc", { type: "ClusterIP", clusterIP: "10.0.0.77", clusterIPs: ["10.0.0.77"], ports: [{ name: "http", port: 80, protocol: "TCP" }], selector: { app: "none" } }),
  svc("default", "my-db", { type: "ExternalName", externalName: "db.example.com" }),
  svc("default", "nginx-v6", { type: "ClusterIP", clusterIP: "2001:db8::fc", clusterIPs: ["2001:db8::fc"], ipFamilies: ["IPv6"], ports: [{ name: "http", port: 80, protocol: "TCP" }] }),
  svc("default", "dual", {
    type: "ClusterIP",
    clusterIP: "10.0.0.88",
    clusterIPs: ["10.0.0.88", "2001:db8::88"],
    ipFamilies: ["IPv4", "IPv6"],
    ipFamilyPolicy: "RequireDualStack",
    ports: [{ name: "http", port: 80, protocol: "TCP" }],
  }),
  svc("kube-system", "kube-dns", {
    type: "ClusterIP",
    clusterIP: "10.0.0.10",
    clusterIPs: ["10.0.0.10"],
    ports: [
      { name: "dns", port: 53, protocol: "UDP" },
      { name: "dns-tcp", port: 53, protocol: "TCP" },
    ],
  }),
];

export const matrixSlices: EndpointSlice[] = [
  slice("default", "nginx-service", "IPv4", [{ ip: "10.1.12.7" }], [{ name: "http", port: 80 }]),
  slice("default", "nginx-headless", "IPv4", [
    { ip: "10.1.13.2", hostname: "web-0" },
    { ip: "10.1.13.3", hostname: "web-1" },
    { ip: "10.1.13.4", hostname: "web-2" },
  ], [{ name: "http", port: 8000 }]),
  slice("default", "hl-deploy", "IPv4", [{ ip: "10.1.14.5" }], [{ port: 9000 }]),
  slice("default", "empty-headless", "IPv4", [{ ip: "10.1.15.9", ready: false }], [{ name: "http", port: 80 }]),
];
