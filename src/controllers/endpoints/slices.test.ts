import assert from "node:assert/strict";
import { test } from "node:test";
import type { EndpointSlice, Pod, Service } from "../../api/types.js";
import { reconcileSlices, slicesEqual, type ReconcileSlicesOptions } from "./slices.js";
import { applyChanges, makeService, notReady, readyPod, seedPods, stored, summarize, withIPs, type ChangeSummary } from "./test-fixtures.js";

const svc = makeService("default", "nginx-service");

/** The slices the reconciler would have stored for these pods (names nginx-service-0, -1, …). */
function storedFor(service: Service, pods: Pod[], options: ReconcileSlicesOptions = {}): EndpointSlice[] {
  return applyChanges([], reconcileSlices(service, pods, [], options));
}

function pods(n: number, edit?: (p: Pod, i: number) => void): Pod[] {
  return Array.from({ length: n }, (_, i) => readyPod("default", `p${i}`, `10.1.${Math.floor(i / 200)}.${(i % 200) + 1}`, edit && ((p) => edit(p, i))));
}

test("reconcileSlices: the seed's nginx-service gets one slice with the three pods", () => {
  const got = reconcileSlices(svc, seedPods(), [], { triggerTime: "2024-05-01T10:00:05Z" });
  const ep = (ip: string, name: string) => ({
    addresses: [ip],
    conditions: { ready: true, serving: true, terminating: false },
    nodeName: "core-v2-01",
    targetRef: { kind: "Pod", namespace: "default", name, uid: `uid-${name}` },
  });
  assert.deepEqual(got, {
    toCreate: [
      {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
          generateName: "nginx-service-",
          namespace: "default",
          labels: { name: "nginx-service", "kubernetes.io/service-name": "nginx-service", "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" },
          ownerReferences: [{ apiVersion: "v1", kind: "Service", name: "nginx-service", uid: "uid-svc-nginx-service", controller: true, blockOwnerDeletion: true }],
          annotations: { "endpoints.kubernetes.io/last-change-trigger-time": "2024-05-01T10:00:05Z" },
        },
        addressType: "IPv4",
        endpoints: [ep("10.1.13.2", "nginx-controller-6bovu"), ep("10.1.13.3", "nginx-controller-7kw2r"), ep("10.1.13.4", "nginx-controller-jnq5p")],
        ports: [{ name: "", port: 80, protocol: "TCP" }],
      },
    ],
    toUpdate: [],
    toDelete: [],
    podsOnUnknownNodes: [],
  });
});

test("reconcileSlices: a service with no pods gets exactly one empty slice", () => {
  const got = reconcileSlices(svc, [], []);
  assert.equal(got.toCreate.length, 1);
  assert.equal(got.toCreate[0].endpoints, null);
  assert.equal(got.toCreate[0].ports, null);
  assert.equal(got.toCreate[0].metadata.labels?.["kubernetes.io/service-name"], "nginx-service");
});

