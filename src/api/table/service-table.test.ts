import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { Service, TableCell } from "../types.js";
import { loadBalancerAddresses, serviceExternalIP, servicePorts, serviceTablePrinter } from "./service-table.js";
import { makeService, NOW, renderLikeKubectl, rowsOf } from "./table-fixtures.js";

const kubernetes = makeService("default", "kubernetes", (s) => {
  s.metadata.creationTimestamp = "2016-06-18T03:24:42Z";
  s.spec.clusterIP = "10.0.0.1";
  s.spec.clusterIPs = ["10.0.0.1"];
  s.spec.ports = [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }];
});

const nginx = makeService("default", "nginx-service", (s) => {
  s.spec.type = "NodePort";
  s.spec.clusterIP = "10.0.0.229";
  s.spec.clusterIPs = ["10.0.0.229"];
  s.spec.selector = { app: "nginx" };
  s.spec.ports = [{ port: 8000, nodePort: 30802, protocol: "TCP", targetPort: 80 }];
});

function lb(ingress: { ip?: string; hostname?: string }[], externalIPs?: string[]): Service {
  return makeService("default", "lb", (s) => {
    s.spec.type = "LoadBalancer";
    s.spec.ports = [{ port: 80, nodePort: 31000, protocol: "TCP" }];
    if (externalIPs) s.spec.externalIPs = externalIPs;
    s.status = { loadBalancer: { ingress } };
  });
}

describe("service printer", () => {
  it("has Kubernetes' columns", () => {
    assert.deepEqual(
      serviceTablePrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]),
      [
        ["Name", "string", "name", 0],
        ["Type", "string", "", 0],
        ["Cluster-IP", "string", "", 0],
        ["External-IP", "string", "", 0],
        ["Port(s)", "string", "", 0],
        ["Age", "string", "", 0],
        ["Selector", "string", "", 1],
      ],
    );
    assert.ok(Object.isFrozen(serviceTablePrinter.columns[0]));
  });

  it("prints the seed's services", () => {
    assert.deepEqual(rowsOf(serviceTablePrinter, [kubernetes, nginx]), [
      ["kubernetes", "ClusterIP", "10.0.0.1", "<none>", "443/TCP", "9m", "<none>"],
      ["nginx-service", "NodePort", "10.0.0.229", "<none>", "8000:30802/TCP", "4m", "app=nginx"],
    ]);
  });

  it("renders like kubectl get svc", () => {
    assert.deepEqual(renderLikeKubectl(serviceTablePrinter.columns, rowsOf(serviceTablePrinter, [kubernetes, nginx])), [
      "NAME            TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)          AGE",
      "kubernetes      ClusterIP   10.0.0.1     <none>        443/TCP          9m",
      "nginx-service   NodePort    10.0.0.229   <none>        8000:30802/TCP   4m",
    ]);
  });

  it("renders like kubectl get svc -o wide", () => {
    assert.deepEqual(
      renderLikeKubectl(serviceTablePrinter.columns, rowsOf(serviceTablePrinter, [kubernetes, nginx]), { wide: true }),
      [
        "NAME            TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)          AGE   SELECTOR",
        "kubernetes      ClusterIP   10.0.0.1     <none>        443/TCP          9m    <none>",
        "nginx-service   NodePort    10.0.0.229   <none>        8000:30802/TCP   4m    app=nginx",
      ],
    );
  });

  it("never mutates the object", () => {
    const before = JSON.stringify(nginx);
    serviceTablePrinter.cells(nginx, NOW);
    assert.equal(JSON.stringify(nginx), before);
  });
});

