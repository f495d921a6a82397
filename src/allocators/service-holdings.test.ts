import { prepareServiceForUpdate } from "../api/defaults/service-update.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Service } from "../api/types.js";
import {
  heldResources,
  needsClusterIP,
  needsHealthCheckNodePort,
  shouldAllocateNodePorts,
} from "./service-holdings.js";

function makeService(edit: (s: Service) => void = () => {}): Service {
  const s: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace: "default", name: "nginx-service", uid: "u1" },
    spec: { type: "ClusterIP", selector: { app: "nginx" }, ports: [{ name: "web", port: 8000, protocol: "TCP", targetPort: 80 }] },
  };
  edit(s);
  return s;
}

test("what a service needs", async (t) => {
  const cases: { name: string; svc: Service; clusterIP: boolean; allocPorts: boolean; hc: boolean }[] = [
    { name: "ClusterIP", svc: makeService(), clusterIP: true, allocPorts: false, hc: false },
    { name: "headless", svc: makeService((s) => (s.spec.clusterIP = "None")), clusterIP: false, allocPorts: false, hc: false },
    { name: "headless via clusterIPs", svc: makeService((s) => (s.spec.clusterIPs = ["None"])), clusterIP: false, allocPorts: false, hc: false },
    { name: "ExternalName", svc: makeService((s) => (s.spec.type = "ExternalName")), clusterIP: false, allocPorts: false, hc: false },
    { name: "NodePort", svc: makeService((s) => (s.spec.type = "NodePort")), clusterIP: true, allocPorts: true, hc: false },
    { name: "LoadBalancer", svc: makeService((s) => (s.spec.type = "LoadBalancer")), clusterIP: true, allocPorts: true, hc: false },
    {
      name: "LoadBalancer without node ports, Local",
      svc: makeService((s) => {
        s.spec.type = "LoadBalancer";
        s.spec.allocateLoadBalancerNodePorts = false;
        s.spec.externalTrafficPolicy = "Local";
      }),
      clusterIP: true,
      allocPorts: false,
      hc: true,
    },
    {
      name: "NodePort with Local has no health check port",
      svc: makeService((s) => {
        s.spec.type = "NodePort";
        s.spec.externalTrafficPolicy = "Local";
      }),
      clusterIP: true,
      allocPorts: true,
      hc: false,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(needsClusterIP(c.svc), c.clusterIP);
      assert.equal(shouldAllocateNodePorts(c.svc), c.allocPorts);
      assert.equal(needsHealthCheckNodePort(c.svc), c.hc);
    });
  }
});

test("heldResources", async (t) => {
  const cases: { name: string; svc: Service; ips: string[]; ports: number[] }[] = [
    { name: "cluster IP from clusterIPs", svc: makeService((s) => (s.spec.clusterIPs = ["10.0.0.20"])), ips: ["10.0.0.20"], ports: [] },
    { name: "cluster IP from clusterIP only", svc: makeService((s) => (s.spec.clusterIP = "10.0.0.20")), ips: ["10.0.0.20"], ports: [] },
    { name: "headless holds nothing", svc: makeService((s) => (s.spec.clusterIP = "None")), ips: [], ports: [] },
    {
      name: "ExternalName ignores a stale clusterIP",
      svc: makeService((s) => {
        s.spec.type = "ExternalName";
        s.spec.clusterIP = "10.0.0.20";
      }),
      ips: [],
      ports: [],
    },
    {
      name: "shared node port counted once, health check added",
      svc: makeService((s) => {
        s.spec.type = "LoadBalancer";
        s.spec.externalTrafficPolicy = "Local";
        s.spec.healthCheckNodePort = 31000;
        s.spec.clusterIPs = ["10.0.0.20"];
        s.spec.ports = [
          { name: "dns", port: 53, protocol: "UDP", nodePort: 30053 },
          { name: "dns-tcp", port: 53, protocol: "TCP", nodePort: 30053 },
        ];
      }),
      ips: ["10.0.0.20"],
      ports: [30053, 31000],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepEqual(heldResources(c.svc), { clusterIPs: c.ips, nodePorts: c.ports }));
  }
});

