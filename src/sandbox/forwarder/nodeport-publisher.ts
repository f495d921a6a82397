// NodePorts on the host's loopback: each TCP NodePort of the cluster is offered as
// 127.0.0.1:<nodePort> on the host and carried (through the relay) to <nodeIP>:<nodePort> in the
// sandbox, where the node's proxy handles it like any NodePort traffic from outside the cluster.
// The plan is pure; NodePortPublisher applies it to a forwarder.

import type { Service } from "../../api/types.js";
import type { RelayTarget } from "./relay-protocol.js";

/** Where a host port leads. */
export interface NodePortTarget extends RelayTarget {
  /** The service owning the NodePort, `namespace/name`. */
  service: string;
  protocol: "TCP";
}

/** A NodePort that is not published on the host, and why. */
export interface SkippedNodePort {
  service: string;
  /** The service port's name ("" when unnamed). */
  portName: string;
  nodePort: number;
  protocol: string;
  /** "protocol": only TCP is forwarded; "duplicate": another service port already has this NodePort. */
  reason: "protocol" | "duplicate";
}

/** Every host port to publish, and what is left out. */
export interface NodePortPlan {
  targets: Map<number, NodePortTarget>;
  skipped: SkippedNodePort[];
}

/**
 * Plans the host ports for `services`: every TCP NodePort of a NodePort or LoadBalancer service
 * becomes host port `nodePort` → `nodeIP:nodePort`. Ports without an allocated NodePort are
 * ignored (allocation may be pending). UDP and SCTP NodePorts are listed as skipped, as is a
 * NodePort two service ports claim (the API forbids it; the first in namespace/name order wins).
 */
export function planNodePorts(services: readonly Service[], nodeIP: string): NodePortPlan {
  const targets = new Map<number, NodePortTarget>();
  const skipped: SkippedNodePort[] = [];
  const ordered = services
    .filter((svc) => svc.spec.type === "NodePort" || svc.spec.type === "LoadBalancer")
    .map((svc) => ({ key: serviceKey(svc), svc }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { key, svc } of ordered) {
    for (const port of svc.spec.ports ?? []) {
      const nodePort = port.nodePort;
      if (nodePort === undefined || !Number.isInteger(nodePort) || nodePort < 1 || nodePort > 65535) continue;
      const protocol = port.protocol ?? "TCP";
      const portName = port.name ?? "";
      if (protocol !== "TCP") {
        skipped.push({ service: key, portName, nodePort, protocol, reason: "protocol" });
        continue;
      }
      if (targets.has(nodePort)) {
        skipped.push({ service: key, portName, nodePort, protocol, reason: "duplicate" });
        continue;
      }
      targets.set(nodePort, { ip: nodeIP, port: nodePort, service: key, protocol: "TCP" });
    }
  }
  return { targets, skipped };
}

/** The host ports to publish for `services` (see planNodePorts). */
export function nodePortTargets(services: readonly Service[], nodeIP: string): Map<number, NodePortTarget> {
  return planNodePorts(services, nodeIP).targets;
}

/** One line saying why a NodePort is not on the host. */
export function describeSkipped(skip: SkippedNodePort): string {
  const what = `NodePort ${skip.nodePort}/${skip.protocol} of ${skip.service}${skip.portName ? ` (port ${skip.portName})` : ""}`;
  return skip.reason === "protocol"
    ? `${what} is not published on the host: only TCP NodePorts are forwarded`
    : `${what} is not published on the host: another service port already has NodePort ${skip.nodePort}`;
}

/** What NodePortPublisher needs of a forwarder (HostForwarder provides it). */
export interface PortForwarder {
  publish(hostPort: number, target: RelayTarget): Promise<void>;
  unpublish(hostPort: number): Promise<void>;
}

/** Options of NodePortPublisher. */
export interface NodePortPublisherOptions {
  forwarder: PortForwarder;
  /** The node whose NodePorts the host ports lead to, e.g. 172.17.8.101. */
  nodeIP: string;
  /**
   * Told once about each skipped NodePort and each host port that fails to publish (again when
   * its error changes); default: dropped. Every sync's result carries the same facts.
   */
  log?: (line: string) => void;
}

/** What one sync did. */
export interface NodePortSyncResult {
  /** Host ports newly published or retargeted, ascending. */
  published: number[];
  /** Host ports no longer published, ascending. */
  unpublished: number[];
  /** Host ports that should be published but could not be (port in use…); retried next sync. */
  failed: { hostPort: number; service: string; error: unknown }[];
  skipped: SkippedNodePort[];
}

/**
 * Keeps the forwarder's host ports equal to the cluster's TCP NodePorts. `sync(services)` may be
 * called with every change of the service list; calls run one at a time, in call order. Only ports
 * this publisher published are ever unpublished, so a forwarder may be shared. A port that failed
 * stays wanted and is tried again by the next sync.
 */
export class NodePortPublisher {
  readonly #forwarder: PortForwarder;
  readonly #nodeIP: string;
  readonly #log: (line: string) => void;
  readonly #active = new Map<number, NodePortTarget>();
  /** What was last said about each problem, so a repeated sync does not repeat it. */
  readonly #said = new Map<string, string>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: NodePortPublisherOptions) {
    this.#forwarder = options.forwarder;
    this.#nodeIP = options.nodeIP;
    this.#log = options.log ?? (() => undefined);
  }

  /** The host ports this publisher has published, and where they lead. */
  published(): Map<number, NodePortTarget> {
    return new Map([...this.#active].map(([port, target]) => [port, { ...target }]));
  }

  sync(services: readonly Service[]): Promise<NodePortSyncResult> {
    const run = this.#queue.then(() => this.#sync(services));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #sync(services: readonly Service[]): Promise<NodePortSyncResult> {
    const plan = planNodePorts(services, this.#nodeIP);
    const result: NodePortSyncResult = { published: [], unpublished: [], failed: [], skipped: plan.skipped };
    const problems = new Map<string, string>();
    for (const skip of plan.skipped) problems.set(`skip ${skip.service} ${skip.nodePort}/${skip.protocol}`, describeSkipped(skip));

    for (const port of [...this.#active.keys()].sort((a, b) => a - b)) {
      if (plan.targets.has(port)) continue;
      await this.#forwarder.unpublish(port);
      this.#active.delete(port);
      result.unpublished.push(port);
    }
    for (const [port, target] of [...plan.targets].sort(([a], [b]) => a - b)) {
      const active = this.#active.get(port);
      if (active && active.ip === target.ip && active.port === target.port) {
        this.#active.set(port, target);
        continue;
      }
      try {
        await this.#forwarder.publish(port, { ip: target.ip, port: target.port });
        this.#active.set(port, target);
        result.published.push(port);
      } catch (error) {
        result.failed.push({ hostPort: port, service: target.service, error });
        const reason = error instanceof Error ? error.message : String(error);
        problems.set(`fail ${port}`, `NodePort ${port} of ${target.service} is not published on the host: ${reason}`);
      }
    }

    for (const [key, line] of problems) if (this.#said.get(key) !== line) this.#log(line);
    this.#said.clear();
    for (const [key, line] of problems) this.#said.set(key, line);
    return result;
  }
}

function serviceKey(svc: Service): string {
  return `${svc.metadata.namespace ?? "default"}/${svc.metadata.name ?? ""}`;
}