describe("service cells", () => {
  const cases: { name: string; svc: Service; want: Partial<Record<"type" | "clusterIP" | "externalIP" | "ports", TableCell>> }[] = [
    {
      name: "headless",
      svc: makeService("default", "h", (s) => {
        s.spec.clusterIP = "None";
        s.spec.clusterIPs = ["None"];
      }),
      want: { clusterIP: "None", externalIP: "<none>" },
    },
    {
      name: "legacy object with clusterIP only",
      svc: makeService("default", "old", (s) => {
        s.spec.clusterIP = "10.0.0.7";
        delete s.spec.clusterIPs;
      }),
      want: { clusterIP: "10.0.0.7" },
    },
    {
      name: "ExternalName",
      svc: makeService("default", "db", (s) => {
        s.spec = { type: "ExternalName", externalName: "db.example.com" };
      }),
      want: { type: "ExternalName", clusterIP: "<none>", externalIP: "db.example.com", ports: "<none>" },
    },
    {
      name: "ClusterIP with externalIPs",
      svc: makeService("default", "x", (s) => {
        s.spec.externalIPs = ["192.0.2.10", "192.0.2.11"];
      }),
      want: { externalIP: "192.0.2.10,192.0.2.11" },
    },
    {
      name: "NodePort with externalIPs",
      svc: makeService("default", "x", (s) => {
        s.spec.type = "NodePort";
        s.spec.externalIPs = ["192.0.2.10"];
      }),
      want: { externalIP: "192.0.2.10" },
    },
    { name: "LoadBalancer pending", svc: lb([]), want: { externalIP: "<pending>", ports: "80:31000/TCP" } },
    { name: "LoadBalancer one IP", svc: lb([{ ip: "172.17.8.200" }]), want: { externalIP: "172.17.8.200" } },
    {
      name: "LoadBalancer IPs sorted, de-duplicated, hostnames when no IP, never clipped by the server",
      svc: lb([{ ip: "172.17.8.201" }, { hostname: "lb.example.com" }, { ip: "172.17.8.200" }, { ip: "172.17.8.201" }]),
      want: { externalIP: "172.17.8.200,172.17.8.201,lb.example.com" },
    },
    {
      name: "LoadBalancer ingress then externalIPs",
      svc: lb([{ ip: "172.17.8.200" }], ["192.0.2.10"]),
      want: { externalIP: "172.17.8.200,192.0.2.10" },
    },
    { name: "LoadBalancer pending with externalIPs", svc: lb([], ["192.0.2.10"]), want: { externalIP: "192.0.2.10" } },
    {
      name: "unknown type",
      svc: makeService("default", "x", (s) => {
        delete s.spec.type;
      }),
      want: { type: "", externalIP: "<unknown>" },
    },
    {
      name: "several ports, mixed node ports and protocols",
      svc: makeService("default", "x", (s) => {
        s.spec.ports = [
          { port: 80, nodePort: 31000, protocol: "TCP" },
          { port: 443, nodePort: 31001, protocol: "TCP" },
          { port: 53, protocol: "UDP" },
        ];
      }),
      want: { ports: "80:31000/TCP,443:31001/TCP,53/UDP" },
    },
  ];
  const index = { type: 1, clusterIP: 2, externalIP: 3, ports: 4 } as const;
  for (const c of cases) {
    it(c.name, () => {
      const cells = serviceTablePrinter.cells(c.svc, NOW);
      assert.equal(cells.length, serviceTablePrinter.columns.length);
      for (const [k, v] of Object.entries(c.want)) assert.equal(cells[index[k as keyof typeof index]], v, k);
    });
  }
});

describe("LoadBalancer clipping (kubectl's non-wide rendering)", () => {
  const cases = [
    { name: "16 characters are kept", ingress: [{ ip: "172.17.8.200" }, { ip: "1.2" }], wide: false, want: "1.2,172.17.8.200" },
    { name: "17 characters are clipped", ingress: [{ ip: "172.17.8.200" }, { ip: "1.23" }], wide: false, want: "1.23,172.17.8..." },
    { name: "wide keeps everything", ingress: [{ ip: "172.17.8.200" }, { ip: "1.23" }], wide: true, want: "1.23,172.17.8.200" },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(loadBalancerAddresses(lb(c.ingress), { wide: c.wide }), c.want));
  }
  it("clipped addresses still lead externalIPs", () => {
    assert.equal(
      serviceExternalIP(lb([{ ip: "172.17.8.200" }, { ip: "1.23" }], ["192.0.2.1"]), { wide: false }),
      "1.23,172.17.8...,192.0.2.1",
    );
  });
  it("ports default the protocol to TCP", () => assert.equal(servicePorts([{ port: 80 }]), "80/TCP"));
});
