import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseIP } from "../../allocators/ip.js";
import type { IPAddressPool } from "../../api/metallb-types.js";
import type { AddressPool, PoolCandidate } from "./address-pools.js";
import { automaticOrder, poolAdmits, poolCapacity, poolContains, poolOwning, poolsFrom } from "./address-pools.js";
import { makePool, makePoolObject } from "./test-fixtures.js";

const allocation = (sa: NonNullable<IPAddressPool["spec"]["serviceAllocation"]>) => (p: IPAddressPool) => (p.spec.serviceAllocation = sa);

describe("poolsFrom", () => {
  it("parses, defaults, skips invalid entries and deleting pools, and sorts by name", () => {
    const pools = poolsFrom([
      makePoolObject("b", ["172.17.8.201-172.17.8.202", "not-an-address", "fd00::/126"], (p) => {
        p.spec.autoAssign = false;
        p.spec.avoidBuggyIPs = true;
      }),
      makePoolObject("a", ["10.9.0.0/30"], allocation({ priority: 5, namespaces: ["team-a"] })),
      makePoolObject("gone", ["10.9.1.0/30"], (p) => (p.metadata.deletionTimestamp = "2024-01-01T00:00:00Z")),
    ]);
    assert.deepEqual(
      pools.map((p) => [p.name, p.ranges.length, p.autoAssign, p.avoidBuggyIPs, p.priority, p.restricted]),
      [
        ["a", 1, true, false, 5, true],
        ["b", 2, false, true, undefined, false],
      ],
    );
  });
  it("treats priority 0 as no priority, as MetalLB does", () => {
    assert.equal(makePool("p", ["10.9.0.0/30"], allocation({ priority: 0 })).priority, undefined);
  });
});

describe("poolAdmits", () => {
  const svc = (o: Partial<PoolCandidate> = {}): PoolCandidate => ({ namespace: "team-a", labels: { app: "web" }, namespaceLabels: { env: "prod" }, ...o });
  const cases: { name: string; sa?: NonNullable<IPAddressPool["spec"]["serviceAllocation"]>; candidate: PoolCandidate; want: boolean }[] = [
    { name: "no serviceAllocation admits everyone", candidate: svc(), want: true },
    { name: "a priority alone admits everyone", sa: { priority: 1 }, candidate: svc(), want: true },
    { name: "listed namespace", sa: { namespaces: ["team-a"] }, candidate: svc(), want: true },
    { name: "unlisted namespace", sa: { namespaces: ["team-b"] }, candidate: svc(), want: false },
    { name: "namespace selector matches", sa: { namespaceSelectors: [{ matchLabels: { env: "prod" } }] }, candidate: svc(), want: true },
    { name: "namespace selector does not match", sa: { namespaceSelectors: [{ matchLabels: { env: "dev" } }] }, candidate: svc(), want: false },
    { name: "namespace without labels against a selector", sa: { namespaceSelectors: [{ matchLabels: { env: "prod" } }] }, candidate: svc({ namespaceLabels: undefined }), want: false },
    { name: "listed name or matching selector: either suffices", sa: { namespaces: ["team-b"], namespaceSelectors: [{ matchLabels: { env: "prod" } }] }, candidate: svc(), want: true },
    { name: "service selector matches", sa: { serviceSelectors: [{ matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] }] }, candidate: svc(), want: true },
    { name: "service selector does not match", sa: { serviceSelectors: [{ matchLabels: { app: "db" } }] }, candidate: svc(), want: false },
    { name: "any of several service selectors", sa: { serviceSelectors: [{ matchLabels: { app: "db" } }, { matchLabels: { app: "web" } }] }, candidate: svc(), want: true },
    { name: "namespace ok but service not", sa: { namespaces: ["team-a"], serviceSelectors: [{ matchLabels: { app: "db" } }] }, candidate: svc(), want: false },
    { name: "service ok but namespace not", sa: { namespaces: ["team-b"], serviceSelectors: [{ matchLabels: { app: "web" } }] }, candidate: svc(), want: false },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(poolAdmits(makePool("p", ["10.9.0.0/30"], c.sa ? allocation(c.sa) : undefined), c.candidate), c.want));
  }
});