test("prepareServiceForUpdate clears only untouched values a new type does not use", async (t) => {
  const nodePortSvc = makeService((s) => {
    s.spec.type = "LoadBalancer";
    s.spec.externalTrafficPolicy = "Local";
    s.spec.healthCheckNodePort = 31000;
    s.spec.clusterIP = "10.0.0.20";
    s.spec.clusterIPs = ["10.0.0.20"];
    s.spec.ipFamilies = ["IPv4"];
    s.spec.ipFamilyPolicy = "SingleStack";
    s.spec.ports = [{ name: "web", port: 8000, protocol: "TCP", nodePort: 30802 }];
  });
  const cases: { name: string; edit: (s: Service) => void; want: (s: Service) => void }[] = [
    {
      name: "to ClusterIP drops node ports and health check port",
      edit: (s) => (s.spec.type = "ClusterIP"),
      want: (s) => {
        assert.equal(s.spec.ports?.[0].nodePort, undefined);
        assert.equal(s.spec.healthCheckNodePort, undefined);
        assert.equal(s.spec.clusterIP, "10.0.0.20");
      },
    },
    {
      name: "to ExternalName drops cluster IPs and families too",
      edit: (s) => (s.spec.type = "ExternalName"),
      want: (s) => {
        assert.equal(s.spec.clusterIP, undefined);
        assert.equal(s.spec.clusterIPs, undefined);
        assert.equal(s.spec.ipFamilies, undefined);
        assert.equal(s.spec.ipFamilyPolicy, undefined);
        assert.equal(s.spec.ports?.[0].nodePort, undefined);
      },
    },
    {
      name: "a node port changed by the user is kept for validation to judge",
      edit: (s) => {
        s.spec.type = "ClusterIP";
        if (s.spec.ports) s.spec.ports[0].nodePort = 30900;
      },
      want: (s) => assert.equal(s.spec.ports?.[0].nodePort, 30900),
    },
    {
      name: "to Cluster traffic policy drops the health check port only",
      edit: (s) => (s.spec.externalTrafficPolicy = "Cluster"),
      want: (s) => {
        assert.equal(s.spec.healthCheckNodePort, undefined);
        assert.equal(s.spec.ports?.[0].nodePort, 30802);
      },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const next = structuredClone(nodePortSvc);
      c.edit(next);
      prepareServiceForUpdate(next, nodePortSvc);
      c.want(next);
    });
  }
});

test("prepareServiceForUpdate carries over what the update left out", async (t) => {
  const old = makeService((s) => {
    s.spec.type = "NodePort";
    s.spec.clusterIP = "10.0.0.20";
    s.spec.clusterIPs = ["10.0.0.20"];
    s.spec.ports = [
      { name: "web", port: 8000, protocol: "TCP", nodePort: 30802 },
      { name: "tls", port: 8443, protocol: "TCP", nodePort: 30803 },
    ];
  });
  const cases: { name: string; edit: (s: Service) => void; want: (s: Service) => void }[] = [
    {
      name: "apply without clusterIP and nodePorts keeps them",
      edit: (s) => {
        delete s.spec.clusterIP;
        delete s.spec.clusterIPs;
        for (const p of s.spec.ports ?? []) delete p.nodePort;
      },
      want: (s) => {
        assert.equal(s.spec.clusterIP, "10.0.0.20");
        assert.deepEqual(s.spec.clusterIPs, ["10.0.0.20"]);
        assert.deepEqual(
          s.spec.ports?.map((p) => p.nodePort),
          [30802, 30803],
        );
      },
    },
    {
      name: "matched by name, not position",
      edit: (s) => {
        s.spec.ports = [
          { name: "tls", port: 8443, protocol: "TCP" },
          { name: "web", port: 8000, protocol: "TCP" },
        ];
      },
      want: (s) => assert.deepEqual(s.spec.ports?.map((p) => p.nodePort), [30803, 30802]),
    },
    {
      name: "a number already used by another port is not reused",
      edit: (s) => {
        s.spec.ports = [
          { name: "web", port: 8000, protocol: "TCP" },
          { name: "tls", port: 8443, protocol: "TCP", nodePort: 30802 },
        ];
      },
      want: (s) => assert.deepEqual(s.spec.ports?.map((p) => p.nodePort), [undefined, 30802]),
    },
    {
      name: "switching to ClusterIP does not patch node ports",
      edit: (s) => {
        s.spec.type = "ClusterIP";
        for (const p of s.spec.ports ?? []) delete p.nodePort;
      },
      want: (s) => assert.deepEqual(s.spec.ports?.map((p) => p.nodePort), [undefined, undefined]),
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const next = structuredClone(old);
      c.edit(next);
      prepareServiceForUpdate(next, old);
      c.want(next);
    });
  }
});
