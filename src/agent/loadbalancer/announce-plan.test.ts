// Table tests of the layer-2 announce plan: pools and advertisements (by name, by selector, all),
// node selectors, live speakers, Ready / excluded / network-unavailable nodes, externalTrafficPolicy
// Local, addresses outside every pool, ipMode, classes, dual stack and shared addresses. The
// expected owners come from the golden election orders in speaker-election.test.ts:
// 172.17.8.201 ranks core-v2-03, -02, -01; 172.17.8.202 ranks core-v2-01, -02, -03.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AnnouncePlanInput, AnnounceReason } from "./announce-plan.js";
import { EXCLUDE_FROM_LB_LABEL, announcePlan } from "./announce-plan.js";
import { defaultAdvertisement, defaultPool, endpointOn, makeAdvertisement, makeLBService, makeNode, makePool, makeSlice } from "./announce-fixtures.js";

const names = ["core-v2-01", "core-v2-02", "core-v2-03"];
const web = makeLBService("default", "web", ["172.17.8.201"]);
const webLocal = makeLBService("default", "web", ["172.17.8.201"], (s) => void (s.spec.externalTrafficPolicy = "Local"));
const webSlice = makeSlice("default", "web", [endpointOn("core-v2-01", "10.1.13.2")]);
const notReady = { ready: false, serving: false, terminating: false };
const terminatingServing = { ready: false, serving: true, terminating: true };

function base(): AnnouncePlanInput {
  return {
    node: "core-v2-03",
    services: [web],
    endpointSlices: [webSlice],
    nodes: names.map((n) => makeNode(n)),
    pools: [defaultPool],
    advertisements: [defaultAdvertisement],
    liveSpeakers: new Set(names),
  };
}

function withNode(name: string, edit: Parameters<typeof makeNode>[1]): AnnouncePlanInput["nodes"] {
  return names.map((n) => makeNode(n, n === name ? edit : undefined));
}

interface Case {
  name: string;
  input: Partial<AnnouncePlanInput>;
  /** What "default/web" (or `service`) gets. */
  reason: AnnounceReason;
  owner?: string;
  service?: string;
  /** The addresses node `input.node ?? core-v2-03` must hold; default: [] unless it is the owner. */
  owned?: string[];
}

