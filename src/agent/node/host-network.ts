// Pod networking on the machine the agent runs on (`svcnet agent` joined from another host):
// the node is the agent's own network namespace. The agent makes the pod bridge there (docker0,
// address = first address of the pod range), turns on forwarding, and plugs each pod namespace
// into the bridge with a veth — what a sandbox node namespace has (topology-commands.ts), built
// in place. Routes to other machines' pod ranges are the host's business (docs/joining-machines.md).
//
// Pod namespaces are named `svcnet-<node name>-pod-<hash of the pod id>`, so an agent that
// restarts finds its pods again. The command lists are pure; HostNodeNetwork runs them.

import { readFileSync, writeFileSync } from "node:fs";
import { cidrContains, parseCIDR } from "../../allocators/cidr.js";
import { formatIP, parseIP } from "../../allocators/ip.js";
import { listNamespaces } from "../../sandbox/destroy-by-prefix.js";
import type { IpRunner } from "../../sandbox/ip-runner.js";
import type { PodOptions } from "../../sandbox/topology-plan.js";
import { macForIPv4 } from "../../sandbox/mac-address.js";
import { podHash, podNetnsName, SANDBOX_PREFIX } from "../../sandbox/topology-plan.js";
import type { NodeNetwork, NodePodNetwork } from "./node-network.js";

/** The node's side of pod networking on this machine. */
export interface HostNodePlan {
  /** Pod namespaces start with this: `svcnet-<node name>-`. */
  podPrefix: string;
  bridge: string;
  /** The pod range, e.g. 10.1.20.0/24. */
  podCidr: string;
  /** The bridge's address and the pods' gateway: the first address of the range. */
  gateway: string;
  prefixLength: number;
}

/** A pod on this machine: its namespace and the veth on the bridge. */
export interface HostPodPlan {
  podId: string;
  netns: string;
  hostVeth: string;
  ip: string;
}

/** A request the host network refuses: a bad range, an address off the range, a bridge in the way. */
export class HostNetworkError extends Error {
  override readonly name = "HostNetworkError";
}

/** Plans node `name` with pod range `podCidr` (IPv4, /8–/30) on bridge `bridge` (default docker0). */
export function planHostNode(o: { name: string; podCidr: string; bridge?: string }): HostNodePlan {
  const cidr = parseCIDR(o.podCidr);
  if (!cidr || cidr.family !== "IPv4" || cidr.prefixLength < 8 || cidr.prefixLength > 30) {
    throw new HostNetworkError(`--pod-cidr ${JSON.stringify(o.podCidr)} must be an IPv4 range from /8 to /30, e.g. 10.1.20.0/24`);
  }
  return {
    podPrefix: `${SANDBOX_PREFIX}${o.name}-`,
    bridge: o.bridge ?? "docker0",
    podCidr: o.podCidr,
    gateway: formatIP({ family: "IPv4", value: cidr.base + 1n }),
    prefixLength: cidr.prefixLength,
  };
}

/** Plans a pod; throws HostNetworkError when `ip` is not a pod address of the node's range. */
export function planHostPod(node: HostNodePlan, o: PodOptions): HostPodPlan {
  const cidr = parseCIDR(node.podCidr);
  const ip = parseIP(o.ip);
  if (o.podId === "") throw new HostNetworkError("pod id must not be empty");
  if (!cidr || !ip || !cidrContains(cidr, ip) || ip.value <= cidr.base + 1n || ip.value >= cidr.base + cidr.size - 1n) {
    throw new HostNetworkError(`pod IP ${JSON.stringify(o.ip)} is not a pod address of ${node.podCidr}`);
  }
  return { podId: o.podId, netns: podNetnsName(node.podPrefix, o.podId), hostVeth: `veth${podHash(o.podId)}`, ip: o.ip };
}

/** Commands making the bridge with the gateway address and bringing it up (after a check that it is free). */
export function hostBridgeCommands(node: HostNodePlan): string[][] {
  return [
    // A MAC of its own, or the bridge would take its lowest port's and change it as pods come and go.
    ["link", "add", "name", node.bridge, "address", macForIPv4(node.gateway), "type", "bridge"],
    ["addr", "replace", `${node.gateway}/${node.prefixLength}`, "dev", node.bridge],
    ["link", "set", node.bridge, "up"],
  ];
}

