import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../api/json.js";
import type { EndpointSlice, Service, SliceEndpoint } from "../api/types.js";
import { ProxyChangeTracker, lastChangeTriggerTimeAnnotation } from "./change-tracker.js";

function makeService(namespace: string, name: string, edit: (s: Service) => void = () => {}): Service {
  const s: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace, name, resourceVersion: "1" },
    spec: { type: "ClusterIP", clusterIP: "10.0.0.10", ports: [{ name: "dns", port: 53, protocol: "UDP" }] },
  };
  edit(s);
  return deepFreeze(s);
}

function makeSlice(namespace: string, name: string, service: string, ips: string[], edit: (s: EndpointSlice) => void = () => {}): EndpointSlice {
  const s: EndpointSlice = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { namespace, name, resourceVersion: "1", labels: { "kubernetes.io/service-name": service } },
    addressType: "IPv4",
    endpoints: ips.map((ip): SliceEndpoint => ({ addresses: [ip] })),
    ports: [{ name: "dns", port: 53, protocol: "UDP" }],
  };
  edit(s);
  return deepFreeze(s);
}

const dnsKey = "ns/dns:dns/UDP";

/** A tracker on node-a that has applied service ns/dns and its slice dns-1 (endpoint 10.1.0.1). */
function trackerWithDns(): { t: ProxyChangeTracker; svc: Service; slice: EndpointSlice } {
  const t = new ProxyChangeTracker("node-a");
  const svc = makeService("ns", "dns");
  const slice = makeSlice("ns", "dns-1", "dns", ["10.1.0.1"]);
  t.onService(undefined, svc);
  t.onSlice(undefined, slice);
  t.apply();
  return { t, svc, slice };
}

function endpointsOf(t: ProxyChangeTracker, key: string): string[] {
  return (t.state.endpoints.get(key) ?? []).map((e) => e.endpoint);
}

test("a service and its slice become state on apply", () => {
  const t = new ProxyChangeTracker("node-a");
  assert.equal(t.onService(undefined, makeService("ns", "dns")), true);
  assert.equal(t.onSlice(undefined, makeSlice("ns", "dns-1", "dns", ["10.1.0.2", "10.1.0.1"])), true);
  assert.deepEqual(t.pending(), { services: 1, endpoints: 1 });
  assert.equal(t.state.services.size, 0, "nothing visible before apply");

  const u = t.apply();
  assert.deepEqual([...u.changedServices], ["ns/dns"]);
  assert.deepEqual([...u.state.services.keys()], [dnsKey]);
  assert.equal(u.state.services.get(dnsKey)?.clusterIP, "10.0.0.10");
  assert.deepEqual(endpointsOf(t, dnsKey), ["10.1.0.1:53", "10.1.0.2:53"]);
  assert.deepEqual(t.pending(), { services: 0, endpoints: 0 });
  assert.equal(u.conntrackCleanupNeeded, true, "a UDP port went from no endpoints to some");

  const again = t.apply();
  assert.equal(again.changedServices.size, 0);
  assert.equal(again.conntrackCleanupNeeded, false);
  assert.equal(again.state.services.size, 1);
});

test("slices that arrive before their service", () => {
  const t = new ProxyChangeTracker("node-a");
  assert.equal(t.onSlice(undefined, makeSlice("ns", "dns-1", "dns", ["10.1.0.1"])), true);
  let u = t.apply();
  assert.deepEqual(endpointsOf(t, dnsKey), ["10.1.0.1:53"]);
  assert.equal(u.state.services.size, 0);
  assert.equal(u.conntrackCleanupNeeded, false, "no service VIP yet, nothing to clean");

  assert.equal(t.onService(undefined, makeService("ns", "dns")), true);
  assert.deepEqual(t.pending(), { services: 1, endpoints: 0 });
  u = t.apply();
  assert.deepEqual([...u.changedServices], ["ns/dns"]);
  assert.equal(u.state.services.size, 1);
  assert.deepEqual(endpointsOf(t, dnsKey), ["10.1.0.1:53"]);
});

