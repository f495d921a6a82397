// The sandbox topology as data: which namespaces, interfaces, addresses and routes `svcnet up`
// and the data-plane tests build. Pure: no I/O, so every name and address is table-tested.
//
// Layout (node i is 1-based):
//   svcnet-<id>-underlay        bridge br0 (no address): the nodes' shared "switch"
//   svcnet-<id>-core-v2-0i      eth0 = 172.17.8.(100+i)/24 (veth peer `veth-n0i` on br0),
//                               docker0 = 10.1.(12+i).1/24, ip_forward on,
//                               host-gw routes to every other node's pod /24
//                               the service range (10.0.0.0/24) on eth0, so that the node's own
//                               clients reach the proxy's nat OUTPUT rules (a route must exist
//                               before netfilter rewrites the destination)
//   svcnet-<id>-pod-<hash>      eth0 = pod IP/24, default via its node's docker0 address
//   svcnet-<id>-client          eth0 = 172.17.8.200/24 on br0: "outside the cluster", for
//                               NodePort and LoadBalancer traffic from off the nodes
// No namespace has a route leading out of the sandbox: nodes have no default route at all, and a
// pod's default route ends at its node, which drops what it cannot route.

import { createHash } from "node:crypto";

/** Every sandbox object's name starts with this, followed by the sandbox id and a dash. */
export const SANDBOX_PREFIX = "svcnet-";

/** Most nodes one sandbox can hold (names are `core-v2-01`…`core-v2-99`). */
export const MAX_NODES = 99;

/** Linux's limit on interface names (IFNAMSIZ - 1). */
export const MAX_IFNAME_LENGTH = 15;

/** What to build: a sandbox id (lowercase letters and digits, 1–16) and the node count. */
export interface TopologyOptions {
  id: string;
  nodes: number;
  /** The service ClusterIP range routed on each node's eth0; default 10.0.0.0/24. */
  serviceCidr?: string;
}

/** A route as `ip route add <dst> via <via> dev <dev>` takes it. */
export interface RoutePlan {
  dst: string;
  via: string;
  dev: string;
}

/** One node: a namespace on the underlay with its own pod bridge. */
export interface NodePlan {
  /** 1-based position. */
  index: number;
  /** Kubernetes node name, e.g. `core-v2-01`. */
  name: string;
  /** Network namespace name, e.g. `svcnet-ab12-core-v2-01`. */
  netns: string;
  /** The sandbox's name prefix (`svcnet-<id>-`), which pod namespaces share. */
  sandboxPrefix: string;
  /** The node's interface on the underlay (inside the node namespace). */
  underlayDev: "eth0";
  /** The peer of `underlayDev`, attached to br0 in the underlay namespace. */
  underlayPeer: string;
  /** InternalIP, e.g. 172.17.8.101. */
  ip: string;
  /** Prefix length of the underlay network. */
  ipPrefixLength: number;
  /** The pod bridge inside the node namespace. */
  bridge: "docker0";
  /** The node's pod range, e.g. 10.1.13.0/24. */
  podCidr: string;
  /** The bridge's address and the pods' default gateway, e.g. 10.1.13.1. */
  bridgeIp: string;
  /** Host-gw routes to every other node's pod range. */
  routes: RoutePlan[];
  /** Routes without a gateway (`ip route add <dst> dev <dev>`): the service range. */
  deviceRoutes: { dst: string; dev: string }[];
}

/** A namespace on the underlay that is not a node: a client "outside the cluster". */
export interface ClientPlan {
  netns: string;
  dev: "eth0";
  /** Its peer on br0 in the underlay namespace. */
  underlayPeer: string;
  ip: string;
  ipPrefixLength: number;
}

/** The whole sandbox. */
export interface TopologyPlan {
  id: string;
  /** `svcnet-<id>-`: every namespace of this sandbox starts with it. */
  prefix: string;
  underlay: { netns: string; bridge: "br0" };
  nodes: NodePlan[];
  client: ClientPlan;
}

/** One pod's sandbox: its namespace and the veth pair joining it to its node's bridge. */
export interface PodPlan {
  podId: string;
  /** Pod namespace, `svcnet-<id>-pod-<8 hex>`. */
  netns: string;
  /** The node namespace holding `hostVeth` and the bridge. */
  nodeNetns: string;
  /** The bridge `hostVeth` is attached to. */
  bridge: string;
  /** The node-side veth, `veth<8 hex>` (a hash of the pod id, like CNI's bridge plugin). */
  hostVeth: string;
  /** The pod-side interface name. */
  podDev: "eth0";
  ip: string;
  prefixLength: number;
  /** The node bridge address: the pod's default gateway. */
  gateway: string;
}

/** A request the planner cannot satisfy (bad id, node count, pod id or address). */
export class TopologyError extends Error {
  override readonly name = "TopologyError";
}