const cases: Case[] = [
  { name: "the elected node holds the address", input: {}, reason: "owner", owner: "core-v2-03", owned: ["172.17.8.201"] },
  { name: "the other nodes agree on the owner and hold nothing", input: { node: "core-v2-01" }, reason: "otherNode", owner: "core-v2-03" },
  { name: "a node without a live speaker is not eligible", input: { liveSpeakers: new Set(["core-v2-01", "core-v2-02"]) }, reason: "otherNode", owner: "core-v2-02" },
  { name: "the next in rank takes over, and only it", input: { node: "core-v2-02", liveSpeakers: new Set(["core-v2-01", "core-v2-02"]) }, reason: "owner", owner: "core-v2-02", owned: ["172.17.8.201"] },
  { name: "a node that is not Ready is not eligible", input: { nodes: withNode("core-v2-03", (n) => void (n.status = { conditions: [{ type: "Ready", status: "Unknown" }] })) }, reason: "otherNode", owner: "core-v2-02" },
  { name: "a node with no conditions is not eligible", input: { nodes: withNode("core-v2-03", (n) => void delete n.status) }, reason: "otherNode", owner: "core-v2-02" },
  { name: "a node excluded from load balancers is not eligible", input: { nodes: withNode("core-v2-03", (n) => void (n.metadata.labels = { [EXCLUDE_FROM_LB_LABEL]: "" })) }, reason: "otherNode", owner: "core-v2-02" },
  {
    name: "a node whose network is unavailable is not eligible",
    input: { nodes: withNode("core-v2-03", (n) => void n.status?.conditions?.push({ type: "NetworkUnavailable", status: "True" })) },
    reason: "otherNode",
    owner: "core-v2-02",
  },
  { name: "a live speaker without a Node object is not eligible", input: { nodes: [makeNode("core-v2-01"), makeNode("core-v2-02")] }, reason: "otherNode", owner: "core-v2-02" },
  { name: "externalTrafficPolicy Local: only nodes with a serving endpoint", input: { services: [webLocal] }, reason: "otherNode", owner: "core-v2-01" },
  { name: "externalTrafficPolicy Local: the endpoint's node holds it", input: { node: "core-v2-01", services: [webLocal] }, reason: "owner", owner: "core-v2-01", owned: ["172.17.8.201"] },
  {
    name: "externalTrafficPolicy Local: a terminating but serving endpoint counts, an unready one does not",
    input: { services: [webLocal], endpointSlices: [makeSlice("default", "web", [endpointOn("core-v2-03", "10.1.15.2", notReady), endpointOn("core-v2-02", "10.1.14.2", terminatingServing)])] },
    reason: "otherNode",
    owner: "core-v2-02",
  },
  {
    name: "externalTrafficPolicy Local: endpoints only on nodes without a speaker",
    input: { services: [webLocal], liveSpeakers: new Set(["core-v2-02", "core-v2-03"]) },
    reason: "noEligibleNode",
  },
  {
    name: "externalTrafficPolicy Local: endpoints spread over slices",
    input: { services: [webLocal], endpointSlices: [makeSlice("default", "web", [endpointOn("core-v2-01", "10.1.13.2", notReady)], "a"), makeSlice("default", "web", [endpointOn("core-v2-02", "10.1.14.2")], "b")] },
    reason: "otherNode",
    owner: "core-v2-02",
  },
  { name: "no serving endpoint: not announced", input: { endpointSlices: [makeSlice("default", "web", [endpointOn("core-v2-03", "10.1.15.2", notReady)])] }, reason: "noServingEndpoints" },
  { name: "no EndpointSlice: not announced", input: { endpointSlices: [] }, reason: "noServingEndpoints" },
  { name: "another service's endpoints do not count", input: { endpointSlices: [makeSlice("default", "db", [endpointOn("core-v2-03", "10.1.15.2")])] }, reason: "noServingEndpoints" },
  { name: "an endpoint without conditions can serve", input: { endpointSlices: [makeSlice("default", "web", [{ addresses: ["10.1.13.2"] }])] }, reason: "owner", owner: "core-v2-03", owned: ["172.17.8.201"] },
  { name: "an address outside every pool (node-IP mode) is never announced", input: { services: [makeLBService("default", "web", ["172.17.8.101"])] }, reason: "notInPool" },
  { name: "no pools at all", input: { pools: [] }, reason: "notInPool" },
  { name: "ipMode Proxy is someone else's", input: { services: [makeLBService("default", "web", [], (s) => void (s.status = { loadBalancer: { ingress: [{ ip: "172.17.8.201", ipMode: "Proxy" }] } }))] }, reason: "noAddress" },
  { name: "ipMode unset means VIP", input: { services: [makeLBService("default", "web", [], (s) => void (s.status = { loadBalancer: { ingress: [{ ip: "172.17.8.201" }] } }))] }, reason: "owner", owner: "core-v2-03", owned: ["172.17.8.201"] },
  { name: "no ingress yet (pending)", input: { services: [makeLBService("default", "web", [])] }, reason: "noAddress" },
  { name: "a hostname ingress has no address", input: { services: [makeLBService("default", "web", [], (s) => void (s.status = { loadBalancer: { ingress: [{ hostname: "lb.example" }] } }))] }, reason: "noAddress" },
  { name: "an unparsable ingress IP", input: { services: [makeLBService("default", "web", ["172.17.8.300"])] }, reason: "invalidAddress" },
  { name: "a pool no advertisement names", input: { advertisements: [makeAdvertisement("other", (a) => void (a.spec.ipAddressPools = ["other"]))] }, reason: "notAdvertised" },
  { name: "no advertisements at all", input: { advertisements: [] }, reason: "notAdvertised" },
  { name: "an advertisement without pools or selectors announces every pool", input: { advertisements: [makeAdvertisement("all")] }, reason: "owner", owner: "core-v2-03", owned: ["172.17.8.201"] },
  {
    name: "an advertisement selects the pool by label",
    input: {
      pools: [makePool("public", ["172.17.8.192/26"], (p) => void (p.metadata.labels = { tier: "public" }))],
      advertisements: [makeAdvertisement("by-label", (a) => void (a.spec.ipAddressPoolSelectors = [{ matchLabels: { tier: "public" } }]))],
    },
    reason: "owner",
    owner: "core-v2-03",
    owned: ["172.17.8.201"],
  },
  {
    name: "a pool selector that does not match",
    input: {
      pools: [makePool("public", ["172.17.8.192/26"], (p) => void (p.metadata.labels = { tier: "public" }))],
      advertisements: [makeAdvertisement("by-label", (a) => void (a.spec.ipAddressPoolSelectors = [{ matchLabels: { tier: "internal" } }]))],
    },
    reason: "notAdvertised",
  },
  {
    name: "node selectors leave out the hash winner",
    input: {
      advertisements: [makeAdvertisement("some", (a) => void (a.spec.nodeSelectors = [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["core-v2-01", "core-v2-02"] }] }]))],
    },
    reason: "otherNode",
    owner: "core-v2-02",
  },
  {
    name: "node selectors of two advertisements add up",
    input: {
      advertisements: [
        makeAdvertisement("one", (a) => void (a.spec.nodeSelectors = [{ matchLabels: { "kubernetes.io/hostname": "core-v2-01" } }])),
        makeAdvertisement("three", (a) => void (a.spec.nodeSelectors = [{ matchLabels: { "kubernetes.io/hostname": "core-v2-03" } }])),
      ],
    },
    reason: "owner",
    owner: "core-v2-03",
    owned: ["172.17.8.201"],
  },
  {
    name: "a node selector In with no values admits nobody",
    input: { advertisements: [makeAdvertisement("bad", (a) => void (a.spec.nodeSelectors = [{ matchExpressions: [{ key: "x", operator: "In" }] }]))] },
    reason: "noEligibleNode",
  },
  { name: "another loadBalancerClass is left alone", input: { services: [makeLBService("default", "web", ["172.17.8.201"], (s) => void (s.spec.loadBalancerClass = "example.com/lb"))] }, reason: "otherClass" },
  {
    name: "the class this speaker serves is announced",
    input: { loadBalancerClass: "example.com/lb", services: [makeLBService("default", "web", ["172.17.8.201"], (s) => void (s.spec.loadBalancerClass = "example.com/lb"))] },
    reason: "owner",
    owner: "core-v2-03",
    owned: ["172.17.8.201"],
  },
  {
    name: "dual stack: the first address elects the owner of both",
    input: {
      node: "core-v2-01",
      services: [makeLBService("default", "web", ["172.17.8.202", "fd00::c8"])],
      pools: [makePool("default", ["172.17.8.201-172.17.8.250", "fd00::/120"])],
    },
    reason: "owner",
    owner: "core-v2-01",
    owned: ["172.17.8.202", "fd00::c8"],
  },
  {
    name: "dual stack across two pools is not announced",
    input: { services: [makeLBService("default", "web", ["172.17.8.202", "fd00::c8"])], pools: [defaultPool, makePool("v6", ["fd00::/120"])], advertisements: [makeAdvertisement("all")] },
    reason: "notInPool",
  },
  { name: "IPv6 addresses are compared in canonical form", input: { node: "core-v2-03", services: [makeLBService("default", "web", ["FD00:0::C8"])], pools: [makePool("v6", ["fd00::/120"])], advertisements: [makeAdvertisement("all")] }, reason: "owner", owner: "core-v2-03", owned: ["fd00::c8"] },
];

