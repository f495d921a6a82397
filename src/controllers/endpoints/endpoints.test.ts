import assert from "node:assert/strict";
import { test } from "node:test";
import type { EndpointAddress, EndpointSubset, Endpoints, Pod, Service } from "../../api/types.js";
import { desiredEndpoints, endpointsEqual, type DesiredEndpointsOptions } from "./endpoints.js";
import { frozen, makePod, makeService, notReady, readyPod, seedPods, withIPs } from "./test-fixtures.js";

const addr = (ip: string, name: string, edit?: (a: EndpointAddress) => void): EndpointAddress => {
  const a: EndpointAddress = { ip, nodeName: "core-v2-01", targetRef: { kind: "Pod", namespace: "default", name, uid: `uid-${name}` } };
  edit?.(a);
  return a;
};

test("desiredEndpoints: the seed's nginx-service", () => {
  const got = desiredEndpoints(makeService("default", "nginx-service"), seedPods());
  assert.deepEqual(got, {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "nginx-service", namespace: "default", labels: { name: "nginx-service" } },
    subsets: [
      {
        addresses: [addr("10.1.13.2", "nginx-controller-6bovu"), addr("10.1.13.3", "nginx-controller-7kw2r"), addr("10.1.13.4", "nginx-controller-jnq5p")],
        ports: [{ port: 80, protocol: "TCP" }],
      },
    ],
  });
});

