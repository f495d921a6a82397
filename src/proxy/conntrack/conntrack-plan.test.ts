import { test } from "node:test";
import assert from "node:assert/strict";
import { makeProxyState, makeRemoteEndpoint, makeServicePort } from "../iptables/testdata/nginx-fixtures.js";
import type { EndpointInfo, Protocol, ServicePortInfo } from "../types.js";
import type { ConntrackEntry } from "./conntrack-entry.js";
import { conntrackDeleteArgs, staleHalfOpenTcpEntries, staleUdpEntries } from "./conntrack-plan.js";

/** A service port in namespace "ns", by default UDP 10.0.0.10:53. */
function makePort(name: string, edit: (p: ServicePortInfo) => void = () => {}, protocol: Protocol = "UDP"): ServicePortInfo {
  return makeServicePort("ns", name, (p) => {
    p.name.protocol = protocol;
    p.protocol = protocol;
    p.clusterIP = "10.0.0.10";
    p.port = 53;
    edit(p);
  });
}

/** A serving endpoint, or a terminating one that no longer serves. */
function endpoint(ip: string, port: number, serving = true): EndpointInfo {
  return makeRemoteEndpoint(ip, port, (ep) => {
    ep.ready = serving;
    ep.serving = serving;
    ep.terminating = !serving;
  });
}

function flow(origDst: string, origDport: number, replySrc: string, replySport: number, protocol = "udp", unreplied = false): ConntrackEntry {
  return {
    protocol,
    timeoutSeconds: 30,
    orig: { src: "10.1.13.5", dst: origDst, sport: 43211, dport: origDport },
    reply: { src: replySrc, dst: "10.1.13.5", sport: replySport, dport: 43211 },
    unreplied,
    assured: !unreplied && protocol === "tcp",
  };
}

const dns = makePort("dns", (p) => {
  p.externalIPs = ["192.0.2.1"];
  p.loadBalancerVIPs = ["198.51.100.1"];
  p.nodePort = 30053;
});
const state = makeProxyState([
  { service: dns, endpoints: [endpoint("10.1.13.7", 53), endpoint("10.1.13.8", 53, false)] },
  { service: makePort("empty", (p) => ((p.clusterIP = "10.0.0.20"), (p.nodePort = 30054))), endpoints: [] },
  { service: makePort("web", (p) => ((p.clusterIP = "10.0.0.30"), (p.port = 80), (p.nodePort = 30080)), "TCP"), endpoints: [endpoint("10.1.13.9", 80), endpoint("10.1.13.10", 80, false)] },
]);

test("staleUdpEntries", () => {
  const cases: { name: string; entry: ConntrackEntry; deleted?: ServicePortInfo[]; stale: boolean }[] = [
    { name: "cluster IP to a serving endpoint", entry: flow("10.0.0.10", 53, "10.1.13.7", 53), stale: false },
    { name: "cluster IP to a gone endpoint", entry: flow("10.0.0.10", 53, "10.1.13.99", 53), stale: true },
    { name: "cluster IP to a terminating, not serving endpoint", entry: flow("10.0.0.10", 53, "10.1.13.8", 53), stale: true },
    { name: "right IP, wrong port of the endpoint", entry: flow("10.0.0.10", 53, "10.1.13.7", 5353), stale: true },
    { name: "never DNATed (sent while there was no endpoint)", entry: flow("10.0.0.10", 53, "10.0.0.10", 53), stale: true },
    { name: "external IP to a gone endpoint", entry: flow("192.0.2.1", 53, "10.1.13.99", 53), stale: true },
    { name: "LB VIP to a serving endpoint", entry: flow("198.51.100.1", 53, "10.1.13.7", 53), stale: false },
    { name: "LB VIP to a gone endpoint", entry: flow("198.51.100.1", 53, "10.1.13.99", 53), stale: true },
    { name: "NodePort on any address to a gone endpoint", entry: flow("192.168.1.4", 30053, "10.1.13.99", 53), stale: true },
    { name: "NodePort to a serving endpoint", entry: flow("192.168.1.4", 30053, "10.1.13.7", 53), stale: false },
    { name: "service with zero endpoints", entry: flow("10.0.0.20", 53, "10.0.0.20", 53), stale: true },
    { name: "NodePort of a service with zero endpoints", entry: flow("192.168.1.4", 30054, "10.1.13.7", 53), stale: true },
    { name: "other port of a service VIP", entry: flow("10.0.0.10", 54, "10.1.13.99", 54), stale: false },
    { name: "not a service at all", entry: flow("8.8.8.8", 53, "8.8.8.8", 53), stale: false },
    { name: "TCP service is never touched", entry: flow("10.0.0.30", 80, "10.1.13.99", 80), stale: false },
    { name: "TCP entry to a UDP VIP is never touched", entry: flow("10.0.0.10", 53, "10.1.13.99", 53, "tcp"), stale: false },
    {
      name: "deleted service's VIP",
      entry: flow("10.0.0.40", 53, "10.1.13.7", 53),
      deleted: [makePort("gone", (p) => (p.clusterIP = "10.0.0.40"))],
      stale: true,
    },
    {
      name: "deleted service's NodePort",
      entry: flow("192.168.1.4", 30099, "10.1.13.7", 53),
      deleted: [makePort("gone", (p) => ((p.clusterIP = "10.0.0.40"), (p.nodePort = 30099)))],
      stale: true,
    },
    {
      name: "deleted service's VIP now used by a live one",
      entry: flow("10.0.0.10", 53, "10.1.13.7", 53),
      deleted: [makePort("gone")],
      stale: false,
    },
    {
      name: "deleted TCP ports are ignored",
      entry: flow("10.0.0.40", 53, "10.1.13.7", 53),
      deleted: [makePort("gone", (p) => (p.clusterIP = "10.0.0.40"), "TCP")],
      stale: false,
    },
  ];
  for (const c of cases) {
    const got = staleUdpEntries([c.entry], state, { deletedServicePorts: c.deleted });
    assert.equal(got.length === 1, c.stale, c.name);
  }
});

