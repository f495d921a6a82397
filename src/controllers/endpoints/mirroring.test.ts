import assert from "node:assert/strict";
import { test } from "node:test";
import type { EndpointSlice, Endpoints, Service } from "../../api/types.js";
import { desiredMirroredSlices, type MirrorOptions } from "./mirroring.js";
import { applyChanges, frozen, makeService, stored, summarize, type ChangeSummary } from "./test-fixtures.js";

const selectorless = makeService("default", "external-db", (s) => {
  delete s.spec.selector;
  s.spec.ports = [{ name: "pg", port: 5432, protocol: "TCP" }];
});

function makeEndpoints(edit?: (e: Endpoints) => void): Endpoints {
  const ep: Endpoints = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { namespace: "default", name: "external-db", uid: "uid-ep-external-db", resourceVersion: "7", labels: { team: "data" } },
    subsets: [{ addresses: [{ ip: "192.168.1.10" }, { ip: "192.168.1.11", hostname: "db-1", nodeName: "core-v2-01" }], ports: [{ name: "pg", port: 5432, protocol: "TCP" }] }],
  };
  edit?.(ep);
  return frozen(ep);
}

function mirroredFor(service: Service, endpoints: Endpoints): EndpointSlice[] {
  return applyChanges([], desiredMirroredSlices(service, endpoints, []));
}

test("desiredMirroredSlices: a hand-written Endpoints becomes one slice", () => {
  const got = desiredMirroredSlices(selectorless, makeEndpoints((e) => (e.metadata.annotations = { note: "x", "kubectl.kubernetes.io/last-applied-configuration": "{}" })), []);
  assert.deepEqual(got, {
    toCreate: [
      {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
          generateName: "external-db-",
          namespace: "default",
          labels: { team: "data", "kubernetes.io/service-name": "external-db", "endpointslice.kubernetes.io/managed-by": "endpointslicemirroring-controller.k8s.io" },
          annotations: { note: "x" },
          ownerReferences: [{ apiVersion: "v1", kind: "Endpoints", name: "external-db", uid: "uid-ep-external-db", controller: true, blockOwnerDeletion: true }],
        },
        addressType: "IPv4",
        endpoints: [
          { addresses: ["192.168.1.10"], conditions: { ready: true } },
          { addresses: ["192.168.1.11"], conditions: { ready: true }, hostname: "db-1", nodeName: "core-v2-01" },
        ],
        ports: [{ name: "pg", port: 5432, protocol: "TCP" }],
      },
    ],
    toUpdate: [],
    toDelete: [],
    skippedInvalid: 0,
    skippedOverCapacity: 0,
  });
});