test("updates that change nothing the proxy programs are dropped", () => {
  const { t, svc, slice } = trackerWithDns();

  const serviceNoOps: Service[] = [
    makeService("ns", "dns", (s) => (s.metadata.resourceVersion = "2")),
    makeService("ns", "dns", (s) => (s.metadata.annotations = { note: "x" })),
    makeService("ns", "dns", (s) => (s.status = { conditions: [{ type: "Ready", status: "True" }] })),
    makeService("ns", "dns", (s) => (s.spec.selector = { app: "other" })),
  ];
  for (const cur of serviceNoOps) assert.equal(t.onService(svc, cur), false);
  const sliceNoOps: EndpointSlice[] = [
    makeSlice("ns", "dns-1", "dns", ["10.1.0.1"], (s) => (s.metadata.resourceVersion = "2")),
    makeSlice("ns", "dns-1", "dns", ["10.1.0.1"], (s) => (s.metadata.annotations = { [lastChangeTriggerTimeAnnotation]: "2026-01-01T00:00:00Z" })),
    makeSlice("ns", "dns-1", "dns", ["10.1.0.1"], (s) => (s.endpoints![0].targetRef = { kind: "Pod", name: "p" })),
  ];
  for (const cur of sliceNoOps) assert.equal(t.onSlice(slice, cur), false);
  assert.deepEqual(t.pending(), { services: 0, endpoints: 0 });
  const u = t.apply();
  assert.equal(u.changedServices.size, 0);
  assert.deepEqual(u.triggerTimes, []);
});

test("a change and its revert before apply leave nothing pending", () => {
  const { t, svc, slice } = trackerWithDns();

  const moved = makeService("ns", "dns", (s) => (s.spec.ports = [{ name: "dns", port: 5353, protocol: "UDP" }]));
  assert.equal(t.onService(svc, moved), true);
  assert.equal(t.onService(moved, svc), true);
  const grown = makeSlice("ns", "dns-1", "dns", ["10.1.0.1", "10.1.0.2"]);
  assert.equal(t.onSlice(slice, grown), true);
  assert.equal(t.onSlice(grown, slice), true);
  assert.deepEqual(t.pending(), { services: 0, endpoints: 0 });
  assert.equal(t.apply().changedServices.size, 0);
});

test("several slices per service are merged; deleting one keeps the rest", () => {
  const t = new ProxyChangeTracker("node-a");
  const a = makeSlice("ns", "dns-a", "dns", ["10.1.0.1", "10.1.0.2"]);
  const b = makeSlice("ns", "dns-b", "dns", ["10.1.0.3", "10.1.0.2"]);
  t.onService(undefined, makeService("ns", "dns"));
  t.onSlice(undefined, a);
  t.onSlice(undefined, b);
  t.apply();
  assert.deepEqual(endpointsOf(t, dnsKey), ["10.1.0.1:53", "10.1.0.2:53", "10.1.0.3:53"]);

  assert.equal(t.onSlice(a, undefined), true);
  const u = t.apply();
  assert.deepEqual(endpointsOf(t, dnsKey), ["10.1.0.2:53", "10.1.0.3:53"]);
  assert.deepEqual(u.staleUDPEndpoints.map((s) => [s.servicePortName.name, s.endpoint.endpoint]), [["dns", "10.1.0.1:53"]]);
  assert.equal(u.conntrackCleanupNeeded, true);

  assert.equal(t.onSlice(b, undefined), true);
  t.apply();
  assert.equal(t.state.endpoints.has(dnsKey), false);
  assert.equal(t.onSlice(b, undefined), false, "deleting twice is a no-op");
});

