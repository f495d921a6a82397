import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../api/json.js";
import type { Endpoints, EndpointSlice, SliceEndpoint } from "../api/types.js";
import { endpointInfosBySlicePort, endpointInfosFromEndpoints, sliceServiceKey } from "./endpoint-infos.js";

function makeSlice(namespace: string, name: string, service: string, edit: (s: EndpointSlice) => void = () => {}): EndpointSlice {
  const s: EndpointSlice = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { namespace, name, labels: { "kubernetes.io/service-name": service } },
    addressType: "IPv4",
    endpoints: [],
    ports: [{ name: "", port: 80, protocol: "TCP" }],
  };
  edit(s);
  return deepFreeze(s);
}

function ep(ip: string, extra: Partial<SliceEndpoint> = {}): SliceEndpoint {
  return { addresses: [ip], ...extra };
}

test("sliceServiceKey reads the service-name label", () => {
  assert.equal(sliceServiceKey(makeSlice("ns", "web-abc", "web")), "ns/web");
  assert.equal(sliceServiceKey(makeSlice("ns", "x", "web", (s) => (s.metadata.labels = {}))), undefined);
});

test("conditions default as the API documents them", () => {
  const cases: { name: string; conditions: SliceEndpoint["conditions"]; want: [boolean, boolean, boolean] }[] = [
    { name: "all nil", conditions: undefined, want: [true, true, false] },
    { name: "empty", conditions: {}, want: [true, true, false] },
    { name: "not ready, serving nil follows ready", conditions: { ready: false }, want: [false, false, false] },
    { name: "terminating but serving", conditions: { ready: false, serving: true, terminating: true }, want: [false, true, true] },
    { name: "ready, serving false", conditions: { ready: true, serving: false }, want: [true, false, false] },
  ];
  for (const c of cases) {
    const slice = makeSlice("ns", "s1", "web", (s) => (s.endpoints = [ep("10.1.0.1", { conditions: c.conditions })]));
    const [info] = endpointInfosBySlicePort([slice], "node-a").get("ns/web:/TCP") ?? [];
    assert.deepEqual([info.ready, info.serving, info.terminating], c.want, c.name);
  }
});

test("one endpoint, every field", () => {
  const slice = makeSlice("ns", "s1", "web", (s) => {
    s.ports = [{ name: "http", port: 8080, protocol: "TCP" }];
    s.endpoints = [
      ep("10.1.0.1", {
        nodeName: "node-a",
        zone: "z1",
        hints: { forZones: [{ name: "z1" }, { name: "z2" }], forNodes: [{ name: "node-a" }] },
      }),
    ];
  });
  assert.deepEqual(
    endpointInfosBySlicePort([slice], "node-a"),
    new Map([
      [
        "ns/web:http/TCP",
        [
          {
            ip: "10.1.0.1",
            port: 8080,
            endpoint: "10.1.0.1:8080",
            ready: true,
            serving: true,
            terminating: false,
            isLocal: true,
            nodeName: "node-a",
            zone: "z1",
            zoneHints: ["z1", "z2"],
            nodeHints: ["node-a"],
          },
        ],
      ],
    ]),
  );
});

test("isLocal needs a node name on both sides", () => {
  const slice = makeSlice("ns", "s1", "web", (s) => (s.endpoints = [ep("10.1.0.1", { nodeName: "node-a" }), ep("10.1.0.2")]));
  const local = (node: string) => (endpointInfosBySlicePort([slice], node).get("ns/web:/TCP") ?? []).map((e) => e.isLocal);
  assert.deepEqual(local("node-a"), [true, false]);
  assert.deepEqual(local("node-b"), [false, false]);
  assert.deepEqual(local(""), [false, false]);
});

test("empty hint lists mean no hints", () => {
  const slice = makeSlice("ns", "s1", "web", (s) => (s.endpoints = [ep("10.1.0.1", { hints: { forZones: [] } })]));
  const [info] = endpointInfosBySlicePort([slice], "n").get("ns/web:/TCP") ?? [];
  assert.equal(info.zoneHints, undefined);
  assert.equal(info.nodeHints, undefined);
});

