import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { deepCopy } from "../../api/json.js";
import type { IPAddressPool } from "../../api/metallb-types.js";
import { CONDITION_ADDRESS_ASSIGNED, METALLB_NAMESPACE } from "../../api/metallb-types.js";
import { findResource } from "../../api/resources.js";
import type { EndpointSlice, Event, Namespace, Node, Service } from "../../api/types.js";
import { testToken } from "../../apiserver/test-api.js";
import type { KubeClient } from "../../client/index.js";
import { InProcessTransport, retryOnConflict } from "../../client/index.js";
import { controllerNames } from "../all-controllers.js";
import { resource } from "../controller-context.js";
import { isEnabled, parseControllerSelection, runControllerManager } from "../controller-manager.js";
import type { TestCluster } from "../test-cluster.js";
import { startTestCluster } from "../test-cluster.js";
import { SERVICE_LB_CONTROLLER, serviceLBController } from "./service-lb-controller.js";

const poolResource = findResource("metallb.io", "v1beta1", "ipaddresspools");

interface Clients {
  services: KubeClient<Service>;
  pools: KubeClient<IPAddressPool>;
  nodes: KubeClient<Node>;
  events: KubeClient<Event>;
  slices: KubeClient<EndpointSlice>;
  namespaces: KubeClient<Namespace>;
}

function clientsOf(cluster: TestCluster): Clients {
  return {
    services: cluster.client<Service>(resource("", "v1", "services")),
    pools: cluster.client<IPAddressPool>(poolResource ?? resource("", "v1", "configmaps")),
    nodes: cluster.client<Node>(resource("", "v1", "nodes")),
    events: cluster.client<Event>(resource("", "v1", "events")),
    slices: cluster.client<EndpointSlice>(resource("discovery.k8s.io", "v1", "endpointslices")),
    namespaces: cluster.client<Namespace>(resource("", "v1", "namespaces")),
  };
}

async function createPool(c: Clients, name: string, addresses: string[], edit?: (p: IPAddressPool) => void): Promise<IPAddressPool> {
  await c.namespaces.create({ metadata: { name: METALLB_NAMESPACE } }).catch(() => undefined);
  const pool: IPAddressPool = { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name, namespace: METALLB_NAMESPACE }, spec: { addresses } };
  edit?.(pool);
  return c.pools.create(pool);
}

function createLB(c: Clients, name: string, edit?: (s: Service) => void): Promise<Service> {
  const svc: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace: "default", name },
    spec: { type: "LoadBalancer", selector: { app: name }, ports: [{ port: 8000, targetPort: 80, protocol: "TCP" }] },
  };
  edit?.(svc);
  return c.services.create(svc);
}

async function createNode(c: Clients, name: string, ip: string, ready = true): Promise<Node> {
  return c.nodes.create({
    apiVersion: "v1",
    kind: "Node",
    metadata: { name },
    status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }], addresses: [{ type: "InternalIP", address: ip }] },
  });
}

function setNodeReady(c: Clients, name: string, ready: boolean): Promise<Node> {
  return retryOnConflict(async () => {
    const n = deepCopy(await c.nodes.get(undefined, name));
    n.status = { ...n.status, conditions: [{ type: "Ready", status: ready ? "True" : "False" }] };
    return c.nodes.updateStatus(n);
  });
}

const ingressOf = (s: Service): string[] => (s.status?.loadBalancer?.ingress ?? []).map((i) => `${i.ip}${i.ipMode === "VIP" ? "" : `/${i.ipMode}`}`);
const conditionOf = (s: Service) => s.status?.conditions?.find((x) => x.type === CONDITION_ADDRESS_ASSIGNED);

/** Waits until the service's ingress is exactly `ips` (ipMode VIP), and returns it. */
function waitIngress(cluster: TestCluster, c: Clients, name: string, ips: string[]): Promise<Service> {
  return cluster.waitFor(`${name} at ${ips.join(",") || "no address"}`, async () => {
    const s = await c.services.get("default", name);
    return JSON.stringify(ingressOf(s)) === JSON.stringify(ips) && s;
  });
}