test("an endpoint that stops serving is stale for UDP; for TCP only half-open flows need a look", () => {
  for (const protocol of ["UDP", "TCP"] as const) {
    const t = new ProxyChangeTracker("node-a");
    const setProto = (s: Service) => (s.spec.ports = [{ name: "dns", port: 53, protocol }]);
    const sliceProto = (s: EndpointSlice) => (s.ports = [{ name: "dns", port: 53, protocol }]);
    t.onService(undefined, makeService("ns", "dns", setProto));
    const slice = makeSlice("ns", "dns-1", "dns", ["10.1.0.1", "10.1.0.2"], sliceProto);
    t.onSlice(undefined, slice);
    t.apply();
    const cur = makeSlice("ns", "dns-1", "dns", ["10.1.0.1", "10.1.0.2"], (s) => {
      sliceProto(s);
      s.endpoints![1].conditions = { ready: false, serving: false, terminating: true };
    });
    assert.equal(t.onSlice(slice, cur), true);
    const u = t.apply();
    assert.deepEqual(u.staleUDPEndpoints.map((s) => s.endpoint.endpoint), protocol === "UDP" ? ["10.1.0.2:53"] : [], protocol);
    assert.equal(u.conntrackCleanupNeeded, protocol === "UDP", protocol);
    assert.equal(u.halfOpenTcpCleanupNeeded, protocol === "TCP", protocol);
    // An endpoint that starts serving again takes nothing away.
    assert.equal(t.onSlice(cur, slice), true);
    const back = t.apply();
    assert.equal(back.halfOpenTcpCleanupNeeded, false, `${protocol}: an endpoint added back`);
  }
});

test("a deleted service leaves the state and reports its UDP ports", () => {
  const t = new ProxyChangeTracker("node-a");
  const svc = makeService("ns", "dns", (s) => {
    s.spec.ports = [
      { name: "dns", port: 53, protocol: "UDP" },
      { name: "dns-tcp", port: 53, protocol: "TCP" },
    ];
  });
  t.onService(undefined, svc);
  t.onSlice(undefined, makeSlice("ns", "dns-1", "dns", ["10.1.0.1"]));
  t.apply();
  assert.equal(t.state.services.size, 2);

  assert.equal(t.onService(svc, undefined), true);
  const u = t.apply();
  assert.equal(u.state.services.size, 0);
  assert.deepEqual(u.deletedUDPServicePorts.map((p) => p.name.port), ["dns"]);
  assert.deepEqual(u.staleUDPEndpoints, [], "the deleted port covers its endpoints");
  assert.equal(u.conntrackCleanupNeeded, true);
  assert.deepEqual(endpointsOf(t, dnsKey), ["10.1.0.1:53"], "slices outlive the service until deleted");
  assert.equal(t.onService(svc, undefined), false, "deleting twice is a no-op");
});

test("a service that becomes headless is removed", () => {
  const t = new ProxyChangeTracker("node-a");
  const svc = makeService("ns", "dns");
  t.onService(undefined, svc);
  t.apply();
  assert.equal(t.onService(svc, makeService("ns", "dns", (s) => (s.metadata.labels = { "service.kubernetes.io/headless": "" }))), true);
  assert.equal(t.apply().state.services.size, 0);
});

test("renamed ports: old key gone, new key present", () => {
  const { t, svc, slice } = trackerWithDns();

  const rename = (s: { ports?: { name?: string }[] | null }) => (s.ports![0].name = "domain");
  t.onService(svc, makeService("ns", "dns", (s) => rename(s.spec)));
  t.onSlice(slice, makeSlice("ns", "dns-1", "dns", ["10.1.0.1"], rename));
  const u = t.apply();
  assert.deepEqual([...u.state.services.keys()], ["ns/dns:domain/UDP"]);
  assert.deepEqual([...u.state.endpoints.keys()], ["ns/dns:domain/UDP"]);
  assert.deepEqual(u.deletedUDPServicePorts.map((p) => p.name.port), ["dns"]);
});