describe("poolContains and poolOwning", () => {
  const buggy = makePool("buggy", ["172.17.8.0/24"], (p) => (p.spec.avoidBuggyIPs = true));
  const plain = makePool("plain", ["172.17.8.0/24"]);
  const ip = (t: string) => parseIP(t) ?? assert.fail(t);
  it("skips .0 and .255 only when avoidBuggyIPs", () => {
    assert.equal(poolContains(buggy, ip("172.17.8.0")), false);
    assert.equal(poolContains(buggy, ip("172.17.8.255")), false);
    assert.equal(poolContains(buggy, ip("172.17.8.1")), true);
    assert.equal(poolContains(plain, ip("172.17.8.0")), true);
    assert.equal(poolContains(plain, ip("172.17.9.1")), false);
  });
  it("finds the pool of all addresses, the preferred one first", () => {
    assert.equal(poolOwning([buggy, plain], ["172.17.8.0"])?.name, "plain");
    assert.equal(poolOwning([buggy, plain], ["172.17.8.7"])?.name, "buggy");
    assert.equal(poolOwning([buggy, plain], ["172.17.8.7"], "plain")?.name, "plain");
    assert.equal(poolOwning([buggy, plain], ["172.17.8.7", "fd00::1"]), undefined);
    assert.equal(poolOwning([buggy, plain], ["nonsense"]), undefined);
  });
});

describe("automaticOrder", () => {
  it("orders by priority (none last), restricted pools before catch-all ones, then name", () => {
    const pools: AddressPool[] = [
      makePool("z-catch-all", ["10.9.0.0/30"]),
      makePool("a-catch-all", ["10.9.1.0/30"]),
      makePool("low", ["10.9.2.0/30"], allocation({ priority: 20 })),
      makePool("high", ["10.9.3.0/30"], allocation({ priority: 10, namespaces: ["x"] })),
      makePool("team", ["10.9.4.0/30"], allocation({ namespaces: ["x"] })),
    ];
    assert.deepEqual(
      automaticOrder(pools).map((p) => p.name),
      ["high", "low", "team", "a-catch-all", "z-catch-all"],
    );
  });
});

describe("poolCapacity", () => {
  const cases: { name: string; addresses: string[]; avoid?: boolean; v4: bigint; v6: bigint }[] = [
    { name: "a range", addresses: ["172.17.8.201-172.17.8.250"], v4: 50n, v6: 0n },
    { name: "a /24", addresses: ["172.17.8.0/24"], v4: 256n, v6: 0n },
    { name: "a /24 avoiding .0 and .255", addresses: ["172.17.8.0/24"], avoid: true, v4: 254n, v6: 0n },
    { name: "a /23 avoiding", addresses: ["172.17.8.0/23"], avoid: true, v4: 508n, v6: 0n },
    { name: "a range across a boundary avoiding", addresses: ["172.17.8.250-172.17.9.5"], avoid: true, v4: 10n, v6: 0n },
    { name: "a range without buggy ends", addresses: ["172.17.8.1-172.17.8.254"], avoid: true, v4: 254n, v6: 0n },
    { name: "one /32 that is buggy", addresses: ["10.0.0.0/32"], avoid: true, v4: 0n, v6: 0n },
    { name: "IPv6 is never buggy", addresses: ["fd00::/120", "10.0.0.0/30"], avoid: true, v4: 3n, v6: 256n },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const cap = poolCapacity(makePool("p", c.addresses, (p) => (p.spec.avoidBuggyIPs = c.avoid ?? false)));
      assert.deepEqual(cap, { IPv4: c.v4, IPv6: c.v6 });
    });
  }
});
