import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Lease } from "../../api/types.js";
import type { ApiServerEndpoint } from "./apiserver-lease.js";
import { apiServerLease, apiServerLeaseExpiry, apiServerLeaseName, formatEndpoint, liveApiServers, parseEndpoint, staleApiServerLeases } from "./apiserver-lease.js";

const t0 = Date.parse("2025-01-01T00:00:00Z");

function lease(ep: ApiServerEndpoint, renewedAt: number, edit?: (l: Lease) => void): Lease {
  const l = apiServerLease(ep, renewedAt);
  edit?.(l);
  return l;
}

describe("formatEndpoint / parseEndpoint", () => {
  const cases: { name: string; text: string; ep: ApiServerEndpoint | undefined }[] = [
    { name: "IPv4", text: "172.17.8.2:6443", ep: { ip: "172.17.8.2", port: 6443 } },
    { name: "IPv6 in brackets", text: "[fd00::2]:6443", ep: { ip: "fd00::2", port: 6443 } },
    { name: "no port", text: "172.17.8.2", ep: undefined },
    { name: "IPv6 without brackets", text: "fd00::2:6443", ep: undefined },
    { name: "port 0", text: "10.0.0.1:0", ep: undefined },
    { name: "port too big", text: "10.0.0.1:65536", ep: undefined },
    { name: "octet too big", text: "10.0.0.256:443", ep: undefined },
    { name: "a host name", text: "apiserver-1:443", ep: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(parseEndpoint(c.text), c.ep);
      if (c.ep) assert.equal(formatEndpoint(c.ep), c.text);
    });
  }
});

describe("apiServerLease", () => {
  test("is a kube-system Lease named from its holder, labelled like kube-apiserver's", () => {
    const l = apiServerLease({ ip: "127.0.0.1", port: 6443 }, t0);
    assert.match(l.metadata.name ?? "", /^apiserver-[0-9a-f]{16}$/);
    assert.equal(l.metadata.namespace, "kube-system");
    assert.deepEqual(l.metadata.labels, { "apiserver.kubernetes.io/identity": "kube-apiserver" });
    assert.deepEqual(l.spec, { holderIdentity: "127.0.0.1:6443", leaseDurationSeconds: 15, renewTime: "2025-01-01T00:00:00.000000Z" });
    assert.equal(l.metadata.name, apiServerLeaseName("127.0.0.1:6443"));
    assert.notEqual(apiServerLeaseName("127.0.0.1:6443"), apiServerLeaseName("127.0.0.1:6444"));
    const named = apiServerLease({ ip: "127.0.0.1", port: 6443 }, t0, { identity: "host-a:/var/lib/svcnet", durationSeconds: 30 });
    assert.equal(named.metadata.name, apiServerLeaseName("host-a:/var/lib/svcnet"));
    assert.equal(named.spec?.holderIdentity, "127.0.0.1:6443");
    assert.equal(named.spec?.leaseDurationSeconds, 30);
  });
});

describe("apiServerLeaseExpiry", () => {
  const ep = { ip: "127.0.0.1", port: 6443 };
  const cases: { name: string; lease: Lease; want: number | undefined }[] = [
    { name: "renewTime + duration", lease: lease(ep, t0), want: t0 + 15_000 },
    { name: "another namespace", lease: lease(ep, t0, (l) => (l.metadata.namespace = "kube-node-lease")), want: undefined },
    { name: "without the identity label", lease: lease(ep, t0, (l) => (l.metadata.labels = {})), want: undefined },
    { name: "a holder that is no address", lease: lease(ep, t0, (l) => (l.spec = { ...l.spec, holderIdentity: "node-1" })), want: undefined },
    { name: "named from another identity", lease: apiServerLease(ep, t0, { identity: "host-a:/data" }), want: t0 + 15_000 },
    { name: "a name not made by apiServerLeaseName", lease: lease(ep, t0, (l) => (l.metadata.name = "apiserver-x")), want: undefined },
    { name: "no renewTime", lease: lease(ep, t0, (l) => delete l.spec?.renewTime), want: undefined },
    { name: "zero duration", lease: lease(ep, t0, (l) => (l.spec = { ...l.spec, leaseDurationSeconds: 0 })), want: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(apiServerLeaseExpiry(c.lease)?.expiresAt, c.want));
  }
});

describe("liveApiServers", () => {
  const a = { ip: "10.9.0.2", port: 6443 };
  const b = { ip: "10.9.0.10", port: 6443 };
  const c = { ip: "10.9.0.2", port: 6444 };
  const v6 = { ip: "fd00::1", port: 6443 };
  const cases: { name: string; leases: Lease[]; now: number; want: ApiServerEndpoint[] }[] = [
    { name: "none", leases: [], now: t0, want: [] },
    { name: "sorted by address bytes, not text", leases: [lease(b, t0), lease(a, t0)], now: t0 + 1000, want: [a, b] },
    { name: "same address, two ports", leases: [lease(c, t0), lease(a, t0)], now: t0, want: [a, c] },
    { name: "IPv4 before IPv6", leases: [lease(v6, t0), lease(b, t0)], now: t0, want: [b, v6] },
    { name: "an expired lease is left out", leases: [lease(a, t0), lease(b, t0 - 15_000)], now: t0, want: [a] },
    { name: "alive until just before the expiry", leases: [lease(a, t0)], now: t0 + 14_999, want: [a] },
    { name: "gone at the expiry", leases: [lease(a, t0)], now: t0 + 15_000, want: [] },
    { name: "repeats once", leases: [lease(a, t0), lease(a, t0 - 1000)], now: t0, want: [a] },
    { name: "other leases ignored", leases: [lease(a, t0, (l) => (l.metadata.labels = {}))], now: t0, want: [] },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(liveApiServers(c.leases, c.now), c.want));
  }
});

describe("staleApiServerLeases", () => {
  const a = { ip: "10.9.0.2", port: 6443 };
  const cases: { name: string; renewedAgoMs: number; stale: boolean }[] = [
    { name: "live", renewedAgoMs: 1000, stale: false },
    { name: "just expired", renewedAgoMs: 15_000, stale: false },
    { name: "expired less than a duration ago", renewedAgoMs: 29_999, stale: false },
    { name: "expired a whole duration ago", renewedAgoMs: 30_000, stale: true },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(staleApiServerLeases([lease(a, t0 - c.renewedAgoMs)], t0).length, c.stale ? 1 : 0));
  }
  test("other Leases are never stale", () => {
    assert.deepEqual(staleApiServerLeases([lease(a, t0 - 100_000, (l) => (l.metadata.labels = {}))], t0), []);
  });
});