test("reconcileSlices: changes", async (t) => {
  const three = seedPods();
  const seeded = storedFor(svc, three); // nginx-service-0 with .2 .3 .4
  const placeholder = storedFor(svc, []); // nginx-service-0, empty
  const full = storedFor(svc, pods(100)); // one full slice
  const foreignOwner = seeded.map((s) => stored({ ...s, metadata: { ...s.metadata, ownerReferences: [{ apiVersion: "v1", kind: "Service", name: "nginx-service", uid: "old-uid", controller: true }] } }, s.metadata.name ?? ""));
  const otherManager = seeded.map((s) => stored({ ...s, metadata: { ...s.metadata, labels: { ...s.metadata.labels, "endpointslice.kubernetes.io/managed-by": "someone-else" } } }, "theirs"));
  const otherService = seeded.map((s) => stored({ ...s, metadata: { ...s.metadata, labels: { ...s.metadata.labels, "kubernetes.io/service-name": "db" } } }, "db-0"));
  const beingDeleted = seeded.map((s) => stored({ ...s, metadata: { ...s.metadata, deletionTimestamp: "2024-05-01T11:00:00Z" } }, s.metadata.name ?? ""));
  const ipv6Leftover = seeded.map((s) => stored({ ...s, addressType: "IPv6" }, "nginx-service-v6"));
  // Two slices 90 + 50 endpoints (max 100), to see where newcomers go.
  const ninety = pods(90);
  const fifty = pods(50, (p, i) => {
    p.metadata.name = `q${i}`;
    p.metadata.uid = `uid-q${i}`;
    withIPs(p, `10.2.0.${i + 1}`);
  });
  const twoSlices = [...storedFor(svc, ninety), ...applyChanges([], reconcileSlices(svc, fifty, []), { next: 1 })];

  const cases: { name: string; service?: Service; pods: Pod[]; existing: EndpointSlice[]; options?: ReconcileSlicesOptions; want: ChangeSummary }[] = [
    { name: "steady state: nothing to write", pods: three, existing: seeded, want: { create: [], update: {}, delete: [] } },
    { name: "placeholder kept while there are still no pods", pods: [], existing: placeholder, want: { create: [], update: {}, delete: [] } },
    {
      name: "pods appear: the placeholder is rewritten with them",
      pods: three,
      existing: placeholder,
      want: { create: [], update: { "nginx-service-0": ["10.1.13.2", "10.1.13.3", "10.1.13.4"] }, delete: [] },
    },
    { name: "all pods gone: the slice becomes the placeholder", pods: [], existing: seeded, want: { create: [], update: { "nginx-service-0": [] }, delete: [] } },
    { name: "a pod removed: its slice updated", pods: three.slice(1), existing: seeded, want: { create: [], update: { "nginx-service-0": ["10.1.13.3", "10.1.13.4"] }, delete: [] } },
    {
      name: "a pod replaced: the newcomer takes the free place in the same slice",
      pods: [...three.slice(1), readyPod("default", "new", "10.1.13.9")],
      existing: seeded,
      want: { create: [], update: { "nginx-service-0": ["10.1.13.3", "10.1.13.4", "10.1.13.9"] }, delete: [] },
    },
    {
      name: "a pod became not ready: updated in place",
      pods: [three[0], readyPod("default", "nginx-controller-7kw2r", "10.1.13.3", (p) => notReady(p)), three[2]],
      existing: seeded,
      want: { create: [], update: { "nginx-service-0": ["10.1.13.2", "10.1.13.3", "10.1.13.4"] }, delete: [] },
    },
    { name: "a pod moved to another IP: same slice", pods: [three[0], three[1], readyPod("default", "nginx-controller-jnq5p", "10.1.13.7")], existing: seeded, want: { create: [], update: { "nginx-service-0": ["10.1.13.2", "10.1.13.3", "10.1.13.7"] }, delete: [] } },
    {
      name: "250 pods with 100 per slice: 100 + 100 + 50",
      pods: pods(250),
      existing: [],
      want: {
        create: [pods(100).map((p) => p.status?.podIP ?? ""), pods(200).slice(100).map((p) => p.status?.podIP ?? ""), pods(250).slice(200).map((p) => p.status?.podIP ?? "")],
        update: {},
        delete: [],
      },
    },
    {
      name: "newcomers fill the unchanged slice they fit most tightly",
      pods: [...ninety, ...fifty, ...pods(8, (p, i) => (Object.assign(p.metadata, { name: `r${i}`, uid: `uid-r${i}` }), withIPs(p, `10.3.0.${i + 1}`)))],
      existing: twoSlices,
      want: { create: [], update: { "nginx-service-0": [...ninety.map((p) => p.status?.podIP ?? ""), ...Array.from({ length: 8 }, (_, i) => `10.3.0.${i + 1}`)] }, delete: [] },
    },
    {
      name: "no room anywhere: a new slice",
      pods: [...pods(100), readyPod("default", "extra", "10.9.0.1")],
      existing: full,
      want: { create: [["10.9.0.1"]], update: {}, delete: [] },
    },
    {
      name: "slices managed by another controller or for another service are ignored",
      pods: three,
      existing: [...seeded, ...otherManager, ...otherService],
      want: { create: [], update: {}, delete: [] },
    },
    {
      name: "a slice owned by an older service of the same name is replaced",
      pods: three,
      existing: foreignOwner,
      want: { create: [["10.1.13.2", "10.1.13.3", "10.1.13.4"]], update: {}, delete: ["nginx-service-0"] },
    },
    {
      name: "slices being deleted are not counted",
      pods: three,
      existing: beingDeleted,
      want: { create: [["10.1.13.2", "10.1.13.3", "10.1.13.4"]], update: {}, delete: [] },
    },
    {
      name: "a slice of an address type the service does not use is deleted",
      pods: three,
      existing: [...seeded, ...ipv6Leftover],
      want: { create: [], update: {}, delete: ["nginx-service-v6"] },
    },
    {
      name: "named targetPort resolving to different numbers: one slice per port set",
      service: makeService("default", "nginx-service", (s) => void (s.spec.ports = [{ name: "web", port: 8000, targetPort: "http", protocol: "TCP" }])),
      pods: [
        readyPod("default", "a", "10.1.13.2", (p) => void (p.spec.containers = [{ name: "c", ports: [{ name: "http", containerPort: 8080 }] }])),
        readyPod("default", "b", "10.1.13.3", (p) => void (p.spec.containers = [{ name: "c", ports: [{ name: "http", containerPort: 9090 }] }])),
        readyPod("default", "c", "10.1.13.4", (p) => void (p.spec.containers = [{ name: "c", ports: [{ name: "http", containerPort: 8080 }] }])),
      ],
      existing: [],
      want: { create: [["10.1.13.2", "10.1.13.4"], ["10.1.13.3"]], update: {}, delete: [] },
    },
    {
      name: "pods on unknown nodes are left out",
      pods: [three[0], readyPod("default", "lost", "10.1.13.8", (p) => void (p.spec.nodeName = "gone"))],
      existing: [],
      options: { nodeExists: (n) => n === "core-v2-01" },
      want: { create: [["10.1.13.2"]], update: {}, delete: [] },
    },
    {
      name: "…unless the service publishes not-ready addresses",
      service: makeService("default", "nginx-service", (s) => void (s.spec.publishNotReadyAddresses = true)),
      pods: [three[0], readyPod("default", "lost", "10.1.13.8", (p) => void (p.spec.nodeName = "gone"))],
      existing: [],
      options: { nodeExists: (n) => n === "core-v2-01" },
      want: { create: [["10.1.13.2", "10.1.13.8"]], update: {}, delete: [] },
    },
    {
      name: "a service being deleted gets no new slices",
      service: makeService("default", "nginx-service", (s) => void (s.metadata.deletionTimestamp = "2024-05-01T11:00:00Z")),
      pods: three,
      existing: [],
      want: { create: [], update: {}, delete: [] },
    },
    { name: "selector-less service: not ours", service: makeService("default", "nginx-service", (s) => void delete s.spec.selector), pods: three, existing: seeded, want: { create: [], update: {}, delete: [] } },
    {
      name: "service labels changed: labels rewritten",
      service: makeService("default", "nginx-service", (s) => void (s.metadata.labels = { name: "nginx-service", tier: "web" })),
      pods: three,
      existing: seeded,
      want: { create: [], update: { "nginx-service-0": ["10.1.13.2", "10.1.13.3", "10.1.13.4"] }, delete: [] },
    },
    {
      name: "dual-stack service: one slice per family",
      service: makeService("default", "nginx-service", (s) => Object.assign(s.spec, { ipFamilies: ["IPv4", "IPv6"], ipFamilyPolicy: "PreferDualStack" })),
      pods: [readyPod("default", "a", "10.1.13.2", (p) => withIPs(p, "10.1.13.2", "fd00:1:0:0::2")), readyPod("default", "b", "10.1.13.3")],
      existing: [],
      want: { create: [["10.1.13.2", "10.1.13.3"], ["fd00:1::2"]], update: {}, delete: [] },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = reconcileSlices(c.service ?? svc, c.pods, c.existing, { maxEndpointsPerSlice: 100, ...c.options });
      assert.deepEqual(summarize(got), c.want);
    });
  }
});