describe("announcePlan", () => {
  for (const c of cases) {
    it(c.name, () => {
      const input = { ...base(), ...c.input };
      const plan = announcePlan(input);
      const d = plan.decisions.find((x) => x.service === (c.service ?? "default/web"));
      assert.ok(d, "no decision for the service");
      assert.equal(d.reason, c.reason, d.message);
      assert.equal(d.owner, c.owner, d.message);
      assert.deepEqual(
        plan.owned.map((o) => o.address),
        c.owned ?? [],
      );
    });
  }

  it("holds a shared address once, for every service on it", () => {
    const dns = makeLBService("default", "dns-udp", ["172.17.8.201"]);
    const plan = announcePlan({ ...base(), services: [web, dns], endpointSlices: [webSlice, makeSlice("default", "dns-udp", [endpointOn("core-v2-02", "10.1.14.9")])] });
    assert.deepEqual(plan.owned, [{ address: "172.17.8.201", family: "IPv4", services: ["default/dns-udp", "default/web"], reason: plan.owned[0].reason }]);
    assert.match(plan.owned[0].reason, /elected among pool default, 3 eligible nodes/);
  });

  it("lists only LoadBalancer services, sorted, and holds addresses sorted", () => {
    const cluster = makeLBService("default", "plain", [], (s) => void (s.spec.type = "ClusterIP"));
    const services = ["172.17.8.240", "172.17.8.203", "172.17.8.201", "172.17.8.211", "172.17.8.230"].map((ip, i) => makeLBService("apps", `svc-${i}`, [ip]));
    const slices = services.map((s) => makeSlice("apps", s.metadata.name ?? "", [endpointOn("core-v2-01", "10.1.13.2")]));
    const plans = names.map((node) => announcePlan({ ...base(), node, services: [...services, cluster], endpointSlices: slices }));
    assert.deepEqual(plans[0].decisions.map((d) => d.service), services.map((s) => `apps/${s.metadata.name}`));
    for (const p of plans) {
      const values = p.owned.map((o) => Number(o.address.split(".")[3]));
      assert.deepEqual(values, [...values].sort((a, b) => a - b));
    }
    // Every address is held by exactly one node.
    const held = plans.flatMap((p) => p.owned.map((o) => o.address)).sort();
    assert.deepEqual(held, ["172.17.8.201", "172.17.8.203", "172.17.8.211", "172.17.8.230", "172.17.8.240"]);
  });
});
