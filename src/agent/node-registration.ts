// What every node agent does for its Node, simulated or real: register it (or take over an
// existing one, refreshing its status) and keep its Lease in kube-node-lease renewed, which is
// how the node lifecycle controller knows the node is alive.

import { deepCopy } from "../api/json.js";
import { microTime } from "../api/time.js";
import type { Lease, Node } from "../api/types.js";
import type { Clock, KubeClient } from "../client/index.js";
import { isAlreadyExists, isNotFound } from "../client/index.js";

export const nodeLeaseNamespace = "kube-node-lease";
export const leaseDurationSeconds = 40;

export class NodeRegistration {
  readonly #nodes: KubeClient<Node>;
  readonly #leases: KubeClient<Lease>;
  readonly #clock: Clock;

  constructor(clients: { nodes: KubeClient<Node>; leases: KubeClient<Lease> }, clock: Clock) {
    this.#nodes = clients.nodes;
    this.#leases = clients.leases;
    this.#clock = clock;
  }

  /** Creates the Node, or replaces the status of an existing one (an agent restart). */
  async register(node: Node): Promise<void> {
    try {
      await this.#nodes.create(node);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const live = await this.#nodes.get(undefined, node.metadata.name ?? "");
      await this.#nodes.updateStatus({ ...deepCopy(live), status: node.status });
    }
  }

  /** Renews (or creates) the node's Lease with the current time. */
  async renew(name: string): Promise<void> {
    const now = microTime(this.#clock.now());
    try {
      await this.#leases.patch(nodeLeaseNamespace, name, { type: "merge", body: { spec: { renewTime: now, holderIdentity: name } } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      await this.#leases.create({
        metadata: { name, namespace: nodeLeaseNamespace },
        spec: { holderIdentity: name, leaseDurationSeconds, renewTime: now },
      });
    }
  }

  /** Registers, renews at once, then every `periodMs` until `signal` aborts. */
  async start(node: Node, o: { periodMs: number; signal: AbortSignal }): Promise<void> {
    const name = node.metadata.name ?? "";
    await this.register(node);
    await this.renew(name);
    const timer = setInterval(() => void this.renew(name).catch(() => {}), o.periodMs);
    o.signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  }
}
