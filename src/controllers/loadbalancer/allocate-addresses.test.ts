import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { IPAddressPool, PendingReason } from "../../api/metallb-types.js";
import type { Service } from "../../api/types.js";
import type { AddressPool } from "./address-pools.js";
import { decideAddresses } from "./allocate-addresses.js";
import { readLoadBalancerRequest } from "./lb-service.js";
import { bookWith, makePool, makeService } from "./test-fixtures.js";

type Want = { kind: "assigned"; pool: string; ips: string[]; added?: string[] } | { kind: "no-pool" } | { kind: "pending"; reason: PendingReason; message?: RegExp };

interface Case {
  name: string;
  /** Edits the subject, default/svc (IPv4, TCP/8000, app=nginx, LoadBalancer). */
  service?: (s: Service) => void;
  pools: AddressPool[];
  holdings?: [Service, string, string[]][];
  namespaceLabels?: Record<string, string>;
  current?: { ips: string[]; pool?: string };
  want: Want;
  /** The current addresses are dropped, for this reason. */
  dropped?: RegExp;
}

const edit =
  (...fs: ((s: Service) => void)[]) =>
  (s: Service) =>
    fs.forEach((f) => f(s));
const annotate = (a: Record<string, string>) => (s: Service) => (s.metadata.annotations = { ...s.metadata.annotations, ...a });
const requestIP = (ip: string) => (s: Service) => (s.spec.loadBalancerIP = ip);
const families =
  (fs: ("IPv4" | "IPv6")[], policy: "SingleStack" | "PreferDualStack" | "RequireDualStack" = fs.length > 1 ? "RequireDualStack" : "SingleStack") =>
  (s: Service) => {
    s.spec.ipFamilies = fs;
    s.spec.ipFamilyPolicy = policy;
  };
const sharing = (key: string) => annotate({ "metallb.io/allow-shared-ip": key });
const ports = (...ps: [number, "TCP" | "UDP"][]) => (s: Service) => (s.spec.ports = ps.map(([port, protocol]) => ({ port, protocol })));
const sa = (x: NonNullable<IPAddressPool["spec"]["serviceAllocation"]>) => (p: IPAddressPool) => (p.spec.serviceAllocation = x);
const noAuto = (p: IPAddressPool) => (p.spec.autoAssign = false);
const avoidBuggy = (p: IPAddressPool) => (p.spec.avoidBuggyIPs = true);

const dflt = makePool("default", ["172.17.8.201-172.17.8.203"]);
const other = (name: string, edits?: (s: Service) => void) => makeService("default", name, edits);