test("only changed services are recomputed and reported", () => {
  const t = new ProxyChangeTracker("node-a");
  for (const name of ["a", "b", "c"]) {
    t.onService(undefined, makeService("ns", name));
    t.onSlice(undefined, makeSlice("ns", `${name}-1`, name, ["10.1.0.1"]));
  }
  assert.equal(t.apply().changedServices.size, 3);
  const before = t.state.endpoints.get("ns/a:dns/UDP");
  t.onSlice(makeSlice("ns", "b-1", "b", ["10.1.0.1"]), makeSlice("ns", "b-1", "b", ["10.1.0.9"]));
  const u = t.apply();
  assert.deepEqual([...u.changedServices], ["ns/b"]);
  assert.equal(t.state.endpoints.get("ns/a:dns/UDP"), before, "untouched service keeps the same list object");
  assert.deepEqual(endpointsOf(t, "ns/b:dns/UDP"), ["10.1.0.9:53"]);
});

test("a slice relabelled to another service moves", () => {
  const t = new ProxyChangeTracker("node-a");
  const slice = makeSlice("ns", "s-1", "a", ["10.1.0.1"]);
  t.onSlice(undefined, slice);
  t.apply();
  assert.equal(t.onSlice(slice, makeSlice("ns", "s-1", "b", ["10.1.0.1"])), true);
  const u = t.apply();
  assert.deepEqual([...u.changedServices].sort(), ["ns/a", "ns/b"]);
  assert.deepEqual([...t.state.endpoints.keys()], ["ns/b:dns/UDP"]);
});

test("slices without the service-name label are ignored", () => {
  const t = new ProxyChangeTracker("node-a");
  assert.equal(t.onSlice(undefined, makeSlice("ns", "x", "a", ["10.1.0.1"], (s) => (s.metadata.labels = {}))), false);
  assert.deepEqual(t.pending(), { services: 0, endpoints: 0 });
});

test("isLocal uses the node name given to the tracker", () => {
  const t = new ProxyChangeTracker("node-a");
  t.onSlice(
    undefined,
    makeSlice("ns", "s-1", "dns", ["10.1.0.1", "10.1.0.2"], (s) => {
      s.endpoints![0].nodeName = "node-a";
      s.endpoints![1].nodeName = "node-b";
    }),
  );
  t.apply();
  assert.deepEqual(t.state.endpoints.get(dnsKey)?.map((e) => e.isLocal), [true, false]);
});

test("trigger times: parsed from changed slices, dropped on deletion and before start", () => {
  const started = new Date("2026-01-01T00:00:00Z");
  const t = new ProxyChangeTracker("node-a", { startedAt: started });
  const at = (time: string) => (s: EndpointSlice) => (s.metadata.annotations = { [lastChangeTriggerTimeAnnotation]: time });

  t.onSlice(undefined, makeSlice("ns", "a-1", "a", ["10.1.0.1"], at("2025-12-31T23:00:00Z")));
  t.onSlice(undefined, makeSlice("ns", "b-1", "b", ["10.1.0.1"], at("2026-01-01T00:00:05Z")));
  t.onSlice(undefined, makeSlice("ns", "c-1", "c", ["10.1.0.1"], at("not a time")));
  assert.deepEqual(t.apply().triggerTimes, [new Date("2026-01-01T00:00:05Z")]);

  const b1 = makeSlice("ns", "b-1", "b", ["10.1.0.1"], at("2026-01-01T00:00:05Z"));
  const b2 = makeSlice("ns", "b-1", "b", ["10.1.0.2"], at("2026-01-01T00:01:00Z"));
  const b3 = makeSlice("ns", "b-1", "b", ["10.1.0.3"], at("2026-01-01T00:02:00Z"));
  t.onSlice(b1, b2);
  t.onSlice(b2, b3);
  assert.deepEqual(t.apply().triggerTimes, [new Date("2026-01-01T00:01:00Z"), new Date("2026-01-01T00:02:00Z")]);

  const b4 = makeSlice("ns", "b-1", "b", ["10.1.0.4"], at("2026-01-01T00:03:00Z"));
  t.onSlice(b3, b4);
  t.onSlice(b4, undefined);
  const u = t.apply();
  assert.deepEqual(u.triggerTimes, []);
  assert.deepEqual([...u.changedServices], ["ns/b"]);
});