/** Commands creating a pod namespace with eth0 on the bridge (the node side in this namespace). */
export function hostPodCommands(node: HostNodePlan, pod: HostPodPlan): string[][] {
  const ns = pod.netns;
  return [
    ["netns", "add", ns],
    ["-n", ns, "link", "set", "lo", "up"],
    // The pod's MAC follows its IP, so a later pod with the same IP keeps the node's ARP entry right.
    ["link", "add", "name", pod.hostVeth, "type", "veth", "peer", "name", "eth0", "address", macForIPv4(pod.ip), "netns", ns],
    ["link", "set", pod.hostVeth, "master", node.bridge],
    // Hairpin: a pod reaching itself through its Service gets its packet back on the same port.
    ["link", "set", pod.hostVeth, "type", "bridge_slave", "hairpin", "on"],
    ["link", "set", pod.hostVeth, "up"],
    ["-n", ns, "addr", "add", `${pod.ip}/${node.prefixLength}`, "dev", "eth0"],
    ["-n", ns, "link", "set", "eth0", "up"],
    ["-n", ns, "route", "add", "default", "via", node.gateway, "dev", "eth0"],
  ];
}

/**
 * Why an existing bridge cannot be the pod bridge (it holds IPv4 addresses, none of them the
 * gateway: someone else's, e.g. Docker's docker0), or undefined. `addrJson` is `ip -j -4 addr show dev <bridge>`.
 */
export function bridgeConflict(node: HostNodePlan, addrJson: string): string | undefined {
  let links: { addr_info?: { local?: string; prefixlen?: number }[] }[];
  try {
    links = JSON.parse(addrJson || "[]") as typeof links;
  } catch {
    return undefined;
  }
  const addrs = links.flatMap((l) => l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
  if (addrs.length === 0 || addrs.includes(`${node.gateway}/${node.prefixLength}`)) return undefined;
  return `${node.bridge} already exists with ${addrs.join(", ")} (another program's bridge?); free it or give this node a --pod-cidr whose first address is on it`;
}

export interface HostNodeNetworkOptions {
  runner: IpRunner;
  /** Where forwarding is switched on; default this process's namespace's /proc/sys/net/ipv4/ip_forward. */
  ipForwardFile?: string;
}

/** The agent's own namespace as a node (see the file comment). Nothing happens before setUp(). */
export class HostNodeNetwork implements NodeNetwork {
  readonly netns = undefined;
  readonly plan: HostNodePlan;
  readonly #runner: IpRunner;
  readonly #ipForwardFile: string;

  constructor(plan: HostNodePlan, o: HostNodeNetworkOptions) {
    this.plan = plan;
    this.#runner = o.runner;
    this.#ipForwardFile = o.ipForwardFile ?? "/proc/sys/net/ipv4/ip_forward";
  }

  /**
   * Makes the bridge (or takes over the one an earlier agent made) and turns on forwarding.
   * HostNetworkError when the bridge exists with other addresses.
   */
  async setUp(): Promise<void> {
    const shown = await this.#runner.ip(["-j", "-4", "addr", "show", "dev", this.plan.bridge]).catch(() => undefined);
    if (shown !== undefined) {
      const conflict = bridgeConflict(this.plan, shown);
      if (conflict) throw new HostNetworkError(conflict);
    }
    const [add, ...rest] = hostBridgeCommands(this.plan);
    if (shown === undefined) await this.#runner.ip(add);
    for (const args of rest) await this.#runner.ip(args);
    if (readFileSync(this.#ipForwardFile, "utf8").trim() !== "1") writeFileSync(this.#ipForwardFile, "1\n");
  }

  async addPod(o: PodOptions): Promise<NodePodNetwork> {
    const pod = planHostPod(this.plan, o);
    // A namespace of the same name is a leftover of an add that did not finish: start afresh.
    await this.#delete(pod.netns);
    try {
      for (const args of hostPodCommands(this.plan, pod)) await this.#runner.ip(args);
    } catch (error) {
      await this.#delete(pod.netns).catch(() => undefined);
      throw error;
    }
    return { netns: pod.netns };
  }

  async adoptPod(o: PodOptions): Promise<NodePodNetwork | undefined> {
    const pod = planHostPod(this.plan, o);
    return (await this.#exists(pod.netns)) ? { netns: pod.netns } : undefined;
  }

  async removePod(podId: string): Promise<void> {
    await this.#delete(podNetnsName(this.plan.podPrefix, podId));
  }

  async #exists(netns: string): Promise<boolean> {
    return (await listNamespaces(this.#runner, netns)).includes(netns);
  }

  async #delete(netns: string): Promise<void> {
    if (await this.#exists(netns)) await this.#runner.ip(["netns", "del", netns]);
  }
}