test("desiredEndpoints: subsets", async (t) => {
  const named = (p: Pod, port: number, name = "http"): void => {
    p.spec.containers = [{ name: "c", ports: [{ name, containerPort: port, protocol: "TCP" }] }];
  };
  const cases: { name: string; service?: (s: Service) => void; pods: Pod[]; want: EndpointSubset[] | undefined }[] = [
    { name: "selector-less service is left to its users", service: (s) => void delete s.spec.selector, pods: seedPods(), want: undefined },
    { name: "ExternalName service gets no endpoints", service: (s) => Object.assign(s.spec, { type: "ExternalName", externalName: "example.com" }), pods: seedPods(), want: undefined },
    { name: "no matching pods: no subsets", pods: [], want: [] },
    {
      name: "not ready pods go to notReadyAddresses",
      pods: [readyPod("default", "a", "10.1.13.2"), readyPod("default", "b", "10.1.13.3", (p) => notReady(p))],
      want: [{ addresses: [addr("10.1.13.2", "a")], notReadyAddresses: [addr("10.1.13.3", "b")], ports: [{ port: 80, protocol: "TCP" }] }],
    },
    {
      name: "publishNotReadyAddresses lists every pod as ready",
      service: (s) => void (s.spec.publishNotReadyAddresses = true),
      pods: [readyPod("default", "a", "10.1.13.2"), readyPod("default", "b", "10.1.13.3", (p) => notReady(p))],
      want: [{ addresses: [addr("10.1.13.2", "a"), addr("10.1.13.3", "b")], ports: [{ port: 80, protocol: "TCP" }] }],
    },
    {
      name: "terminating pods are left out",
      pods: [readyPod("default", "a", "10.1.13.2"), readyPod("default", "b", "10.1.13.3", (p) => void (p.metadata.deletionTimestamp = "2024-05-01T11:00:00Z"))],
      want: [{ addresses: [addr("10.1.13.2", "a")], ports: [{ port: 80, protocol: "TCP" }] }],
    },
    {
      name: "terminating pods stay (as ready) with publishNotReadyAddresses",
      service: (s) => void (s.spec.publishNotReadyAddresses = true),
      pods: [readyPod("default", "b", "10.1.13.3", (p) => void (p.metadata.deletionTimestamp = "2024-05-01T11:00:00Z"))],
      want: [{ addresses: [addr("10.1.13.3", "b")], ports: [{ port: 80, protocol: "TCP" }] }],
    },
    {
      name: "terminal and IP-less pods are left out",
      pods: [
        readyPod("default", "a", "10.1.13.2", (p) => void (p.status = { ...p.status, phase: "Succeeded" })),
        makePod("default", "b", (p) => void (p.status = { phase: "Pending" })),
        readyPod("default", "c", "10.1.13.4"),
      ],
      want: [{ addresses: [addr("10.1.13.4", "c")], ports: [{ port: 80, protocol: "TCP" }] }],
    },
    {
      name: "pods of other namespaces and labels are ignored",
      pods: [readyPod("other", "a", "10.1.13.2"), readyPod("default", "b", "10.1.13.3", (p) => void (p.metadata.labels = { app: "db" }))],
      want: [],
    },
    {
      name: "named targetPort resolves per pod; pods without it are left out",
      service: (s) => void (s.spec.ports = [{ name: "web", port: 8000, targetPort: "http", protocol: "TCP" }]),
      pods: [
        readyPod("default", "a", "10.1.13.2", (p) => named(p, 8080)),
        readyPod("default", "b", "10.1.13.3", (p) => named(p, 9090)),
        readyPod("default", "c", "10.1.13.4", (p) => named(p, 8080, "metrics")),
      ],
      want: [
        { addresses: [addr("10.1.13.2", "a")], ports: [{ name: "web", port: 8080, protocol: "TCP" }] },
        { addresses: [addr("10.1.13.3", "b")], ports: [{ name: "web", port: 9090, protocol: "TCP" }] },
      ],
    },
    {
      name: "multi-port service: pods serving both ports share one subset",
      service: (s) =>
        void (s.spec.ports = [
          { name: "http", port: 80, targetPort: 80, protocol: "TCP" },
          { name: "metrics", port: 9100, targetPort: 9100, protocol: "TCP", appProtocol: "http" },
        ]),
      pods: [readyPod("default", "a", "10.1.13.2"), readyPod("default", "b", "10.1.13.3")],
      want: [
        {
          addresses: [addr("10.1.13.2", "a"), addr("10.1.13.3", "b")],
          ports: [
            { name: "http", port: 80, protocol: "TCP" },
            { name: "metrics", port: 9100, protocol: "TCP", appProtocol: "http" },
          ],
        },
      ],
    },
    {
      name: "multi-port service: a port only some pods serve gets its own subset",
      service: (s) =>
        void (s.spec.ports = [
          { name: "http", port: 80, targetPort: 80, protocol: "TCP" },
          { name: "metrics", port: 9100, targetPort: "metrics", protocol: "TCP" },
        ]),
      pods: [readyPod("default", "a", "10.1.13.2", (p) => named(p, 9100, "metrics")), readyPod("default", "b", "10.1.13.3")],
      want: [
        { addresses: [addr("10.1.13.2", "a"), addr("10.1.13.3", "b")], ports: [{ name: "http", port: 80, protocol: "TCP" }] },
        { addresses: [addr("10.1.13.2", "a")], ports: [{ name: "metrics", port: 9100, protocol: "TCP" }] },
      ],
    },
    {
      name: "hostname published when the pod's subdomain is the service",
      pods: [readyPod("default", "web-0", "10.1.13.2", (p) => Object.assign(p.spec, { hostname: "web-0", subdomain: "nginx-service" }))],
      want: [{ addresses: [addr("10.1.13.2", "web-0", (a) => void (a.hostname = "web-0"))], ports: [{ port: 80, protocol: "TCP" }] }],
    },
    {
      name: "headless service without ports lists bare addresses",
      service: (s) => Object.assign(s.spec, { clusterIP: "None", clusterIPs: ["None"], ports: [] }),
      pods: [readyPod("default", "a", "10.1.13.2")],
      want: [{ addresses: [addr("10.1.13.2", "a")] }],
    },
    { name: "non-headless service without ports gets nothing", service: (s) => void (s.spec.ports = []), pods: [readyPod("default", "a", "10.1.13.2")], want: [] },
    {
      name: "IPv6 service takes the pod's IPv6 address",
      service: (s) => Object.assign(s.spec, { clusterIP: "fd00::fc", clusterIPs: ["fd00::fc"], ipFamilies: ["IPv6"] }),
      pods: [readyPod("default", "a", "10.1.13.2", (p) => withIPs(p, "10.1.13.2", "fd00:1::2")), readyPod("default", "b", "10.1.13.3")],
      want: [{ addresses: [addr("fd00:1::2", "a")], ports: [{ port: 80, protocol: "TCP" }] }],
    },
    {
      name: "pod without nodeName has no nodeName in its address",
      pods: [readyPod("default", "a", "10.1.13.2", (p) => void delete p.spec.nodeName)],
      want: [{ addresses: [addr("10.1.13.2", "a", (a) => void delete a.nodeName)], ports: [{ port: 80, protocol: "TCP" }] }],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = desiredEndpoints(makeService("default", "nginx-service", c.service), c.pods);
      if (c.want === undefined) assert.equal(got, undefined);
      else assert.deepEqual(got?.subsets ?? [], c.want);
    });
  }
});