test("reconcileSlices: endpoint details", async (t) => {
  const cases: { name: string; service?: Service; pod: Pod; options?: ReconcileSlicesOptions; want: Record<string, unknown> }[] = [
    {
      name: "terminating pod stays, serving but not ready",
      pod: readyPod("default", "a", "10.1.13.2", (p) => void (p.metadata.deletionTimestamp = "2024-05-01T11:00:00Z")),
      want: { conditions: { ready: false, serving: true, terminating: true } },
    },
    { name: "not ready pod", pod: readyPod("default", "a", "10.1.13.2", (p) => notReady(p)), want: { conditions: { ready: false, serving: false, terminating: false } } },
    { name: "zone from the node", pod: readyPod("default", "a", "10.1.13.2"), options: { nodeZone: (n) => (n === "core-v2-01" ? "zone-a" : undefined) }, want: { zone: "zone-a" } },
    { name: "no zone when the node has none", pod: readyPod("default", "a", "10.1.13.2"), options: { nodeZone: () => undefined }, want: { zone: undefined } },
    {
      name: "hostname for pods in the service's subdomain",
      pod: readyPod("default", "web-0", "10.1.13.2", (p) => Object.assign(p.spec, { hostname: "web-0", subdomain: "nginx-service" })),
      want: { hostname: "web-0" },
    },
    { name: "address printed canonically", pod: readyPod("default", "a", "010.001.013.002"), want: { addresses: ["10.1.13.2"] } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = reconcileSlices(c.service ?? svc, [c.pod], [], c.options);
      const ep = got.toCreate[0].endpoints?.[0] as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(c.want)) assert.deepEqual(ep[k], v, k);
    });
  }
});

