// What a node agent needs from the network its node lives in: where the node's side is (its
// bridge, its iptables, the proxy), and pods added to, adopted from and removed from it. Two
// implementations: a node of a namespace sandbox (sandboxNodeNetwork, over SandboxNetwork) and
// the machine the agent runs on (host-network.ts).

import type { SandboxNetwork } from "../../sandbox/sandbox-network.js";
import type { PodOptions } from "../../sandbox/topology-plan.js";

/** A pod's network as the agent uses it: the namespace its processes run in. */
export interface NodePodNetwork {
  netns: string;
}

/**
 * The node side of pod networking. Contract (as SandboxNetwork's for one node):
 * - `addPod({podId, ip})` creates the pod's namespace with the address and a default route via
 *   the node's bridge (for a pod the agent does not run yet); a failed add leaves nothing behind.
 * - `adoptPod` takes over a pod namespace an earlier agent added, or resolves undefined when it is
 *   gone (nothing is created).
 * - `removePod(podId)` deletes the pod's namespace (and with it its veth); unknown ids are a no-op.
 */
export interface NodeNetwork {
  /** The named network namespace of the node, or undefined for the agent's own namespace. */
  readonly netns: string | undefined;
  addPod(options: PodOptions): Promise<NodePodNetwork>;
  adoptPod(options: PodOptions): Promise<NodePodNetwork | undefined>;
  removePod(podId: string): Promise<void>;
}

/** Node `name` of a sandbox, as a NodeNetwork. Throws when the sandbox has no such node. */
export function sandboxNodeNetwork(sandbox: SandboxNetwork, name: string): NodeNetwork {
  const node = sandbox.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`node ${name} is not part of sandbox ${sandbox.plan.id}`);
  return {
    netns: node.netns,
    addPod: (o) => sandbox.addPod(node, o),
    adoptPod: (o) => sandbox.adoptPod(node, o),
    removePod: (podId) => sandbox.removePod(podId),
  };
}
