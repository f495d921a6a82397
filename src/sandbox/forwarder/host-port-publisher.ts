// Keeps a forwarder's ports on the host's 127.0.0.1 equal to the plan for the current services
// (host-port-plan.ts): publishes what is new or retargeted, withdraws what is no longer wanted,
// and tells each problem once.

import type { Service } from "../../api/types.js";
import type { HostPortRoute, SkippedClaim } from "./host-port-plan.js";
import { planHostPorts } from "./host-port-plan.js";
import { describeFailure, describePublished, describeSkipped, describeWithdrawn } from "./host-port-messages.js";
import type { AllowList, RelayTarget } from "./relay-protocol.js";
import { parseAllowList } from "./relay-protocol.js";

/** What HostPortPublisher needs of a forwarder (HostForwarder provides it). */
export interface PortForwarder {
  publish(hostPort: number, target: RelayTarget): Promise<void>;
  unpublish(hostPort: number): Promise<void>;
}

/** Options of HostPortPublisher. */
export interface HostPortPublisherOptions {
  forwarder: PortForwarder;
  /** The node NodePorts lead to, e.g. 172.17.8.101. */
  nodeIP: string;
  /**
   * IPv4 CIDRs the relay may dial (the same list it was started with); targets outside them are
   * reported instead of published. Throws RelayProtocolError when one is not an IPv4 CIDR.
   */
  allow: readonly string[];
  /**
   * Told each port published or withdrawn, and once about each problem (a skipped claim, a port
   * the host refused) — again only when its wording changes or it comes back after going away.
   * Default: dropped. Every sync's result carries the same facts.
   */
  log?: (line: string) => void;
}

/** What one sync did. */
export interface HostPortSyncResult {
  /** Routes newly published or retargeted, by ascending host port. */
  published: HostPortRoute[];
  /** Routes no longer published (as they were), by ascending host port. */
  withdrawn: HostPortRoute[];
  /** Routes the host refused (port in use, not allowed); still wanted, tried again next sync. */
  failed: { route: HostPortRoute; error: unknown }[];
  skipped: SkippedClaim[];
}

/**
 * Applies host-port plans to a forwarder. Contract:
 * - `sync(services)` may be called with every change of the service list; calls run one at a
 *   time, in call order, and each plans from the list it was given.
 * - Only ports this publisher published are ever withdrawn, so a forwarder may be shared.
 * - A port whose target is unchanged is left alone, even when another service now claims it.
 * - A port that failed stays wanted and is tried again by the next sync; a caller that wants a
 *   retry without a change of services just calls sync again.
 */
export class HostPortPublisher {
  readonly #forwarder: PortForwarder;
  readonly #nodeIP: string;
  readonly #allow: AllowList;
  readonly #log: (line: string) => void;
  readonly #active = new Map<number, HostPortRoute>();
  /** What was last said about each problem, so a repeated sync does not repeat it. */
  readonly #said = new Map<string, string>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: HostPortPublisherOptions) {
    this.#forwarder = options.forwarder;
    this.#nodeIP = options.nodeIP;
    this.#allow = parseAllowList(options.allow);
    this.#log = options.log ?? (() => undefined);
  }

  /** The host ports this publisher has published, and where they lead. */
  published(): Map<number, HostPortRoute> {
    return new Map([...this.#active].map(([port, route]) => [port, { ...route, target: { ...route.target } }]));
  }

  sync(services: readonly Service[]): Promise<HostPortSyncResult> {
    const run = this.#queue.then(() => this.#sync(services));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #sync(services: readonly Service[]): Promise<HostPortSyncResult> {
    const plan = planHostPorts(services, { nodeIP: this.#nodeIP, allow: this.#allow });
    const result: HostPortSyncResult = { published: [], withdrawn: [], failed: [], skipped: plan.skipped };
    const problems = new Map<string, string>();
    for (const skip of plan.skipped) {
      problems.set(`skip ${skip.kind} ${skip.service} ${skip.portName} ${skip.servicePort}/${skip.protocol} ${skip.hostPort}`, describeSkipped(skip));
    }

    for (const [port, route] of sortedByPort(this.#active)) {
      if (plan.routes.has(port)) continue;
      await this.#forwarder.unpublish(port);
      this.#active.delete(port);
      result.withdrawn.push(route);
      this.#log(describeWithdrawn(route));
    }
    for (const [port, route] of sortedByPort(plan.routes)) {
      const active = this.#active.get(port);
      if (active && sameTarget(active.target, route.target)) {
        this.#active.set(port, route);
        continue;
      }
      try {
        await this.#forwarder.publish(port, { ...route.target });
        this.#active.set(port, route);
        result.published.push(route);
        this.#log(describePublished(route));
      } catch (error) {
        // A failed retarget leaves the port as it was (HostForwarder changes nothing when publish
        // rejects), so the old route stays on record: withdrawn if it goes, retried if not.
        result.failed.push({ route, error });
        problems.set(`fail ${port}`, describeFailure(route, error));
      }
    }

    for (const [key, line] of problems) if (this.#said.get(key) !== line) this.#log(line);
    this.#said.clear();
    for (const [key, line] of problems) this.#said.set(key, line);
    return result;
  }
}

function sortedByPort<T>(routes: Map<number, T>): [number, T][] {
  return [...routes].sort(([a], [b]) => a - b);
}

function sameTarget(a: RelayTarget, b: RelayTarget): boolean {
  return a.ip === b.ip && a.port === b.port;
}
