import { test } from "node:test";
import assert from "node:assert/strict";
import type { Service, ServiceSpec } from "../types.js";
import { defaultService } from "./service.js";

function defaulted(spec: ServiceSpec, ipFamilies?: ("IPv4" | "IPv6")[], status?: Service["status"]): Service {
  const svc: Service = { metadata: { name: "s", namespace: "default" }, spec, status };
  defaultService(svc, { ipFamilies });
  return svc;
}

test("service defaults match Kubernetes 1.32", async (t) => {
  const cases: { name: string; spec: ServiceSpec; families?: ("IPv4" | "IPv6")[]; want: ServiceSpec }[] = [
    {
      name: "plain ClusterIP",
      spec: { ports: [{ port: 80 }] },
      want: { ports: [{ port: 80, targetPort: 80, protocol: "TCP" }], type: "ClusterIP", sessionAffinity: "None", internalTrafficPolicy: "Cluster", ipFamilyPolicy: "SingleStack", ipFamilies: ["IPv4"] },
    },
    {
      name: "NodePort gets externalTrafficPolicy",
      spec: { type: "NodePort", ports: [{ port: 80, targetPort: "http", protocol: "UDP" }] },
      want: {
        type: "NodePort",
        ports: [{ port: 80, targetPort: "http", protocol: "UDP" }],
        sessionAffinity: "None",
        externalTrafficPolicy: "Cluster",
        internalTrafficPolicy: "Cluster",
        ipFamilyPolicy: "SingleStack",
        ipFamilies: ["IPv4"],
      },
    },
    {
      name: "LoadBalancer allocates node ports by default",
      spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
      want: {
        type: "LoadBalancer",
        ports: [{ port: 80, targetPort: 80, protocol: "TCP" }],
        sessionAffinity: "None",
        externalTrafficPolicy: "Cluster",
        internalTrafficPolicy: "Cluster",
        allocateLoadBalancerNodePorts: true,
        ipFamilyPolicy: "SingleStack",
        ipFamilies: ["IPv4"],
      },
    },
    {
      name: "ExternalName gets no IP fields and no traffic policies",
      spec: { type: "ExternalName", externalName: "example.com" },
      want: { type: "ExternalName", externalName: "example.com", sessionAffinity: "None" },
    },
    {
      name: "ClientIP affinity gets the 3h timeout",
      spec: { sessionAffinity: "ClientIP", ports: [{ port: 80, targetPort: 8080 }] },
      want: {
        sessionAffinity: "ClientIP",
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        ports: [{ port: 80, targetPort: 8080, protocol: "TCP" }],
        type: "ClusterIP",
        internalTrafficPolicy: "Cluster",
        ipFamilyPolicy: "SingleStack",
        ipFamilies: ["IPv4"],
      },
    },
    {
      name: "None affinity drops a config",
      spec: { sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } }, ports: [{ port: 80, targetPort: 80, protocol: "TCP" }] },
      want: { sessionAffinity: "None", ports: [{ port: 80, targetPort: 80, protocol: "TCP" }], type: "ClusterIP", internalTrafficPolicy: "Cluster", ipFamilyPolicy: "SingleStack", ipFamilies: ["IPv4"] },
    },
    {
      name: "ClusterIP with externalIPs is externally accessible",
      spec: { externalIPs: ["172.17.8.200"], ports: [{ port: 80, targetPort: 80, protocol: "TCP" }] },
      want: {
        externalIPs: ["172.17.8.200"],
        ports: [{ port: 80, targetPort: 80, protocol: "TCP" }],
        sessionAffinity: "None",
        type: "ClusterIP",
        externalTrafficPolicy: "Cluster",
        internalTrafficPolicy: "Cluster",
        ipFamilyPolicy: "SingleStack",
        ipFamilies: ["IPv4"],
      },
    },
    {
      name: "families follow an IPv6 clusterIP",
      spec: { clusterIP: "fd00::10", ports: [{ port: 80, targetPort: 80, protocol: "TCP" }] },
      families: ["IPv6", "IPv4"],
      want: { clusterIP: "fd00::10", ports: [{ port: 80, targetPort: 80, protocol: "TCP" }], sessionAffinity: "None", type: "ClusterIP", internalTrafficPolicy: "Cluster", ipFamilyPolicy: "SingleStack", ipFamilies: ["IPv6"] },
    },
    {
      name: "PreferDualStack on a dual-stack cluster gets both families",
      spec: { ipFamilyPolicy: "PreferDualStack", ports: [{ port: 80, targetPort: 80, protocol: "TCP" }] },
      families: ["IPv4", "IPv6"],
      want: { ipFamilyPolicy: "PreferDualStack", ports: [{ port: 80, targetPort: 80, protocol: "TCP" }], sessionAffinity: "None", type: "ClusterIP", internalTrafficPolicy: "Cluster", ipFamilies: ["IPv4", "IPv6"] },
    },
    {
      name: "headless without selector on a dual-stack cluster requires dual stack",
      spec: { clusterIP: "None" },
      families: ["IPv4", "IPv6"],
      want: { clusterIP: "None", sessionAffinity: "None", type: "ClusterIP", internalTrafficPolicy: "Cluster", ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] },
    },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(defaulted(c.spec, c.families).spec, c.want));
});

test("load-balancer ingress IPs get ipMode VIP", () => {
  const svc = defaulted({ type: "LoadBalancer", ports: [{ port: 80 }] }, undefined, { loadBalancer: { ingress: [{ ip: "203.0.113.1" }, { hostname: "lb.example.com" }] } });
  assert.deepEqual(svc.status?.loadBalancer?.ingress, [{ ip: "203.0.113.1", ipMode: "VIP" }, { hostname: "lb.example.com" }]);
});

test("defaulting is idempotent", () => {
  const once = defaulted({ type: "LoadBalancer", sessionAffinity: "ClientIP", ports: [{ port: 80 }] });
  const twice = structuredClone(once);
  defaultService(twice);
  assert.deepEqual(twice, once);
});