test("reconcileSlices: slice metadata", async (t) => {
  await t.test("headless service slices carry the headless label", () => {
    const headless = makeService("default", "nginx-service", (s) => Object.assign(s.spec, { clusterIP: "None", clusterIPs: ["None"] }));
    const got = reconcileSlices(headless, seedPods(), []);
    assert.equal(got.toCreate[0].metadata.labels?.["service.kubernetes.io/headless"], "");
  });
  await t.test("service ports: name \"\" when unnamed, appProtocol kept", () => {
    const s2 = makeService("default", "nginx-service", (s) => void (s.spec.ports = [{ port: 8000, targetPort: 80, protocol: "TCP" }, { name: "grpc", port: 9000, targetPort: 9000, protocol: "TCP", appProtocol: "kubernetes.io/h2c" }]));
    assert.deepEqual(reconcileSlices(s2, seedPods(), []).toCreate[0].ports, [
      { name: "", port: 80, protocol: "TCP" },
      { name: "grpc", port: 9000, protocol: "TCP", appProtocol: "kubernetes.io/h2c" },
    ]);
  });
  await t.test("reserved labels on the service are not copied", () => {
    const s2 = makeService("default", "nginx-service", (s) => void (s.metadata.labels = { "kubernetes.io/service-name": "spoof", app: "x" }));
    assert.deepEqual(reconcileSlices(s2, seedPods(), []).toCreate[0].metadata.labels, {
      app: "x",
      "kubernetes.io/service-name": "nginx-service",
      "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
    });
  });
  await t.test("updates keep name and resourceVersion and refresh the trigger time", () => {
    const existing = storedFor(svc, seedPods(), { triggerTime: "2024-05-01T10:00:05Z" });
    const got = reconcileSlices(svc, seedPods().slice(1), existing, { triggerTime: "2024-05-01T10:09:00Z" });
    assert.equal(got.toUpdate[0].metadata.name, "nginx-service-0");
    assert.equal(got.toUpdate[0].metadata.resourceVersion, "100");
    assert.equal(got.toUpdate[0].metadata.annotations?.["endpoints.kubernetes.io/last-change-trigger-time"], "2024-05-01T10:09:00Z");
  });
  await t.test("no trigger time: the annotation is removed on write", () => {
    const existing = storedFor(svc, seedPods(), { triggerTime: "2024-05-01T10:00:05Z" });
    const got = reconcileSlices(svc, seedPods().slice(1), existing);
    assert.equal(got.toUpdate[0].metadata.annotations, undefined);
  });
  await t.test("custom controller name", () => {
    const got = reconcileSlices(svc, seedPods(), [], { controllerName: "svcnet-test" });
    assert.equal(got.toCreate[0].metadata.labels?.["endpointslice.kubernetes.io/managed-by"], "svcnet-test");
  });
  await t.test("unknown nodes are reported", () => {
    const got = reconcileSlices(svc, [readyPod("default", "lost", "10.1.13.8", (p) => void (p.spec.nodeName = "gone"))], [], { nodeExists: () => false });
    assert.deepEqual(got.podsOnUnknownNodes, ["default/lost"]);
  });
});