const UNDERLAY_NET = "172.17.8";
const UNDERLAY_PREFIX_LENGTH = 24;
const POD_PREFIX_LENGTH = 24;
/** The outside client's address: far above the node addresses (.101-.199). */
const CLIENT_IP = `${UNDERLAY_NET}.200`;

/**
 * Plans a sandbox of `nodes` nodes. Throws TopologyError when the id is not 1–16 lowercase
 * letters/digits (a dash would let one sandbox's prefix match another's) or `nodes` is not an
 * integer in 1..MAX_NODES.
 */
export function planTopology(options: TopologyOptions): TopologyPlan {
  const { id, nodes } = options;
  if (!/^[a-z0-9]{1,16}$/.test(id)) {
    throw new TopologyError(`sandbox id ${JSON.stringify(id)} must be 1-16 lowercase letters or digits`);
  }
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new TopologyError(`node count ${nodes} must be an integer from 1 to ${MAX_NODES}`);
  }
  const serviceCidr = options.serviceCidr ?? "10.0.0.0/24";
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(serviceCidr)) throw new TopologyError(`service range ${JSON.stringify(serviceCidr)} is not an IPv4 CIDR`);
  const prefix = sandboxPrefix(id);
  const indexes = Array.from({ length: nodes }, (_, k) => k + 1);
  const planned = indexes.map((index) => {
    const number = String(index).padStart(2, "0");
    const name = `core-v2-${number}`;
    const routes = indexes
      .filter((other) => other !== index)
      .map((other) => ({ dst: podCidrOf(other), via: nodeIpOf(other), dev: "eth0" }));
    const node: NodePlan = {
      index,
      name,
      netns: `${prefix}${name}`,
      sandboxPrefix: prefix,
      underlayDev: "eth0",
      underlayPeer: `veth-n${number}`,
      ip: nodeIpOf(index),
      ipPrefixLength: UNDERLAY_PREFIX_LENGTH,
      bridge: "docker0",
      podCidr: podCidrOf(index),
      bridgeIp: `${podNetOf(index)}.1`,
      routes,
      deviceRoutes: [{ dst: serviceCidr, dev: "eth0" }],
    };
    return node;
  });
  const client: ClientPlan = { netns: `${prefix}client`, dev: "eth0", underlayPeer: "veth-client", ip: CLIENT_IP, ipPrefixLength: UNDERLAY_PREFIX_LENGTH };
  return { id, prefix, underlay: { netns: `${prefix}underlay`, bridge: "br0" }, nodes: planned, client };
}

/** Options of planPod. */
export interface PodOptions {
  /** Any non-empty string (a pod UID or `namespace/name`); it is hashed into the names. */
  podId: string;
  /** The pod's address: a host address inside the node's pod /24, not .0, .1 or .255. */
  ip: string;
}

/** Plans one pod on `node`. Throws TopologyError for an empty id or an address off the node's range. */
export function planPod(node: NodePlan, options: PodOptions): PodPlan {
  const { podId, ip } = options;
  if (podId === "") throw new TopologyError("pod id must not be empty");
  const net = node.podCidr.slice(0, node.podCidr.lastIndexOf("."));
  const match = /^(\d+\.\d+\.\d+)\.(\d{1,3})$/.exec(ip);
  const host = match ? Number(match[2]) : NaN;
  if (!match || match[1] !== net || !(host >= 2 && host <= 254) || String(host) !== match[2]) {
    throw new TopologyError(`pod IP ${JSON.stringify(ip)} is not a pod address of ${node.name} (${node.podCidr})`);
  }
  const hash = podHash(podId);
  return {
    podId,
    netns: podNetnsName(node.sandboxPrefix, podId),
    nodeNetns: node.netns,
    bridge: node.bridge,
    hostVeth: `veth${hash}`,
    podDev: "eth0",
    ip,
    prefixLength: POD_PREFIX_LENGTH,
    gateway: node.bridgeIp,
  };
}

/** `svcnet-<id>-`, or `svcnet-` (every sandbox) when id is undefined. */
export function sandboxPrefix(id?: string): string {
  return id === undefined ? SANDBOX_PREFIX : `${SANDBOX_PREFIX}${id}-`;
}

/** The namespace of pod `podId` in the sandbox whose prefix is `prefix`: `<prefix>pod-<podHash>`. */
export function podNetnsName(prefix: string, podId: string): string {
  return `${prefix}pod-${podHash(podId)}`;
}

/** The first 8 hex digits of the SHA-256 of `podId`: stable across restarts of the agent. */
export function podHash(podId: string): string {
  return createHash("sha256").update(podId).digest("hex").slice(0, 8);
}

function nodeIpOf(index: number): string {
  return `${UNDERLAY_NET}.${100 + index}`;
}

function podNetOf(index: number): string {
  return `10.1.${12 + index}`;
}

function podCidrOf(index: number): string {
  return `${podNetOf(index)}.0/${POD_PREFIX_LENGTH}`;
}