test("desiredMirroredSlices: changes", async (t) => {
  const base = makeEndpoints();
  const existing = mirroredFor(selectorless, base); // external-db-0
  const extra = stored({ ...existing[0] }, "external-db-extra");
  const notMine = stored({ ...existing[0], metadata: { ...existing[0].metadata, labels: { ...existing[0].metadata.labels, "endpointslice.kubernetes.io/managed-by": "someone-else" } } }, "theirs");
  const withSelector = makeService("default", "external-db", (s) => void (s.spec.selector = { app: "db" }));

  const cases: { name: string; service: Service | undefined; endpoints: Endpoints | undefined; existing: EndpointSlice[]; options?: MirrorOptions; want: ChangeSummary }[] = [
    { name: "steady state: nothing", service: selectorless, endpoints: base, existing, want: { create: [], update: {}, delete: [] } },
    {
      name: "an address added: the slice rewritten under its name",
      service: selectorless,
      endpoints: makeEndpoints((e) => void e.subsets?.[0].addresses?.push({ ip: "192.168.1.12" })),
      existing,
      want: { create: [], update: { "external-db-0": ["192.168.1.10", "192.168.1.11", "192.168.1.12"] }, delete: [] },
    },
    {
      name: "an address not ready: the slice rewritten",
      service: selectorless,
      endpoints: makeEndpoints((e) => (e.subsets = [{ addresses: [{ ip: "192.168.1.10" }], notReadyAddresses: [{ ip: "192.168.1.11", hostname: "db-1", nodeName: "core-v2-01" }], ports: e.subsets?.[0].ports }])),
      existing,
      want: { create: [], update: { "external-db-0": ["192.168.1.10", "192.168.1.11"] }, delete: [] },
    },
    {
      name: "labels changed: the slice rewritten",
      service: selectorless,
      endpoints: makeEndpoints((e) => (e.metadata.labels = { team: "infra" })),
      existing,
      want: { create: [], update: { "external-db-0": ["192.168.1.10", "192.168.1.11"] }, delete: [] },
    },
    {
      name: "only the trigger-time annotation changed: nothing",
      service: selectorless,
      endpoints: makeEndpoints((e) => (e.metadata.annotations = { "endpoints.kubernetes.io/last-change-trigger-time": "2024-05-01T10:00:00Z" })),
      existing,
      want: { create: [], update: {}, delete: [] },
    },
    { name: "duplicate slices for one subset: extras deleted", service: selectorless, endpoints: base, existing: [...existing, extra], want: { create: [], update: {}, delete: ["external-db-extra"] } },
    { name: "skip-mirror label: mirrored slices deleted", service: selectorless, endpoints: makeEndpoints((e) => (e.metadata.labels = { "endpointslice.kubernetes.io/skip-mirror": "true" })), existing, want: { create: [], update: {}, delete: ["external-db-0"] } },
    { name: "leader-election lock: not mirrored", service: selectorless, endpoints: makeEndpoints((e) => (e.metadata.annotations = { "control-plane.alpha.kubernetes.io/leader": "{}" })), existing, want: { create: [], update: {}, delete: ["external-db-0"] } },
    { name: "service gained a selector: mirrored slices deleted", service: withSelector, endpoints: base, existing, want: { create: [], update: {}, delete: ["external-db-0"] } },
    { name: "service gone: mirrored slices deleted", service: undefined, endpoints: base, existing, want: { create: [], update: {}, delete: ["external-db-0"] } },
    { name: "endpoints gone: mirrored slices deleted", service: selectorless, endpoints: undefined, existing, want: { create: [], update: {}, delete: ["external-db-0"] } },
    { name: "slices of other managers are left alone", service: selectorless, endpoints: undefined, existing: [notMine], want: { create: [], update: {}, delete: [] } },
    { name: "no addresses: slices deleted", service: selectorless, endpoints: makeEndpoints((e) => delete e.subsets), existing, want: { create: [], update: {}, delete: ["external-db-0"] } },
    {
      name: "ports changed: the old slice is recycled for the new port set",
      service: selectorless,
      endpoints: makeEndpoints((e) => void ((e.subsets ?? [])[0].ports = [{ name: "pg", port: 6432, protocol: "TCP" }])),
      existing,
      want: { create: [], update: { "external-db-0": ["192.168.1.10", "192.168.1.11"] }, delete: [] },
    },
    {
      name: "two subsets: two slices",
      service: selectorless,
      endpoints: makeEndpoints((e) => void e.subsets?.push({ addresses: [{ ip: "192.168.1.20" }], ports: [{ name: "replica", port: 5433, protocol: "TCP" }] })),
      existing: [],
      want: { create: [["192.168.1.10", "192.168.1.11"], ["192.168.1.20"]], update: {}, delete: [] },
    },
    {
      name: "IPv6 addresses go to an IPv6 slice",
      service: selectorless,
      endpoints: makeEndpoints((e) => void e.subsets?.[0].addresses?.push({ ip: "FD00:0:0::10" })),
      existing: [],
      want: { create: [["192.168.1.10", "192.168.1.11"], ["fd00::10"]], update: {}, delete: [] },
    },
    {
      name: "at most maxEndpointsPerSubset addresses, ready first",
      service: selectorless,
      endpoints: makeEndpoints((e) => (e.subsets = [{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], notReadyAddresses: [{ ip: "10.0.0.3" }], ports: [{ port: 80, protocol: "TCP" }] }])),
      existing: [],
      options: { maxEndpointsPerSubset: 2 },
      want: { create: [["10.0.0.1", "10.0.0.2"]], update: {}, delete: [] },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepEqual(summarize(desiredMirroredSlices(c.service, c.endpoints, c.existing, c.options)), c.want));
  }
});

test("desiredMirroredSlices: skipped addresses are counted", async (t) => {
  const cases: { name: string; endpoints: Endpoints; max?: number; invalid: number; over: number }[] = [
    { name: "invalid IPs", endpoints: makeEndpoints((e) => void e.subsets?.[0].addresses?.push({ ip: "not-an-ip" }, { ip: "example.com" })), invalid: 2, over: 0 },
    {
      name: "over capacity",
      endpoints: makeEndpoints((e) => (e.subsets = [{ addresses: Array.from({ length: 1003 }, (_, i) => ({ ip: `10.0.${i >> 8}.${i & 255}` })), ports: [{ port: 80, protocol: "TCP" }] }])),
      invalid: 0,
      over: 3,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = desiredMirroredSlices(selectorless, c.endpoints, []);
      assert.equal(got.skippedInvalid, c.invalid);
      assert.equal(got.skippedOverCapacity, c.over);
      if (c.over) assert.equal(got.toCreate[0].endpoints?.length, 1000);
    });
  }
});

test("desiredMirroredSlices: not-ready addresses and targets are mirrored", () => {
  const ep = makeEndpoints((e) => (e.subsets = [{ notReadyAddresses: [{ ip: "192.168.1.10", targetRef: { kind: "Pod", namespace: "default", name: "db-0", uid: "u0" } }], ports: [{ port: 5432 }] }]));
  const got = desiredMirroredSlices(selectorless, ep, []);
  assert.deepEqual(got.toCreate[0].endpoints, [{ addresses: ["192.168.1.10"], conditions: { ready: false }, targetRef: { kind: "Pod", namespace: "default", name: "db-0", uid: "u0" } }]);
  assert.deepEqual(got.toCreate[0].ports, [{ name: "", port: 5432, protocol: "TCP" }]);
});

test("desiredMirroredSlices: Endpoints being deleted get no new slices", () => {
  const got = desiredMirroredSlices(selectorless, makeEndpoints((e) => void (e.metadata.deletionTimestamp = "2024-05-01T11:00:00Z")), []);
  assert.deepEqual(summarize(got), { create: [], update: {}, delete: [] });
});