function waitCondition(cluster: TestCluster, c: Clients, name: string, reason: string): Promise<Service> {
  return cluster.waitFor(`${name} with reason ${reason}`, async () => {
    const s = await c.services.get("default", name);
    return conditionOf(s)?.reason === reason && s;
  });
}

async function eventsOf(c: Clients, name: string): Promise<string[]> {
  const list = await c.events.list("default", { fieldSelector: `involvedObject.name=${name}` });
  return list.items.filter((e) => e.source?.component === SERVICE_LB_CONTROLLER).map((e) => `${e.type} ${e.reason} ${e.message}`);
}

function waitEvent(cluster: TestCluster, c: Clients, name: string, pattern: RegExp): Promise<string> {
  return cluster.waitFor(`an event ${pattern} on ${name}`, async () => (await eventsOf(c, name)).find((e) => pattern.test(e)));
}

describe("service-lb-controller", { skip: poolResource ? false : "metallb.io IPAddressPools are not served yet" }, () => {
  describe("with pools", () => {
    let cluster: TestCluster;
    let c: Clients;
    before(async () => {
      cluster = await startTestCluster({ controllers: [serviceLBController] });
      c = clientsOf(cluster);
    });
    after(() => cluster.stop());

    it("assigns the lowest address, with condition, annotation, event and pool status", async () => {
      await createPool(c, "default", ["172.17.8.201-172.17.8.203"]);
      await createLB(c, "web");
      const svc = await waitIngress(cluster, c, "web", ["172.17.8.201"]);
      assert.deepEqual(svc.status?.loadBalancer?.ingress, [{ ip: "172.17.8.201", ipMode: "VIP" }]);
      const cond = conditionOf(svc);
      assert.equal(cond?.status, "True");
      assert.equal(cond?.reason, "Assigned");
      assert.equal(svc.metadata.annotations?.["metallb.io/ip-allocated-from-pool"], "default");
      await waitEvent(cluster, c, "web", /^Normal IPAllocated Assigned IP \["172.17.8.201"\]$/);
      await cluster.waitFor("pool status", async () => {
        const p = await c.pools.get(METALLB_NAMESPACE, "default");
        return p.status?.assignedIPv4 === 1 && p.status.availableIPv4 === 2 && p.status.availableIPv6 === 0;
      });
    });

    it("lets services with one sharing key and distinct ports share an address", async () => {
      const share = (proto: "TCP" | "UDP") => (s: Service) => {
        s.metadata.annotations = { "metallb.io/allow-shared-ip": "dns" };
        s.spec.ports = [{ port: 53, protocol: proto }];
      };
      await createLB(c, "dns-tcp", share("TCP"));
      await createLB(c, "dns-udp", share("UDP"));
      await waitIngress(cluster, c, "dns-tcp", ["172.17.8.202"]);
      await waitIngress(cluster, c, "dns-udp", ["172.17.8.202"]);
    });

    it("stays pending when the pool is exhausted, and gets the address a deleted service frees", async () => {
      await createLB(c, "third");
      await waitIngress(cluster, c, "third", ["172.17.8.203"]);
      await createLB(c, "fourth");
      const pending = await waitCondition(cluster, c, "fourth", "PoolExhausted");
      assert.equal(conditionOf(pending)?.status, "False");
      assert.match(conditionOf(pending)?.message ?? "", /no free address: pool "default" is exhausted; add addresses/);
      assert.deepEqual(ingressOf(pending), []);
      await waitEvent(cluster, c, "fourth", /^Warning AllocationFailed Failed to allocate IP for "default\/fourth": no free address: pool "default" is exhausted/);
      await c.services.delete("default", "third");
      await waitIngress(cluster, c, "fourth", ["172.17.8.203"]);
      assert.equal(conditionOf(await c.services.get("default", "fourth"))?.reason, "Assigned");
    });

    it("releases on a type change: status, condition and annotation cleared, the address reused", async () => {
      await retryOnConflict(async () => {
        const s = deepCopy(await c.services.get("default", "fourth"));
        s.spec.type = "ClusterIP";
        for (const p of s.spec.ports ?? []) delete p.nodePort;
        return c.services.update(s);
      });
      const released = await cluster.waitFor("fourth released", async () => {
        const s = await c.services.get("default", "fourth");
        return ingressOf(s).length === 0 && !conditionOf(s) && s;
      });
      assert.equal(released.metadata.annotations?.["metallb.io/ip-allocated-from-pool"], undefined);
      await createLB(c, "fifth");
      await waitIngress(cluster, c, "fifth", ["172.17.8.203"]);
    });

    it("a requested address outside every pool is pending until a pool holds it", async () => {
      await createLB(c, "fixed", (s) => (s.spec.loadBalancerIP = "172.17.8.230"));
      const pending = await waitCondition(cluster, c, "fixed", "AddressNotInPool");
      assert.match(conditionOf(pending)?.message ?? "", /172.17.8.230 \(spec.loadBalancerIP\) is not in any IPAddressPool/);
      await createPool(c, "manual", ["172.17.8.230/32"], (p) => (p.spec.autoAssign = false));
      await waitIngress(cluster, c, "fixed", ["172.17.8.230"]);
    });

    it("a requested address that another service holds is pending AddressInUse", async () => {
      await createLB(c, "thief", (s) => (s.spec.loadBalancerIP = "172.17.8.201"));
      const pending = await waitCondition(cluster, c, "thief", "AddressInUse");
      assert.match(conditionOf(pending)?.message ?? "", /held by default\/web/);
    });

    it("never writes a service of another loadBalancerClass", async () => {
      const other = await createLB(c, "other-class", (s) => (s.spec.loadBalancerClass = "example.com/lb"));
      await createLB(c, "after-other");
      await waitCondition(cluster, c, "after-other", "PoolExhausted");
      const again = await c.services.get("default", "other-class");
      assert.equal(again.metadata.resourceVersion, other.metadata.resourceVersion);
      assert.deepEqual(await eventsOf(c, "other-class"), []);
    });

    it("moves a service whose address leaves its pool", async () => {
      // The pending services would race web for the freed addresses.
      await c.services.delete("default", "after-other");
      await c.services.delete("default", "thief");
      await retryOnConflict(async () => {
        const p = deepCopy(await c.pools.get(METALLB_NAMESPACE, "default"));
        p.spec.addresses = ["172.17.8.202-172.17.8.210"];
        return c.pools.update(p);
      });
      // web held .201: it moves to a free address of the new range (.204, unless the controller
      // saw the edit before the deletions); the sharers and fifth keep theirs.
      const moved = await cluster.waitFor("web moved", async () => {
        const [ip] = ingressOf(await c.services.get("default", "web"));
        return ip !== undefined && ip !== "172.17.8.201" && ip;
      });
      assert.match(moved, /^172\.17\.8\.(20[4-9]|210)$/);
      await waitEvent(cluster, c, "web", /^Normal ClearAssignment Released IP \["172.17.8.201"\] of "default\/web": 172.17.8.201 is no longer in an IPAddressPool/);
      assert.deepEqual(ingressOf(await c.services.get("default", "dns-tcp")), ["172.17.8.202"]);
      assert.deepEqual(ingressOf(await c.services.get("default", "fifth")), ["172.17.8.203"]);
    });
  });

  describe("node-IP mode", () => {
    let cluster: TestCluster;
    let c: Clients;
    before(async () => {
      cluster = await startTestCluster({ controllers: [serviceLBController] });
      c = clientsOf(cluster);
    });
    after(() => cluster.stop());

    it("uses the Ready nodes' addresses while no pool matches, and follows readiness", async () => {
      await createNode(c, "core-v2-01", "172.17.8.101");
      await createNode(c, "core-v2-02", "172.17.8.102");
      await createLB(c, "web");
      const svc = await waitIngress(cluster, c, "web", ["172.17.8.101", "172.17.8.102"]);
      assert.equal(conditionOf(svc)?.reason, "Assigned");
      assert.equal(svc.metadata.annotations?.["metallb.io/ip-allocated-from-pool"], undefined);
      await waitEvent(cluster, c, "web", /^Normal UpdatedIngressIP LoadBalancer Ingress IP addresses updated: 172.17.8.101, 172.17.8.102$/);

      await setNodeReady(c, "core-v2-02", false);
      await waitIngress(cluster, c, "web", ["172.17.8.101"]);
      await setNodeReady(c, "core-v2-01", false);
      const none = await waitCondition(cluster, c, "web", "NoEligibleNode");
      assert.deepEqual(ingressOf(none), []);
      await setNodeReady(c, "core-v2-02", true);
      await waitIngress(cluster, c, "web", ["172.17.8.102"]);
      await setNodeReady(c, "core-v2-01", true);
      await waitIngress(cluster, c, "web", ["172.17.8.101", "172.17.8.102"]);
    });

    it("with externalTrafficPolicy Local, only nodes with a ready endpoint", async () => {
      await createLB(c, "local", (s) => {
        s.spec.externalTrafficPolicy = "Local";
        // Named because the API server refuses a Local LoadBalancer without one (it validates before allocating).
        s.spec.healthCheckNodePort = 32100;
      });
      await waitCondition(cluster, c, "local", "NoEligibleNode");
      const slice: EndpointSlice = {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: { namespace: "default", name: "local-abc", labels: { "kubernetes.io/service-name": "local" } },
        addressType: "IPv4",
        endpoints: [{ addresses: ["10.1.0.5"], nodeName: "core-v2-02", conditions: { ready: true } }],
        ports: [{ port: 80, protocol: "TCP" }],
      };
      const created = await c.slices.create(slice);
      await waitIngress(cluster, c, "local", ["172.17.8.102"]);
      await c.slices.update({ ...deepCopy(created), endpoints: [{ addresses: ["10.1.0.5"], nodeName: "core-v2-02", conditions: { ready: false } }] });
      await waitCondition(cluster, c, "local", "NoEligibleNode");
    });

    it("moves to a pool address once a pool is added", async () => {
      await createPool(c, "default", ["172.17.8.201-172.17.8.210"]);
      const both = await cluster.waitFor("web and local on pool addresses", async () => {
        const ips = [...ingressOf(await c.services.get("default", "web")), ...ingressOf(await c.services.get("default", "local"))];
        return ips.length === 2 && ips.sort();
      });
      assert.deepEqual(both, ["172.17.8.201", "172.17.8.202"]);
    });
  });

  it("keeps every address where it is across a restart", async () => {
    const cluster = await startTestCluster({ controllers: [] });
    const c = clientsOf(cluster);
    const transport = new InProcessTransport(cluster.api.api, { token: testToken, userAgent: "svcnet-test" });
    const start = () => {
      const stop = new AbortController();
      const done = runControllerManager({ transport, controllers: [serviceLBController], signal: stop.signal });
      return async () => {
        stop.abort();
        await done;
      };
    };
    try {
      await createPool(c, "default", ["172.17.8.201-172.17.8.210"]);
      let stop = start();
      await createLB(c, "a");
      await waitIngress(cluster, c, "a", ["172.17.8.201"]);
      await createLB(c, "b");
      await waitIngress(cluster, c, "b", ["172.17.8.202"]);
      await stop();

      await c.services.delete("default", "a");
      await createLB(c, "c");
      stop = start();
      // c takes the lowest free address; b is not moved down to it.
      await waitIngress(cluster, c, "c", ["172.17.8.201"]);
      assert.deepEqual(ingressOf(await c.services.get("default", "b")), ["172.17.8.202"]);
      await createLB(c, "d");
      await waitIngress(cluster, c, "d", ["172.17.8.203"]);
      await stop();
    } finally {
      await cluster.stop();
    }
  });
});

describe("service-lb-controller's name", () => {
  it("is known to --controllers and can be turned off", () => {
    assert.ok(controllerNames().includes("service-lb-controller"));
    const selection = parseControllerSelection("*,-service-lb-controller", controllerNames());
    assert.equal(isEnabled("service-lb-controller", selection), false);
    assert.equal(isEnabled("service-lb-controller", ["*"]), true);
  });
});