test("staleHalfOpenTcpEntries: only unanswered SYNs that went where the service no longer serves", () => {
  const halfOpen = (dst: string, dport: number, replySrc: string, replySport: number): ConntrackEntry => flow(dst, dport, replySrc, replySport, "tcp", true);
  const cases: { name: string; entry: ConntrackEntry; stale: boolean }[] = [
    { name: "half-open, cluster IP to a gone endpoint", entry: halfOpen("10.0.0.30", 80, "10.1.13.99", 80), stale: true },
    { name: "half-open, cluster IP to a serving endpoint (its SYN-ACK may be on the way)", entry: halfOpen("10.0.0.30", 80, "10.1.13.9", 80), stale: false },
    { name: "half-open, to a terminating endpoint that no longer serves", entry: halfOpen("10.0.0.30", 80, "10.1.13.10", 80), stale: true },
    { name: "half-open, NodePort to a gone endpoint", entry: halfOpen("172.17.8.101", 30080, "10.1.13.99", 80), stale: true },
    { name: "half-open, NodePort to a serving endpoint", entry: halfOpen("172.17.8.101", 30080, "10.1.13.9", 80), stale: false },
    { name: "established, to a gone endpoint: its own business (graceful termination)", entry: flow("10.0.0.30", 80, "10.1.13.99", 80, "tcp"), stale: false },
    { name: "established, to a terminating endpoint", entry: flow("10.0.0.30", 80, "10.1.13.10", 80, "tcp"), stale: false },
    { name: "half-open, not a service", entry: halfOpen("10.1.13.9", 80, "10.1.13.9", 80), stale: false },
    { name: "half-open, other port of the service's VIP", entry: halfOpen("10.0.0.30", 81, "10.1.13.99", 81), stale: false },
    { name: "half-open UDP-looking entry to a UDP VIP is not TCP's", entry: flow("10.0.0.10", 53, "10.1.13.99", 53, "udp", true), stale: false },
  ];
  for (const c of cases) assert.equal(staleHalfOpenTcpEntries([c.entry], state).length === 1, c.stale, c.name);
});

test("staleUdpEntries keeps input order and only the stale ones", () => {
  const entries = [
    flow("10.0.0.10", 53, "10.1.13.99", 53),
    flow("10.0.0.10", 53, "10.1.13.7", 53),
    flow("10.0.0.20", 53, "10.0.0.20", 53),
  ];
  assert.deepEqual(staleUdpEntries(entries, state), [entries[0], entries[2]]);
});

test("conntrackDeleteArgs names the whole original tuple and the reply source", () => {
  assert.deepEqual(conntrackDeleteArgs(flow("10.0.0.10", 53, "10.1.13.99", 5353)), [
    "-D",
    "-p",
    "udp",
    "--orig-src",
    "10.1.13.5",
    "--orig-dst",
    "10.0.0.10",
    "--orig-port-src",
    "43211",
    "--orig-port-dst",
    "53",
    "--reply-src",
    "10.1.13.99",
    "--reply-port-src",
    "5353",
  ]);
});
