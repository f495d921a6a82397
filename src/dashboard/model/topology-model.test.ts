import assert from "node:assert/strict";
import { test } from "node:test";
import type { Endpoints, Node, Pod, Service } from "../../api/types.js";
import { ClusterState } from "./cluster-state.js";
import { filterServices } from "./service-filter.js";
import { endpointsByNode, serviceAddresses } from "./service-summary.js";
import { topology } from "./topology-model.js";

const node = (name: string, ip: string): Node =>
  Object.freeze({ apiVersion: "v1", kind: "Node", metadata: { name }, status: { addresses: [{ type: "InternalIP", address: ip }], conditions: [{ type: "Ready", status: "True" }] } }) as Node;

const pod = (name: string, nodeName: string | undefined, ip: string | undefined, ready: boolean): Pod =>
  Object.freeze({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { containers: [{ name: "nginx", image: "nginx" }], ...(nodeName ? { nodeName } : {}) },
    status: { ...(ip ? { podIP: ip } : {}), conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
  }) as Pod;

function makeService(name: string, edit: (s: Service) => void = () => {}, namespace = "default"): Service {
  const s: Service = { apiVersion: "v1", kind: "Service", metadata: { name, namespace }, spec: { clusterIP: "10.0.0.252", ports: [{ port: 8000, protocol: "TCP" }] } };
  edit(s);
  return Object.freeze(s);
}

const endpoints = (name: string, ready: [string, string, string][], notReady: [string, string, string][] = []): Endpoints =>
  Object.freeze({
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name, namespace: "default" },
    subsets: [
      {
        addresses: ready.map(([ip, p, n]) => ({ ip, nodeName: n, targetRef: { kind: "Pod", name: p, namespace: "default" } })),
        notReadyAddresses: notReady.map(([ip, p, n]) => ({ ip, nodeName: n, targetRef: { kind: "Pod", name: p, namespace: "default" } })),
        ports: [{ port: 80 }],
      },
    ],
  }) as Endpoints;

function seedState(): ClusterState {
  const s = new ClusterState();
  s.replace("nodes", [node("core-v2-01", "172.17.8.101"), node("core-v2-02", "172.17.8.102")]);
  s.replace("pods", [pod("nginx-a", "core-v2-01", "10.1.13.2", true), pod("nginx-b", "core-v2-02", "10.1.14.2", true), pod("nginx-c", "core-v2-01", "10.1.13.3", false), pod("nginx-d", undefined, undefined, false)]);
  s.replace("services", [makeService("nginx-service"), makeService("kubernetes", (x) => (x.spec.clusterIP = "10.0.0.1"))]);
  s.replace("endpoints", [endpoints("nginx-service", [["10.1.13.2", "nginx-a", "core-v2-01"], ["10.1.14.2", "nginx-b", "core-v2-02"]], [["10.1.13.3", "nginx-c", "core-v2-01"]])]);
  return s;
}

test("topology: nodes hold their pods, pods off any node get a box of their own, services point at their endpoints' pods", () => {
  const t = topology(seedState(), "");
  const byId = new Map(t.nodes.map((n) => [n.id, n]));
  const cases: [string, string, Partial<{ kind: string; parent: string; ready: boolean; label: string }>][] = [
    ["node box", "node:core-v2-01", { kind: "node", label: "core-v2-01 172.17.8.101" }],
    ["ready pod in its node", "pod:default/nginx-a", { kind: "pod", parent: "node:core-v2-01", ready: true, label: "nginx-a\n10.1.13.2 · ready" }],
    ["not ready pod", "pod:default/nginx-c", { parent: "node:core-v2-01", ready: false }],
    ["pod on no node", "pod:default/nginx-d", { parent: "unscheduled", label: "nginx-d\nno IP yet · not ready" }],
    ["service", "svc:default/nginx-service", { kind: "service", label: "nginx-service\n10.0.0.252:8000/TCP" }],
  ];
  for (const [name, id, want] of cases) {
    const n = byId.get(id);
    assert.ok(n, `${name}: ${id} drawn`);
    for (const [k, v] of Object.entries(want)) assert.equal((n as unknown as Record<string, unknown>)[k], v, `${name}: ${k}`);
  }
  assert.ok(byId.has("unscheduled"));
  assert.deepEqual(
    t.edges.map((e) => `${e.source}>${e.target}:${e.ready}`).sort(),
    ["svc:default/nginx-service>pod:default/nginx-a:true", "svc:default/nginx-service>pod:default/nginx-b:true", "svc:default/nginx-service>pod:default/nginx-c:false"],
  );
  // Services with endpoints come first.
  assert.deepEqual(t.matched.map((s) => s.metadata.name), ["nginx-service", "kubernetes"]);
});