test("keys by slice port name and protocol; several ports; defaults", () => {
  const slice = makeSlice("ns", "s1", "dns", (s) => {
    s.ports = [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, protocol: "TCP" }, { port: 9153 }];
    s.endpoints = [ep("10.1.0.1")];
  });
  const got = endpointInfosBySlicePort([slice], "n");
  assert.deepEqual([...got.keys()].sort(), ["ns/dns:/TCP", "ns/dns:dns-tcp/TCP", "ns/dns:dns/UDP"]);
  assert.equal(got.get("ns/dns:/TCP")?.[0].endpoint, "10.1.0.1:9153");
});

test("skipped input", () => {
  const cases: { name: string; slice: EndpointSlice }[] = [
    { name: "IPv6 slice", slice: makeSlice("ns", "s", "web", (s) => ((s.addressType = "IPv6"), (s.endpoints = [ep("fd00::1")]))) },
    { name: "FQDN slice", slice: makeSlice("ns", "s", "web", (s) => ((s.addressType = "FQDN"), (s.endpoints = [ep("a.example")]))) },
    { name: "no service label", slice: makeSlice("ns", "s", "web", (s) => ((s.metadata.labels = {}), (s.endpoints = [ep("10.1.0.1")]))) },
    { name: "port without number", slice: makeSlice("ns", "s", "web", (s) => ((s.ports = [{ name: "x" }]), (s.endpoints = [ep("10.1.0.1")]))) },
    { name: "null endpoints", slice: makeSlice("ns", "s", "web", (s) => (s.endpoints = null)) },
    { name: "no endpoints: no key at all", slice: makeSlice("ns", "s", "web") },
    { name: "endpoint without address", slice: makeSlice("ns", "s", "web", (s) => (s.endpoints = [{ addresses: [] }])) },
    { name: "IPv6 address in IPv4 slice", slice: makeSlice("ns", "s", "web", (s) => (s.endpoints = [ep("fd00::1")])) },
  ];
  for (const c of cases) assert.equal(endpointInfosBySlicePort([c.slice], "n").size, 0, c.name);
});

test("only the first address of an endpoint is used", () => {
  const slice = makeSlice("ns", "s", "web", (s) => (s.endpoints = [{ addresses: ["10.1.0.1", "10.1.0.2"] }]));
  assert.deepEqual(endpointInfosBySlicePort([slice], "n").get("ns/web:/TCP")?.map((e) => e.ip), ["10.1.0.1"]);
});

test("merged across slices, deduplicated, sorted as strings", () => {
  const a = makeSlice("ns", "web-a", "web", (s) => (s.endpoints = [ep("10.244.0.5", { conditions: { ready: false } }), ep("10.244.0.10")]));
  const b = makeSlice("ns", "web-b", "web", (s) => (s.endpoints = [ep("10.244.0.5"), ep("10.244.0.9")]));
  for (const order of [[a, b], [b, a]]) {
    const got = endpointInfosBySlicePort(order, "n").get("ns/web:/TCP") ?? [];
    assert.deepEqual(got.map((e) => e.endpoint), ["10.244.0.10:80", "10.244.0.5:80", "10.244.0.9:80"]);
    // web-a comes first by name whatever the input order, so its not-ready copy wins.
    assert.equal(got[1].ready, false);
  }
});

test("a local duplicate replaces a remote one", () => {
  const a = makeSlice("ns", "web-a", "web", (s) => (s.endpoints = [ep("10.1.0.1", { nodeName: "other" })]));
  const b = makeSlice("ns", "web-b", "web", (s) => (s.endpoints = [ep("10.1.0.1", { nodeName: "me" })]));
  const [info] = endpointInfosBySlicePort([a, b], "me").get("ns/web:/TCP") ?? [];
  assert.equal(info.isLocal, true);
  assert.equal(info.nodeName, "me");
});

