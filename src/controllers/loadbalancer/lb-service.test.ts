import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Service } from "../../api/types.js";
import { backendKeyOf, isDefaultClassLoadBalancer, readLoadBalancerRequest, serviceFamilies, sharingClaimOf } from "./lb-service.js";
import { makeService } from "./test-fixtures.js";

describe("isDefaultClassLoadBalancer", () => {
  const cases: { name: string; edit: (s: Service) => void; want: boolean }[] = [
    { name: "a LoadBalancer without a class", edit: () => {}, want: true },
    { name: "a LoadBalancer of another class", edit: (s) => (s.spec.loadBalancerClass = "example.com/lb"), want: false },
    { name: "a NodePort service", edit: (s) => (s.spec.type = "NodePort"), want: false },
    { name: "a ClusterIP service", edit: (s) => (s.spec.type = "ClusterIP"), want: false },
  ];
  for (const c of cases) it(c.name, () => assert.equal(isDefaultClassLoadBalancer(makeService("default", "a", c.edit)), c.want));
});

describe("serviceFamilies", () => {
  const cases: { name: string; edit: (s: Service) => void; want: string[] }[] = [
    { name: "spec.ipFamilies", edit: (s) => (s.spec.ipFamilies = ["IPv6", "IPv4"]), want: ["IPv6", "IPv4"] },
    {
      name: "the cluster IPs when ipFamilies is empty",
      edit: (s) => {
        s.spec.ipFamilies = [];
        s.spec.clusterIPs = ["fd00::10"];
      },
      want: ["IPv6"],
    },
    { name: "IPv4 when nothing says", edit: (s) => delete s.spec.ipFamilies, want: ["IPv4"] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(serviceFamilies(makeService("default", "a", c.edit)), c.want));
});

describe("readLoadBalancerRequest", () => {
  const dual = (policy: "RequireDualStack" | "PreferDualStack") => (s: Service) => {
    s.spec.ipFamilies = ["IPv4", "IPv6"];
    s.spec.ipFamilyPolicy = policy;
  };
  const annotate = (a: Record<string, string>) => (s: Service) => (s.metadata.annotations = { ...s.metadata.annotations, ...a });
  const both =
    (...edits: ((s: Service) => void)[]) =>
    (s: Service) =>
      edits.forEach((e) => e(s));
  const cases: { name: string; edit: (s: Service) => void; requested?: string[]; pool?: string; error?: RegExp; secondaryOptional?: boolean }[] = [
    { name: "nothing requested", edit: () => {}, requested: [] },
    { name: "spec.loadBalancerIP", edit: (s) => (s.spec.loadBalancerIP = "172.17.8.210"), requested: ["172.17.8.210"] },
    { name: "the annotation", edit: annotate({ "metallb.io/loadBalancerIPs": " 172.17.8.210 " }), requested: ["172.17.8.210"] },
    { name: "the older annotation prefix", edit: annotate({ "metallb.universe.tf/loadBalancerIPs": "172.17.8.211" }), requested: ["172.17.8.211"] },
    {
      name: "the current prefix wins over the older one",
      edit: annotate({ "metallb.universe.tf/loadBalancerIPs": "172.17.8.211", "metallb.io/loadBalancerIPs": "172.17.8.212" }),
      requested: ["172.17.8.212"],
    },
    {
      name: "both spec.loadBalancerIP and the annotation",
      edit: both(annotate({ "metallb.io/loadBalancerIPs": "172.17.8.210" }), (s) => (s.spec.loadBalancerIP = "172.17.8.211")),
      error: /spec.loadBalancerIP and the metallb.io\/loadBalancerIPs annotation are both set/,
    },
    { name: "not an address", edit: (s) => (s.spec.loadBalancerIP = "172.17.8"), error: /"172.17.8", which is not an IP address/ },
    { name: "two of one family", edit: both(dual("RequireDualStack"), annotate({ "metallb.io/loadBalancerIPs": "172.17.8.1,172.17.8.2" })), error: /two IPv4 addresses/ },
    { name: "a family the service lacks", edit: (s) => (s.spec.loadBalancerIP = "fd00::5"), error: /\(IPv6\) but the service is IPv4 only/ },
    { name: "dual-stack with one family requested", edit: both(dual("RequireDualStack"), (s) => (s.spec.loadBalancerIP = "172.17.8.5")), error: /IPv6 is missing/ },
    {
      name: "PreferDualStack with one family requested",
      edit: both(dual("PreferDualStack"), (s) => (s.spec.loadBalancerIP = "172.17.8.5")),
      requested: ["172.17.8.5"],
      secondaryOptional: true,
    },
    {
      name: "dual-stack with both, IPv6 text made canonical",
      edit: both(dual("RequireDualStack"), annotate({ "metallb.io/loadBalancerIPs": "172.17.8.5, FD00:0::5" })),
      requested: ["172.17.8.5", "fd00::5"],
    },
    { name: "a pool", edit: annotate({ "metallb.universe.tf/address-pool": "gold" }), requested: [], pool: "gold" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = readLoadBalancerRequest(makeService("default", "a", c.edit));
      if (c.error) {
        assert.equal(r.ok, false);
        if (!r.ok) assert.match(r.message, c.error);
        return;
      }
      assert.ok(r.ok, r.ok ? "" : r.message);
      assert.deepEqual(r.request.requested, c.requested);
      assert.equal(r.request.pool, c.pool);
      if (c.secondaryOptional !== undefined) assert.equal(r.request.secondaryOptional, c.secondaryOptional);
    });
  }
});

describe("sharing claim", () => {
  it("reads the key, ports and backend", () => {
    const svc = makeService("default", "dns", (s) => {
      s.metadata.annotations = { "metallb.io/allow-shared-ip": "dns" };
      s.spec.ports = [{ port: 53, protocol: "UDP" }, { port: 53 }];
    });
    assert.deepEqual(sharingClaimOf(svc), { sharingKey: "dns", backendKey: "Cluster", ports: ["UDP/53", "TCP/53"] });
  });
  it("a Local service's backend key names its selector, in key order", () => {
    const a = makeService("default", "a", (s) => {
      s.spec.externalTrafficPolicy = "Local";
      s.spec.selector = { tier: "web", app: "x" };
    });
    const b = makeService("default", "b", (s) => {
      s.spec.externalTrafficPolicy = "Local";
      s.spec.selector = { app: "x", tier: "web" };
    });
    assert.equal(backendKeyOf(a), "Local:app=x,tier=web");
    assert.equal(backendKeyOf(a), backendKeyOf(b));
    assert.notEqual(backendKeyOf(a), backendKeyOf(makeService("default", "c")));
  });
});
