import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../json.js";
import type { Service, ServiceSpec } from "../types.js";
import { needsNodePort, prepareServiceForCreate, prepareServiceForUpdate } from "./service-update.js";

const svc = (spec: ServiceSpec): Service => ({ metadata: { name: "s", namespace: "default" }, spec });

test("create: clusterIPs follows a lone clusterIP, never the reverse", async (t) => {
  const cases: { name: string; spec: ServiceSpec; want: ServiceSpec }[] = [
    { name: "clusterIP only", spec: { clusterIP: "10.0.0.10" }, want: { clusterIP: "10.0.0.10", clusterIPs: ["10.0.0.10"] } },
    { name: "None", spec: { clusterIP: "None" }, want: { clusterIP: "None", clusterIPs: ["None"] } },
    { name: "clusterIPs only stays as is", spec: { clusterIPs: ["10.0.0.10"] }, want: { clusterIPs: ["10.0.0.10"] } },
    { name: "neither", spec: {}, want: {} },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const s = svc(c.spec);
      prepareServiceForCreate(s);
      assert.deepEqual(s.spec, c.want);
    });
  }
});

test("update: carried over and dropped fields", async (t) => {
  const np = deepFreeze(
    svc({
      type: "NodePort",
      clusterIP: "10.0.0.5",
      clusterIPs: ["10.0.0.5"],
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      externalTrafficPolicy: "Cluster",
      ports: [{ name: "http", port: 80, nodePort: 30080 }],
    }),
  );
  const cases: { name: string; next: ServiceSpec; want: ServiceSpec }[] = [
    {
      name: "replace without allocated values",
      next: { type: "NodePort", externalTrafficPolicy: "Cluster", ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports: [{ name: "http", port: 80 }] },
      want: { ...np.spec, ports: [{ name: "http", port: 80, nodePort: 30080 }] },
    },
    {
      name: "node port already used by another port is not reused",
      next: { ...np.spec, ports: [{ name: "http", port: 80 }, { name: "b", port: 81, nodePort: 30080 }] },
      want: { ...np.spec, ports: [{ name: "http", port: 80 }, { name: "b", port: 81, nodePort: 30080 }] },
    },
    {
      name: "to ClusterIP drops node ports and externalTrafficPolicy",
      next: { ...np.spec, type: "ClusterIP", ports: [{ name: "http", port: 80, nodePort: 30080 }] },
      want: { type: "ClusterIP", clusterIP: "10.0.0.5", clusterIPs: ["10.0.0.5"], ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack", ports: [{ name: "http", port: 80 }] },
    },
    {
      name: "changed clusterIP with unchanged clusterIPs follows clusterIP",
      next: { ...np.spec, clusterIP: "10.0.0.6" },
      want: { ...np.spec, clusterIP: "10.0.0.6", clusterIPs: ["10.0.0.6"] },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const s = svc(structuredClone(c.next));
      prepareServiceForUpdate(s, np);
      assert.deepEqual(s.spec, c.want);
    });
  }
});

test("needsNodePort", () => {
  assert.equal(needsNodePort(svc({ type: "LoadBalancer" })), true);
  assert.equal(needsNodePort(svc({ type: "LoadBalancer", allocateLoadBalancerNodePorts: false })), false);
  assert.equal(needsNodePort(svc({ type: "ClusterIP" })), false);
});
