import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { EndpointSlice } from "../../api/types.js";
import type { ApiServerEndpoint } from "./apiserver-lease.js";
import { desiredKubernetesEndpoints, planEndpointWrites } from "./desired-endpoints.js";

const ep = (ip: string, port = 6443): ApiServerEndpoint => ({ ip, port });
const https = (port: number) => ({ name: "https", port, protocol: "TCP" });

describe("desiredKubernetesEndpoints", () => {
  const cases: {
    name: string;
    servers: ApiServerEndpoint[];
    subsets?: unknown;
    slices?: { name: string; addressType: string; ips: string[]; port: number }[];
  }[] = [
    { name: "no servers: nothing to write", servers: [] },
    {
      name: "one server",
      servers: [ep("172.17.8.2")],
      subsets: [{ addresses: [{ ip: "172.17.8.2" }], ports: [https(6443)] }],
      slices: [{ name: "kubernetes", addressType: "IPv4", ips: ["172.17.8.2"], port: 6443 }],
    },
    {
      name: "three servers on one port, sorted, repeats dropped",
      servers: [ep("172.17.8.10"), ep("172.17.8.2"), ep("172.17.8.3"), ep("172.17.8.2")],
      subsets: [{ addresses: [{ ip: "172.17.8.2" }, { ip: "172.17.8.3" }, { ip: "172.17.8.10" }], ports: [https(6443)] }],
      slices: [{ name: "kubernetes", addressType: "IPv4", ips: ["172.17.8.2", "172.17.8.3", "172.17.8.10"], port: 6443 }],
    },
    {
      name: "different ports: a subset and a slice per port",
      servers: [ep("127.0.0.1", 40001), ep("127.0.0.1", 40000)],
      subsets: [
        { addresses: [{ ip: "127.0.0.1" }], ports: [https(40000)] },
        { addresses: [{ ip: "127.0.0.1" }], ports: [https(40001)] },
      ],
      slices: [
        { name: "kubernetes", addressType: "IPv4", ips: ["127.0.0.1"], port: 40000 },
        { name: "kubernetes-40001", addressType: "IPv4", ips: ["127.0.0.1"], port: 40001 },
      ],
    },
    {
      name: "IPv6 gets its own slice after the IPv4 ones",
      servers: [ep("fd00::2"), ep("172.17.8.2")],
      subsets: [{ addresses: [{ ip: "172.17.8.2" }, { ip: "fd00::2" }], ports: [https(6443)] }],
      slices: [
        { name: "kubernetes", addressType: "IPv4", ips: ["172.17.8.2"], port: 6443 },
        { name: "kubernetes-ipv6-6443", addressType: "IPv6", ips: ["fd00::2"], port: 6443 },
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = desiredKubernetesEndpoints(c.servers);
      if (!c.subsets) return assert.equal(d, undefined);
      assert.ok(d);
      assert.equal(d.endpoints.metadata.name, "kubernetes");
      assert.equal(d.endpoints.metadata.namespace, "default");
      assert.deepEqual(d.endpoints.metadata.labels, { "endpointslice.kubernetes.io/skip-mirror": "true" });
      assert.deepEqual(d.endpoints.subsets, c.subsets);
      assert.deepEqual(
        d.slices.map((s) => ({ name: s.metadata.name, addressType: s.addressType, ips: (s.endpoints ?? []).flatMap((e) => e.addresses), port: s.ports?.[0]?.port })),
        c.slices,
      );
      for (const s of d.slices) {
        assert.deepEqual(s.metadata.labels, { "kubernetes.io/service-name": "kubernetes" });
        for (const e of s.endpoints ?? []) assert.deepEqual(e.conditions, { ready: true });
      }
    });
  }
});

function stored(servers: ApiServerEndpoint[], edit?: (s: EndpointSlice[]) => void) {
  const d = desiredKubernetesEndpoints(servers);
  assert.ok(d);
  const withMeta = <T extends { metadata: object }>(o: T): T => ({ ...o, metadata: { ...o.metadata, resourceVersion: "7", uid: "u" } });
  const slices = d.slices.map(withMeta);
  edit?.(slices);
  return { endpoints: withMeta(d.endpoints), slices };
}

function foreignSlice(name: string, labels: Record<string, string>): EndpointSlice {
  return { metadata: { name, namespace: "default", labels }, addressType: "IPv4", endpoints: [], ports: [] };
}

describe("planEndpointWrites", () => {
  const one = [ep("172.17.8.2")];
  const two = [ep("172.17.8.2"), ep("172.17.8.3")];
  const twoPorts = [ep("127.0.0.1", 40000), ep("127.0.0.1", 40001)];
  const cases: {
    name: string;
    want: ApiServerEndpoint[];
    have: ReturnType<typeof stored> | { endpoints: undefined; slices: EndpointSlice[] };
    writesEndpoints: boolean;
    put: string[];
    del: string[];
  }[] = [
    { name: "nothing stored: create all", want: one, have: { endpoints: undefined, slices: [] }, writesEndpoints: true, put: ["kubernetes"], del: [] },
    { name: "as desired: no writes", want: two, have: stored(two), writesEndpoints: false, put: [], del: [] },
    { name: "a server joined", want: two, have: stored(one), writesEndpoints: true, put: ["kubernetes"], del: [] },
    { name: "a server left", want: one, have: stored(two), writesEndpoints: true, put: ["kubernetes"], del: [] },
    { name: "back to one port: the extra slice goes", want: [ep("127.0.0.1", 40000)], have: stored(twoPorts), writesEndpoints: true, put: [], del: ["kubernetes-40001"] },
    {
      name: "a label removed by someone is put back",
      want: one,
      have: stored(one, (s) => (s[0].metadata.labels = {})),
      writesEndpoints: false,
      put: ["kubernetes"],
      del: [],
    },
    {
      name: "slices of other services and mirrored ones are left alone",
      want: one,
      have: stored(one, (s) => {
        s.push(foreignSlice("kubernetes-abc", { "kubernetes.io/service-name": "kubernetes", "endpointslice.kubernetes.io/managed-by": "endpointslicemirroring-controller.k8s.io" }));
        s.push(foreignSlice("kubernetes-dashboard-x1", { "kubernetes.io/service-name": "kubernetes-dashboard" }));
      }),
      writesEndpoints: false,
      put: [],
      del: [],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = desiredKubernetesEndpoints(c.want);
      assert.ok(d);
      const w = planEndpointWrites(d, c.have);
      assert.equal(w.endpoints !== undefined, c.writesEndpoints);
      assert.deepEqual(
        w.putSlices.map((s) => s.metadata.name),
        c.put,
      );
      assert.deepEqual(w.deleteSlices, c.del);
    });
  }
});