test("desiredEndpoints: metadata", async (t) => {
  const current = frozen<Endpoints>({
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: {
      name: "nginx-service",
      namespace: "default",
      uid: "uid-ep",
      resourceVersion: "42",
      labels: { stale: "yes" },
      annotations: { "endpoints.kubernetes.io/last-change-trigger-time": "2024-01-01T00:00:00Z", "example.com/keep": "me", "endpoints.kubernetes.io/over-capacity": "truncated" },
    },
    subsets: [],
  });
  const many = Array.from({ length: 1002 }, (_, i) => readyPod("default", `p${i}`, `10.1.${Math.floor(i / 250)}.${i % 250}`));
  const cases: { name: string; service?: (s: Service) => void; pods?: Pod[]; options?: DesiredEndpointsOptions; want: Pick<Endpoints["metadata"], "labels" | "annotations" | "resourceVersion" | "uid"> }[] = [
    { name: "labels copied from the service", want: { labels: { name: "nginx-service" } } },
    { name: "service without labels: none", service: (s) => void delete s.metadata.labels, want: {} },
    {
      name: "headless service gets the headless label",
      service: (s) => Object.assign(s.spec, { clusterIP: "None", clusterIPs: ["None"] }),
      want: { labels: { name: "nginx-service", "service.kubernetes.io/headless": "" } },
    },
    { name: "trigger time recorded", options: { triggerTime: "2024-05-01T10:00:05Z" }, want: { labels: { name: "nginx-service" }, annotations: { "endpoints.kubernetes.io/last-change-trigger-time": "2024-05-01T10:00:05Z" } } },
    {
      name: "current object: identity kept, stale labels replaced, trigger time and over-capacity cleared, other annotations kept",
      options: { current },
      want: { uid: "uid-ep", resourceVersion: "42", labels: { name: "nginx-service" }, annotations: { "example.com/keep": "me" } },
    },
    {
      name: "over 1000 addresses: truncated and annotated",
      pods: many,
      want: { labels: { name: "nginx-service" }, annotations: { "endpoints.kubernetes.io/over-capacity": "truncated" } },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = desiredEndpoints(makeService("default", "nginx-service", c.service), c.pods ?? seedPods(), c.options);
      assert.ok(got);
      const { labels, annotations, resourceVersion, uid } = got.metadata;
      assert.deepEqual({ labels, annotations, resourceVersion, uid }, { labels: undefined, annotations: undefined, resourceVersion: undefined, uid: undefined, ...c.want });
      assert.equal(got.metadata.name, "nginx-service");
      assert.equal(got.metadata.namespace, "default");
      if (c.pods === many) assert.equal(got.subsets?.[0].addresses?.length, 1000);
    });
  }
});

test("endpointsEqual", async (t) => {
  const svc = makeService("default", "nginx-service");
  const base = desiredEndpoints(svc, seedPods(), { triggerTime: "2024-05-01T10:00:05Z" }) as Endpoints;
  const variant = (edit: (e: Endpoints) => void): Endpoints => {
    const e = structuredClone(base);
    edit(e);
    return frozen(e);
  };
  const cases: { name: string; current: Endpoints; want: boolean }[] = [
    { name: "identical", current: base, want: true },
    { name: "only the trigger time differs", current: variant((e) => (e.metadata.annotations = { "endpoints.kubernetes.io/last-change-trigger-time": "2020-01-01T00:00:00Z" })), want: true },
    { name: "target resourceVersion differs", current: variant((e) => void ((e.subsets?.[0].addresses?.[0].targetRef ?? {}).resourceVersion = "99")), want: true },
    { name: "addresses in another order", current: variant((e) => void e.subsets?.[0].addresses?.reverse()), want: true },
    { name: "same meaning, other packing", current: variant((e) => (e.subsets = (e.subsets?.[0].addresses ?? []).map((a) => ({ addresses: [a], ports: [{ port: 80, protocol: "TCP" }] })))), want: true },
    { name: "headless label alone does not count", current: variant((e) => (e.metadata.labels = { ...e.metadata.labels, "service.kubernetes.io/headless": "" })), want: true },
    { name: "an address missing", current: variant((e) => void e.subsets?.[0].addresses?.pop()), want: false },
    { name: "an address not ready", current: variant((e) => (e.subsets = [{ addresses: e.subsets?.[0].addresses?.slice(1), notReadyAddresses: e.subsets?.[0].addresses?.slice(0, 1), ports: e.subsets?.[0].ports }])), want: false },
    { name: "port differs", current: variant((e) => ((e.subsets as EndpointSubset[])[0].ports = [{ port: 81, protocol: "TCP" }])), want: false },
    { name: "labels differ", current: variant((e) => (e.metadata.labels = { name: "other" })), want: false },
    { name: "over-capacity annotation set wrongly", current: variant((e) => (e.metadata.annotations = { "endpoints.kubernetes.io/over-capacity": "truncated" })), want: false },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(endpointsEqual(c.current, base), c.want));
});