test("topology at 1,000 services: at most maxServices drawn, counts say how many match and exist", () => {
  const s = seedState();
  const many = Array.from({ length: 1000 }, (_, i) => makeService(`bulk-${String(i).padStart(4, "0")}`, (x) => (x.spec.clusterIP = `10.0.${Math.floor(i / 250) + 1}.${i % 250}`), "bulk"));
  s.replace("services", [...s.services.values(), ...many]);
  const cases: [string, string, { shown: number; matched: number; first: string }][] = [
    ["no filter", "", { shown: 100, matched: 1002, first: "default/nginx-service" }],
    ["a prefix", "bulk-09", { shown: 100, matched: 100, first: "bulk/bulk-0900" }],
    ["one name", "bulk-0042", { shown: 1, matched: 1, first: "bulk/bulk-0042" }],
    ["by address", "10.0.0.252", { shown: 1, matched: 1, first: "default/nginx-service" }],
    ["two words, both must match", "bulk 0999", { shown: 1, matched: 1, first: "bulk/bulk-0999" }],
    ["nothing", "no-such", { shown: 0, matched: 0, first: "" }],
  ];
  for (const [name, q, want] of cases) {
    const t = topology(s, q);
    assert.equal(t.shownServices, want.shown, name);
    assert.equal(t.matchedServices, want.matched, name);
    assert.equal(t.totalServices, 1002, name);
    assert.equal(t.nodes.filter((n) => n.kind === "service").length, want.shown, name);
    const first = t.nodes.find((n) => n.kind === "service");
    assert.equal(first?.key ?? "", want.first, name);
  }
  const started = performance.now();
  for (let i = 0; i < 20; i++) topology(s, `bulk-0${i}`);
  assert.ok((performance.now() - started) / 20 < 20, "a filter pass over 1,000 services takes well under a frame");
});

test("state: watch events add, change and delete; bookmarks change nothing", () => {
  const s = seedState();
  const g = s.generation;
  assert.equal(s.apply("pods", { type: "ADDED", object: pod("nginx-e", "core-v2-02", "10.1.14.3", true) }), true);
  assert.equal(s.apply("pods", { type: "DELETED", object: pod("nginx-a", "core-v2-01", "10.1.13.2", true) }), true);
  assert.equal(s.apply("pods", { type: "BOOKMARK", object: { metadata: { resourceVersion: "9" } } }), false);
  assert.equal(s.generation, g + 2);
  assert.deepEqual([...s.pods.keys()].sort(), ["default/nginx-b", "default/nginx-c", "default/nginx-d", "default/nginx-e"]);
});

test("service summary: addresses and endpoints by node", () => {
  const lb = makeService("lb", (x) => {
    x.spec.type = "LoadBalancer";
    x.spec.ports = [{ port: 8000, protocol: "TCP", nodePort: 30802 }];
    x.status = { loadBalancer: { ingress: [{ ip: "172.17.8.201" }] } };
  });
  const cases: [string, Service, string[]][] = [
    ["ClusterIP", makeService("a"), ["10.0.0.252:8000/TCP"]],
    ["LoadBalancer", lb, ["10.0.0.252:8000/TCP", "NodePort 30802/TCP", "LoadBalancer 172.17.8.201:8000/TCP"]],
    ["headless", makeService("h", (x) => (x.spec.clusterIP = "None")), ["headless (no ClusterIP)"]],
  ];
  for (const [name, svc, want] of cases) assert.deepEqual(serviceAddresses(svc), want, name);
  const s = seedState();
  assert.deepEqual(endpointsByNode(s.endpoints.get("default/nginx-service"), s.pods), [
    ["core-v2-01", [{ ip: "10.1.13.2", pod: "nginx-a", ready: true }, { ip: "10.1.13.3", pod: "nginx-c", ready: false }]],
    ["core-v2-02", [{ ip: "10.1.14.2", pod: "nginx-b", ready: true }]],
  ]);
  assert.deepEqual(filterServices(s.services, s.endpoints, "kubern").map((x) => x.metadata.name), ["kubernetes"]);
});
