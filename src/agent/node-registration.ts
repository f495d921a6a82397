// What every node agent does for its Node, simulated or real: register it (or take over an
// existing one, refreshing its status) and keep its Lease in kube-node-lease renewed, which is
// how the node lifecycle controller knows the node is alive. Like kubelet's status updates, each
// renewal also checks the Node's conditions: when the controller marked them Unknown while the
// agent was in fact alive (its renewals were late, the controller's view was stale), the agent
// posts its own again, so the node is Ready again within one period instead of never.
// A renewal that fails is tried again soon (0.5 s, doubling up to the period), not a whole period
// later, and one that hangs (a frozen API server never answers) counts as failed after a
// deadline: two missed periods in a row would otherwise outlast a short node-monitor grace period
// while the control plane is merely unsteady (as kubelet, which retries its lease with back-off).

import { deepCopy } from "../api/json.js";
import { microTime, rfc3339 } from "../api/time.js";
import type { Condition, Lease, Node } from "../api/types.js";
import type { CancelTimer, Clock, KubeClient } from "../client/index.js";
import { isAlreadyExists, isNotFound } from "../client/index.js";
import { restoredConditions } from "./node-conditions.js";

export const nodeLeaseNamespace = "kube-node-lease";
export const leaseDurationSeconds = 40;

/** How long one renewal (with its condition check) may take before it counts as failed. */
export const renewDeadlineMs = 5000;

/** The wait before renewal attempt n+1 after n failures in a row: 500 ms, doubling, at most the period. */
export function renewRetryDelayMs(failures: number, periodMs: number): number {
  return Math.min(periodMs, 500 * 2 ** Math.max(0, failures - 1));
}

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

  /**
   * Registers, renews at once, then every `periodMs` (renewing and checking the conditions) until
   * `signal` aborts; after a failed or hung renewal, sooner (renewRetryDelayMs).
   */
  async start(node: Node, o: { periodMs: number; signal: AbortSignal }): Promise<void> {
    const name = node.metadata.name ?? "";
    const wanted = node.status?.conditions ?? [];
    await this.register(node);
    await this.renew(name);
    let failures = 0;
    let cancel: CancelTimer = () => undefined;
    const tick = async (): Promise<void> => {
      try {
        await this.#withinDeadline(async () => {
          await this.renew(name);
          if (wanted.length) await this.reassertConditions(name, wanted);
        });
        failures = 0;
      } catch {
        failures++;
      }
      if (!o.signal.aborted) cancel = this.#clock.setTimer(() => void tick(), failures === 0 ? o.periodMs : renewRetryDelayMs(failures, o.periodMs));
    };
    cancel = this.#clock.setTimer(() => void tick(), o.periodMs);
    o.signal.addEventListener("abort", () => cancel(), { once: true });
  }

  /** Runs `work`, rejecting when it has not settled within renewDeadlineMs (it may still finish later). */
  #withinDeadline(work: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const cancel = this.#clock.setTimer(() => reject(new Error(`no answer within ${renewDeadlineMs} ms`)), renewDeadlineMs);
      work().then(
        () => (cancel(), resolve()),
        (e: unknown) => (cancel(), reject(e instanceof Error ? e : new Error(String(e)))),
      );
    });
  }
}