const cases: Case[] = [
  // ---- automatic ----
  { name: "no pools at all: node-IP mode", pools: [], want: { kind: "no-pool" } },
  { name: "the lowest address of the pool", pools: [dflt], want: { kind: "assigned", pool: "default", ips: ["172.17.8.201"], added: ["172.17.8.201"] } },
  { name: "skips held addresses", pools: [dflt], holdings: [[other("a"), "default", ["172.17.8.201"]]], want: { kind: "assigned", pool: "default", ips: ["172.17.8.202"] } },
  {
    name: "a full pool: PoolExhausted, not node-IP mode",
    pools: [dflt],
    holdings: [
      [other("a"), "default", ["172.17.8.201"]],
      [other("b"), "default", ["172.17.8.202"]],
      [other("c"), "default", ["172.17.8.203"]],
    ],
    want: { kind: "pending", reason: "PoolExhausted", message: /no free address: pool "default" is exhausted; add addresses to a pool/ },
  },
  { name: "autoAssign false pools are not used automatically", pools: [makePool("manual", ["10.9.0.0/30"], noAuto)], want: { kind: "no-pool" } },
  { name: "a pool for other namespaces: node-IP mode", pools: [makePool("team-b", ["10.9.0.0/30"], sa({ namespaces: ["team-b"] }))], want: { kind: "no-pool" } },
  { name: "avoidBuggyIPs skips .0", pools: [makePool("p", ["10.9.0.0/24"], avoidBuggy)], want: { kind: "assigned", pool: "p", ips: ["10.9.0.1"] } },
  { name: "without avoidBuggyIPs .0 is handed out", pools: [makePool("p", ["10.9.0.0/24"])], want: { kind: "assigned", pool: "p", ips: ["10.9.0.0"] } },
  {
    name: "avoidBuggyIPs skips .255 into the next /24",
    pools: [makePool("p", ["10.9.0.254-10.9.1.1"], avoidBuggy)],
    holdings: [[other("a"), "p", ["10.9.0.254"]]],
    want: { kind: "assigned", pool: "p", ips: ["10.9.1.1"] },
  },
  {
    name: "the lower priority number wins over name order",
    pools: [makePool("a", ["10.9.0.0/30"], sa({ priority: 20 })), makePool("b", ["10.9.1.0/30"], sa({ priority: 10 }))],
    want: { kind: "assigned", pool: "b", ips: ["10.9.1.0"] },
  },
  {
    name: "a pool with a priority before one without",
    pools: [makePool("a", ["10.9.0.0/30"]), makePool("b", ["10.9.1.0/30"], sa({ priority: 50 }))],
    want: { kind: "assigned", pool: "b", ips: ["10.9.1.0"] },
  },
  {
    name: "the next pool when the preferred one is full",
    pools: [makePool("a", ["10.9.0.1/32"], sa({ priority: 1 })), makePool("b", ["10.9.1.0/30"], sa({ priority: 2 }))],
    holdings: [[other("x"), "a", ["10.9.0.1"]]],
    want: { kind: "assigned", pool: "b", ips: ["10.9.1.0"] },
  },
  {
    name: "all admitting pools full: PoolExhausted names them",
    pools: [makePool("a", ["10.9.0.1/32"]), makePool("b", ["10.9.1.1/32"])],
    holdings: [
      [other("x"), "a", ["10.9.0.1"]],
      [other("y"), "b", ["10.9.1.1"]],
    ],
    want: { kind: "pending", reason: "PoolExhausted", message: /the pools that admit this service \("a", "b"\) are exhausted/ },
  },
  {
    name: "a pool selecting the service comes before a catch-all pool",
    service: (s) => (s.metadata.labels = { tier: "gold" }),
    pools: [makePool("a-all", ["10.9.0.0/30"]), makePool("gold", ["10.9.1.0/30"], sa({ serviceSelectors: [{ matchLabels: { tier: "gold" } }] }))],
    want: { kind: "assigned", pool: "gold", ips: ["10.9.1.0"] },
  },
  {
    name: "a namespace selector matching the namespace's labels",
    namespaceLabels: { env: "prod" },
    pools: [makePool("prod", ["10.9.1.0/30"], sa({ namespaceSelectors: [{ matchLabels: { env: "prod" } }] }))],
    want: { kind: "assigned", pool: "prod", ips: ["10.9.1.0"] },
  },
  {
    name: "a namespace selector not matching",
    namespaceLabels: { env: "dev" },
    pools: [makePool("prod", ["10.9.1.0/30"], sa({ namespaceSelectors: [{ matchLabels: { env: "prod" } }] }))],
    want: { kind: "no-pool" },
  },
  // ---- sharing ----
  {
    name: "a compatible sharer gets the shared address",
    service: edit(sharing("dns"), ports([53, "UDP"])),
    pools: [dflt],
    holdings: [[other("dns-tcp", edit(sharing("dns"), ports([53, "TCP"]))), "default", ["172.17.8.201"]]],
    want: { kind: "assigned", pool: "default", ips: ["172.17.8.201"] },
  },
  {
    name: "a sharer whose port collides gets another address",
    service: edit(sharing("dns"), ports([53, "TCP"])),
    pools: [dflt],
    holdings: [[other("dns-tcp", edit(sharing("dns"), ports([53, "TCP"]))), "default", ["172.17.8.201"]]],
    want: { kind: "assigned", pool: "default", ips: ["172.17.8.202"] },
  },
  {
    name: "Local sharers with other selectors do not share",
    service: edit(sharing("k"), ports([81, "TCP"]), (s) => (s.spec.externalTrafficPolicy = "Local")),
    pools: [dflt],
    holdings: [
      [
        other(
          "a",
          edit(sharing("k"), (s) => {
            s.spec.externalTrafficPolicy = "Local";
            s.spec.selector = { app: "other" };
          }),
        ),
        "default",
        ["172.17.8.201"],
      ],
    ],
    want: { kind: "assigned", pool: "default", ips: ["172.17.8.202"] },
  },
  // ---- requested addresses ----
  { name: "a requested address inside a pool", service: requestIP("172.17.8.203"), pools: [dflt], want: { kind: "assigned", pool: "default", ips: ["172.17.8.203"] } },
  { name: "a requested address from an autoAssign false pool", service: requestIP("10.9.0.2"), pools: [makePool("manual", ["10.9.0.0/30"], noAuto)], want: { kind: "assigned", pool: "manual", ips: ["10.9.0.2"] } },
  {
    name: "a requested address in no pool",
    service: requestIP("172.17.8.9"),
    pools: [dflt],
    want: { kind: "pending", reason: "AddressNotInPool", message: /172.17.8.9 \(spec.loadBalancerIP\) is not in any IPAddressPool in namespace metallb-system; request an address inside a pool/ },
  },
  { name: "a requested address with no pools at all: not node-IP mode", service: requestIP("172.17.8.9"), pools: [], want: { kind: "pending", reason: "AddressNotInPool" } },
  {
    name: "a requested .0 of an avoidBuggyIPs pool",
    service: requestIP("10.9.0.0"),
    pools: [makePool("p", ["10.9.0.0/24"], avoidBuggy)],
    want: { kind: "pending", reason: "AddressNotInPool" },
  },
  {
    name: "a requested address held by a service that does not share",
    service: requestIP("172.17.8.201"),
    pools: [dflt],
    holdings: [[other("a"), "default", ["172.17.8.201"]]],
    want: { kind: "pending", reason: "AddressInUse", message: /172.17.8.201 is held by default\/a, which does not allow sharing it.*; or request another address/ },
  },
  {
    name: "a requested address shared with a compatible service",
    service: edit(requestIP("172.17.8.201"), sharing("web"), ports([443, "TCP"])),
    pools: [dflt],
    holdings: [[other("http", edit(sharing("web"), ports([80, "TCP"]))), "default", ["172.17.8.201"]]],
    want: { kind: "assigned", pool: "default", ips: ["172.17.8.201"] },
  },
  {
    name: "a requested address shared, but the port collides",
    service: edit(requestIP("172.17.8.201"), sharing("web"), ports([80, "TCP"])),
    pools: [dflt],
    holdings: [[other("http", edit(sharing("web"), ports([80, "TCP"]))), "default", ["172.17.8.201"]]],
    want: { kind: "pending", reason: "AddressInUse", message: /port TCP\/80 on 172.17.8.201 is already used by default\/http/ },
  },
  {
    name: "a requested address of a pool that does not admit the service",
    service: requestIP("10.9.0.1"),
    pools: [makePool("team-b", ["10.9.0.0/30"], sa({ namespaces: ["team-b"] }))],
    want: { kind: "pending", reason: "NoMatchingPool", message: /pool "team-b" does not admit this service/ },
  },
  {
    name: "a requested address outside the named pool",
    service: edit(requestIP("172.17.8.201"), annotate({ "metallb.io/address-pool": "gold" })),
    pools: [dflt, makePool("gold", ["10.9.0.0/30"])],
    want: { kind: "pending", reason: "AddressNotInPool", message: /is not in pool "gold"/ },
  },
  {
    name: "the loadBalancerIPs annotation, dual-stack",
    service: edit(families(["IPv6", "IPv4"]), annotate({ "metallb.io/loadBalancerIPs": "172.17.8.202,fd00::2" })),
    pools: [makePool("dual", ["172.17.8.201-172.17.8.203", "fd00::/120"])],
    want: { kind: "assigned", pool: "dual", ips: ["fd00::2", "172.17.8.202"] },
  },
  { name: "an invalid request", service: requestIP("not-an-ip"), pools: [dflt], want: { kind: "pending", reason: "InvalidRequest", message: /not an IP address/ } },
  // ---- a named pool ----
  {
    name: "an unknown pool",
    service: annotate({ "metallb.io/address-pool": "gold" }),
    pools: [dflt],
    want: { kind: "pending", reason: "UnknownPool", message: /no IPAddressPool "gold" in namespace metallb-system \(named by the metallb.io\/address-pool annotation\)/ },
  },
  {
    name: "a named autoAssign false pool",
    service: annotate({ "metallb.universe.tf/address-pool": "manual" }),
    pools: [dflt, makePool("manual", ["10.9.0.0/30"], noAuto)],
    want: { kind: "assigned", pool: "manual", ips: ["10.9.0.0"] },
  },
  {
    name: "a named pool that is full",
    service: annotate({ "metallb.io/address-pool": "one" }),
    pools: [dflt, makePool("one", ["10.9.0.1/32"])],
    holdings: [[other("a"), "one", ["10.9.0.1"]]],
    want: { kind: "pending", reason: "PoolExhausted", message: /pool "one"/ },
  },
  {
    name: "a named pool that does not admit the service",
    service: annotate({ "metallb.io/address-pool": "team-b" }),
    pools: [makePool("team-b", ["10.9.0.0/30"], sa({ namespaces: ["team-b"] }))],
    want: { kind: "pending", reason: "NoMatchingPool" },
  },
  {
    name: "a named pool without the service's family",
    service: edit(annotate({ "metallb.io/address-pool": "default" }), families(["IPv6"])),
    pools: [dflt],
    want: { kind: "pending", reason: "NoMatchingPool", message: /has no IPv6 addresses/ },
  },
  // ---- families ----
  { name: "IPv6 service, IPv4 pools only: node-IP mode", service: families(["IPv6"]), pools: [dflt], want: { kind: "no-pool" } },
  {
    name: "dual-stack: one address per family, in spec order",
    service: families(["IPv6", "IPv4"]),
    pools: [makePool("dual", ["fd00::10-fd00::11", "172.17.8.201-172.17.8.202"])],
    want: { kind: "assigned", pool: "dual", ips: ["fd00::10", "172.17.8.201"] },
  },
  {
    name: "RequireDualStack skips a single-family pool of higher priority",
    service: families(["IPv4", "IPv6"]),
    pools: [makePool("v4", ["10.9.0.0/30"], sa({ priority: 1 })), makePool("dual", ["172.17.8.201/32", "fd00::1/128"])],
    want: { kind: "assigned", pool: "dual", ips: ["172.17.8.201", "fd00::1"] },
  },
  {
    name: "PreferDualStack takes one family when no pool has both",
    service: families(["IPv4", "IPv6"], "PreferDualStack"),
    pools: [makePool("v4", ["10.9.0.0/30"])],
    want: { kind: "assigned", pool: "v4", ips: ["10.9.0.0"] },
  },
  {
    name: "PreferDualStack: a pool with both free wins over an earlier one with the primary only",
    service: families(["IPv4", "IPv6"], "PreferDualStack"),
    pools: [makePool("a", ["10.9.0.0/30", "fd00::1/128"]), makePool("b", ["10.9.1.0/30", "fd01::/126"])],
    holdings: [[other("x", families(["IPv6"])), "a", ["fd00::1"]]],
    want: { kind: "assigned", pool: "b", ips: ["10.9.1.0", "fd01::"] },
  },
  {
    name: "PreferDualStack: the primary family when no pool has both free",
    service: families(["IPv4", "IPv6"], "PreferDualStack"),
    pools: [makePool("a", ["10.9.0.0/30", "fd00::1/128"])],
    holdings: [[other("x", families(["IPv6"])), "a", ["fd00::1"]]],
    want: { kind: "assigned", pool: "a", ips: ["10.9.0.0"] },
  },
  // ---- what the service holds (restart state, pool edits) ----
  {
    name: "keeps its address even when a lower one is free (restart)",
    pools: [dflt],
    current: { ips: ["172.17.8.203"], pool: "default" },
    want: { kind: "assigned", pool: "default", ips: ["172.17.8.203"], added: [] },
  },
  {
    name: "an address removed from its pool moves the service",
    pools: [makePool("default", ["172.17.8.210-172.17.8.211"])],
    current: { ips: ["172.17.8.203"], pool: "default" },
    want: { kind: "assigned", pool: "default", ips: ["172.17.8.210"] },
    dropped: /172.17.8.203 is no longer in an IPAddressPool in namespace metallb-system/,
  },
  {
    name: "its pool deleted and no other: node-IP mode",
    pools: [],
    current: { ips: ["172.17.8.203"], pool: "default" },
    want: { kind: "no-pool" },
    dropped: /no longer in an IPAddressPool/,
  },
  {
    name: "its address now in another pool: kept, under that pool",
    pools: [makePool("bigger", ["172.17.8.0/24"])],
    current: { ips: ["172.17.8.203"], pool: "default" },
    want: { kind: "assigned", pool: "bigger", ips: ["172.17.8.203"] },
  },
  {
    name: "a .0 address after avoidBuggyIPs is turned on",
    pools: [makePool("p", ["10.9.0.0/24"], avoidBuggy)],
    current: { ips: ["10.9.0.0"], pool: "p" },
    want: { kind: "assigned", pool: "p", ips: ["10.9.0.1"] },
    dropped: /no longer in an IPAddressPool/,
  },
  {
    name: "its pool no longer admits the service",
    pools: [makePool("default", ["172.17.8.201-172.17.8.203"], sa({ namespaces: ["team-b"] }))],
    current: { ips: ["172.17.8.203"], pool: "default" },
    want: { kind: "no-pool" },
    dropped: /pool "default" no longer admits this service/,
  },
  {
    name: "another pool named by the annotation",
    service: annotate({ "metallb.io/address-pool": "gold" }),
    pools: [dflt, makePool("gold", ["10.9.0.0/30"])],
    current: { ips: ["172.17.8.203"], pool: "default" },
    want: { kind: "assigned", pool: "gold", ips: ["10.9.0.0"] },
    dropped: /the metallb.io\/address-pool annotation asks for pool "gold"/,
  },
  {
    name: "another address requested",
    service: requestIP("172.17.8.202"),
    pools: [dflt],
    current: { ips: ["172.17.8.203"], pool: "default" },
    want: { kind: "assigned", pool: "default", ips: ["172.17.8.202"] },
    dropped: /spec.loadBalancerIP asks for 172.17.8.202/,
  },
  {
    name: "a clash found on restart: the later service moves",
    pools: [dflt],
    holdings: [[other("older"), "default", ["172.17.8.201"]]],
    current: { ips: ["172.17.8.201"], pool: "default" },
    want: { kind: "assigned", pool: "default", ips: ["172.17.8.202"] },
    dropped: /held by default\/older/,
  },
  {
    name: "PreferDualStack tops up the missing family from the same pool",
    service: families(["IPv4", "IPv6"], "PreferDualStack"),
    pools: [makePool("dual", ["172.17.8.201/32", "fd00::/126"])],
    current: { ips: ["172.17.8.201"], pool: "dual" },
    want: { kind: "assigned", pool: "dual", ips: ["172.17.8.201", "fd00::"], added: ["fd00::"] },
  },
  {
    name: "a single address for a service that became RequireDualStack",
    service: families(["IPv4", "IPv6"]),
    pools: [makePool("dual", ["172.17.8.201-172.17.8.202", "fd00::/126"])],
    current: { ips: ["172.17.8.201"], pool: "dual" },
    want: { kind: "assigned", pool: "dual", ips: ["172.17.8.201", "fd00::"] },
    dropped: /needs one address per family/,
  },
];

describe("decideAddresses", () => {
  for (const c of cases) {
    it(c.name, () => {
      const svc = makeService("default", "svc", c.service);
      const d = decideAddresses({
        service: "default/svc",
        request: readLoadBalancerRequest(svc),
        candidate: { namespace: "default", labels: svc.metadata.labels, namespaceLabels: c.namespaceLabels },
        pools: [...c.pools].sort((a, b) => (a.name < b.name ? -1 : 1)),
        book: bookWith(c.holdings ?? []),
        current: c.current,
      });
      assert.equal(d.kind, c.want.kind, JSON.stringify(d));
      if (d.kind === "assigned" && c.want.kind === "assigned") {
        assert.equal(d.pool, c.want.pool);
        assert.deepEqual(d.ips, c.want.ips);
        if (c.want.added) assert.deepEqual(d.added, c.want.added);
      }
      if (d.kind === "pending" && c.want.kind === "pending") {
        assert.equal(d.reason, c.want.reason, d.message);
        if (c.want.message) assert.match(d.message, c.want.message);
      }
      if (c.dropped) assert.match(d.dropped?.why ?? "(nothing dropped)", c.dropped);
      else assert.equal(d.dropped, undefined);
    });
  }
});
