// What every node agent does for its Node, simulated or real: register it (or take over an
// existing one, refreshing its status) and keep its Lease in kube-node-lease renewed, which is
// how the node lifecycle controller knows the node is alive. Like kubelet's status updates, each
// renewal also checks the Node's conditions: when the controller marked them Unknown while the
// agent was in fact alive (its renewals were late, the controller's view was stale), the agent
// posts its own again, so the node is Ready again within one period instead of never.

import { deepCopy } from "../api/json.js";
import { microTime, rfc3339 } from "../api/time.js";
import type { Condition, Lease, Node } from "../api/types.js";
import type { Clock, KubeClient } from "../client/index.js";
import { isAlreadyExists, isNotFound } from "../client/index.js";
import { restoredConditions } from "./node-conditions.js";

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

  /**
   * Posts `wanted` conditions again when the Node's differ (see restoredConditions); returns
   * whether it wrote. A conflict or an API error is left for the next period.
   */
  async reassertConditions(name: string, wanted: readonly Condition[]): Promise<boolean> {
    const live = await this.#nodes.get(undefined, name);
    const conditions = restoredConditions(live.status?.conditions, wanted, rfc3339(this.#clock.now()));
    if (!conditions) return false;
    await this.#nodes.updateStatus({ ...deepCopy(live), status: { ...live.status, conditions } });
    return true;
  }

  /** Registers, renews at once, then every `periodMs` (renewing and checking the conditions) until `signal` aborts. */
  async start(node: Node, o: { periodMs: number; signal: AbortSignal }): Promise<void> {
    const name = node.metadata.name ?? "";
    const wanted = node.status?.conditions ?? [];
    await this.register(node);
    await this.renew(name);
    const tick = async (): Promise<void> => {
      await this.renew(name);
      if (wanted.length) await this.reassertConditions(name, wanted);
    };
    const timer = setInterval(() => void tick().catch(() => {}), o.periodMs);
    o.signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  }
}