test("reconcileSlices converges: applying the answer and reconciling again writes nothing", async (t) => {
  const counter = { next: 0 };
  let existing: EndpointSlice[] = [];
  const steps: { name: string; pods: Pod[]; slices: number }[] = [
    { name: "no pods", pods: [], slices: 1 },
    { name: "seed pods", pods: seedPods(), slices: 1 },
    { name: "scale to 230", pods: pods(230), slices: 3 },
    { name: "half not ready", pods: pods(230, (p, i) => (i % 2 ? notReady(p) : undefined)), slices: 3 },
    { name: "scale to 40", pods: pods(40), slices: 1 },
    { name: "scale to 0", pods: [], slices: 1 },
  ];
  for (const step of steps) {
    await t.test(step.name, () => {
      existing = applyChanges(existing, reconcileSlices(svc, step.pods, existing), counter);
      assert.equal(existing.length, step.slices);
      const total = existing.reduce((n, s) => n + (s.endpoints?.length ?? 0), 0);
      assert.equal(total, step.pods.length);
      assert.deepEqual(summarize(reconcileSlices(svc, step.pods, existing)), { create: [], update: {}, delete: [] });
    });
  }
});

test("slicesEqual", async (t) => {
  const [base] = storedFor(svc, seedPods(), { triggerTime: "2024-05-01T10:00:05Z" });
  const variant = (edit: (s: EndpointSlice) => void): EndpointSlice => {
    const s = structuredClone(base);
    edit(s);
    return s;
  };
  const cases: { name: string; other: EndpointSlice; want: boolean }[] = [
    { name: "same", other: base, want: true },
    { name: "endpoints reordered", other: variant((s) => void s.endpoints?.reverse()), want: true },
    { name: "name, resourceVersion and trigger time ignored", other: variant((s) => Object.assign(s.metadata, { name: "x", resourceVersion: "9", annotations: {} })), want: true },
    { name: "target resourceVersion ignored", other: variant((s) => void ((s.endpoints ?? [])[0].targetRef = { ...(s.endpoints ?? [])[0].targetRef, resourceVersion: "7" })), want: true },
    { name: "condition differs", other: variant((s) => void ((s.endpoints ?? [])[0].conditions = { ready: false, serving: true, terminating: false })), want: false },
    { name: "unset condition differs from false", other: variant((s) => void ((s.endpoints ?? [])[0].conditions = { ready: true, serving: true })), want: false },
    { name: "endpoint missing", other: variant((s) => void s.endpoints?.pop()), want: false },
    { name: "port differs", other: variant((s) => void (s.ports = [{ name: "", port: 81, protocol: "TCP" }])), want: false },
    { name: "label differs", other: variant((s) => void (s.metadata.labels = {})), want: false },
    { name: "address type differs", other: variant((s) => void (s.addressType = "IPv6")), want: false },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(slicesEqual(base, c.other), c.want));
});
