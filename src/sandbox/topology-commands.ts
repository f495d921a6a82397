// The `ip` argument lists that realise a TopologyPlan / PodPlan, in order. Pure: the executor in
// sandbox-network.ts only runs them. Every interface is created directly inside its target
// namespace (`ip -n <ns> link add … peer … netns <other>`), so nothing ever appears in the
// machine's root namespace, even for an instant.

import { sysctlArgs } from "./ip-runner.js";
import { macForIPv4 } from "./mac-address.js";
import type { NodePlan, PodPlan, TopologyPlan } from "./topology-plan.js";

/** The underlay: a namespace holding the bridge every "machine" of the sandbox is plugged into. */
export interface UnderlayPlan {
  netns: string;
  bridge: string;
}

/** A namespace plugged into the underlay: its end of the veth, the bridge's end, its address. */
export interface UnderlayMember {
  netns: string;
  dev: string;
  underlayPeer: string;
  ip: string;
  ipPrefixLength: number;
}

/** Commands creating the underlay namespace and its address-less bridge. */
export function underlayCommands(plan: { underlay: UnderlayPlan }): string[][] {
  const { netns, bridge } = plan.underlay;
  return [
    ["netns", "add", netns],
    ["-n", netns, "link", "set", "lo", "up"],
    ["-n", netns, "link", "add", "name", bridge, "type", "bridge"],
    ["-n", netns, "link", "set", bridge, "up"],
  ];
}

/** Commands creating one node namespace, wiring it to the underlay bridge and adding its routes. */
export function nodeCommands(plan: TopologyPlan, node: NodePlan): string[][] {
  const ns = node.netns;
  return [
    ...underlayMemberCommands(plan.underlay, { netns: ns, dev: node.underlayDev, underlayPeer: node.underlayPeer, ip: node.ip, ipPrefixLength: node.ipPrefixLength }),
    // A MAC of its own, or the bridge would take its lowest port's and change it as pods come and go.
    ["-n", ns, "link", "add", "name", node.bridge, "address", macForIPv4(node.bridgeIp), "type", "bridge"],
    ["-n", ns, "addr", "add", `${node.bridgeIp}/${prefixLengthOf(node.podCidr)}`, "dev", node.bridge],
    ["-n", ns, "link", "set", node.bridge, "up"],
    sysctlArgs(ns, { key: "net.ipv4.ip_forward", value: "1" }),
    ...node.routes.map((r) => ["-n", ns, "route", "add", r.dst, "via", r.via, "dev", r.dev]),
    ...node.deviceRoutes.map((r) => ["-n", ns, "route", "add", r.dst, "dev", r.dev]),
  ];
}

/**
 * Commands creating a namespace plugged into the underlay bridge: loopback up, a veth whose far
 * end is created inside the namespace, the address, the link up — and nothing else (only the
 * connected route).
 */
export function underlayMemberCommands(underlay: UnderlayPlan, m: UnderlayMember): string[][] {
  return [
    ["netns", "add", m.netns],
    ["-n", m.netns, "link", "set", "lo", "up"],
    ["-n", underlay.netns, "link", "add", "name", m.underlayPeer, "type", "veth", "peer", "name", m.dev, "address", macForIPv4(m.ip), "netns", m.netns],
    ["-n", underlay.netns, "link", "set", m.underlayPeer, "master", underlay.bridge],
    ["-n", underlay.netns, "link", "set", m.underlayPeer, "up"],
    ["-n", m.netns, "addr", "add", `${m.ip}/${m.ipPrefixLength}`, "dev", m.dev],
    ["-n", m.netns, "link", "set", m.dev, "up"],
  ];
}

/** Commands creating the outside client: a namespace on br0 with only its connected route. */
export function clientCommands(plan: TopologyPlan): string[][] {
  return underlayMemberCommands(plan.underlay, plan.client);
}

/** Commands creating a pod namespace with eth0 on its node's bridge and a default route to it. */
export function podCommands(pod: PodPlan): string[][] {
  const ns = pod.netns;
  const node = pod.nodeNetns;
  return [
    ["netns", "add", ns],
    ["-n", ns, "link", "set", "lo", "up"],
    // The pod's MAC follows its IP, so a later pod with the same IP keeps the node's ARP entry right.
    ["-n", node, "link", "add", "name", pod.hostVeth, "type", "veth", "peer", "name", pod.podDev, "address", macForIPv4(pod.ip), "netns", ns],
    ["-n", node, "link", "set", pod.hostVeth, "master", pod.bridge],
    // Hairpin: a pod reaching itself through its Service gets its packet back on the same port.
    ["-n", node, "link", "set", pod.hostVeth, "type", "bridge_slave", "hairpin", "on"],
    ["-n", node, "link", "set", pod.hostVeth, "up"],
    ["-n", ns, "addr", "add", `${pod.ip}/${pod.prefixLength}`, "dev", pod.podDev],
    ["-n", ns, "link", "set", pod.podDev, "up"],
    ["-n", ns, "route", "add", "default", "via", pod.gateway, "dev", pod.podDev],
  ];
}

function prefixLengthOf(cidr: string): string {
  return cidr.slice(cidr.indexOf("/") + 1);
}