test("legacy Endpoints: ready and not-ready addresses, per port", () => {
  const e: Endpoints = deepFreeze({
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { namespace: "default", name: "nginx-service" },
    subsets: [
      {
        addresses: [{ ip: "10.1.13.7", nodeName: "node-a" }, { ip: "10.1.13.10" }, { ip: "fd00::1" }],
        notReadyAddresses: [{ ip: "10.1.13.8" }],
        ports: [{ port: 80, protocol: "TCP" }, { name: "dns", port: 53, protocol: "UDP" }],
      },
    ],
  });
  const got = endpointInfosFromEndpoints(e, "node-a");
  assert.deepEqual([...got.keys()].sort(), ["default/nginx-service:/TCP", "default/nginx-service:dns/UDP"]);
  const list = got.get("default/nginx-service:/TCP") ?? [];
  assert.deepEqual(
    list.map((x) => [x.endpoint, x.ready, x.serving, x.terminating, x.isLocal]),
    [
      ["10.1.13.10:80", true, true, false, false],
      ["10.1.13.7:80", true, true, false, true],
      ["10.1.13.8:80", false, false, false, false],
    ],
  );
  assert.equal(got.get("default/nginx-service:dns/UDP")?.[0].endpoint, "10.1.13.10:53");
});

test("legacy Endpoints: an address listed ready and not ready counts once, ready first", () => {
  const e: Endpoints = deepFreeze({
    metadata: { namespace: "default", name: "s" },
    subsets: [{ addresses: [{ ip: "10.1.0.1" }], notReadyAddresses: [{ ip: "10.1.0.1" }], ports: [{ port: 80 }] }],
  });
  assert.deepEqual(endpointInfosFromEndpoints(e, "n").get("default/s:/TCP")?.map((x) => x.ready), [true]);
});

test("the IPv6 proxier reads IPv6 slices only", async (t) => {
  const v4 = makeSlice("ns", "web-v4", "web", (s) => (s.endpoints = [ep("10.1.0.1", { nodeName: "me" })]));
  const v6 = makeSlice("ns", "web-v6", "web", (s) => ((s.addressType = "IPv6"), (s.endpoints = [ep("fd00:10:1::1", { nodeName: "me" }), ep("fd00:10:1::10")])));
  const fqdn = makeSlice("ns", "web-fqdn", "web", (s) => ((s.addressType = "FQDN"), (s.endpoints = [ep("a.example")])));
  const v4InV6 = makeSlice("ns", "web-bad", "web", (s) => ((s.addressType = "IPv6"), (s.endpoints = [ep("10.1.0.9")])));
  const cases: { name: string; ipFamily: "IPv4" | "IPv6" | undefined; want: string[] }[] = [
    { name: "default is IPv4", ipFamily: undefined, want: ["10.1.0.1:80"] },
    { name: "IPv4", ipFamily: "IPv4", want: ["10.1.0.1:80"] },
    { name: "IPv6, bracketed endpoints, string order", ipFamily: "IPv6", want: ["[fd00:10:1::10]:80", "[fd00:10:1::1]:80"] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = endpointInfosBySlicePort([v4, v6, fqdn, v4InV6], "me", c.ipFamily ? { ipFamily: c.ipFamily } : {}).get("ns/web:/TCP") ?? [];
      assert.deepEqual(got.map((e) => e.endpoint), c.want);
    });
  }
  const infos = endpointInfosBySlicePort([v6], "me", { ipFamily: "IPv6" }).get("ns/web:/TCP") ?? [];
  assert.deepEqual(infos.map((e) => [e.ip, e.port, e.isLocal]), [["fd00:10:1::10", 80, false], ["fd00:10:1::1", 80, true]]);
});

test("legacy Endpoints for the IPv6 proxier", () => {
  const e: Endpoints = deepFreeze({
    metadata: { namespace: "default", name: "s" },
    subsets: [{ addresses: [{ ip: "10.1.0.1" }, { ip: "fd00::1" }], ports: [{ port: 80 }] }],
  });
  assert.deepEqual(endpointInfosFromEndpoints(e, "n", { ipFamily: "IPv6" }).get("default/s:/TCP")?.map((x) => x.endpoint), ["[fd00::1]:80"]);
});
