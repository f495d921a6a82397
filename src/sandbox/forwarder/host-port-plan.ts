// Which ports of the cluster's services `svcnet up` offers on the host's 127.0.0.1, and where each
// one leads inside the sandbox:
// - every TCP NodePort: 127.0.0.1:<nodePort> → <nodeIP>:<nodePort> (any node's proxy answers);
// - every TCP port of a LoadBalancer service with an address: 127.0.0.1:<port> → <ingress IP>:<port>,
//   dialed from the outside-client namespace, exactly where an external client of the VIP sits
//   (as Docker Desktop's Kubernetes publishes LoadBalancer ports on localhost).
// A host port exists once, so the first claim wins (NodePorts first, then namespace/name order) and
// every other claim is listed as skipped, with the reason. Pure: no I/O.

import type { Service, ServicePort } from "../../api/types.js";
import { formatCIDR } from "../../allocators/cidr.js";
import { parseIP } from "../../allocators/ip.js";
import type { AllowList, RelayTarget } from "./relay-protocol.js";
import { isTargetAllowed } from "./relay-protocol.js";

/** What kind of service port asks for a host port. */
export type HostPortKind = "NodePort" | "LoadBalancer";

/** A service port that wants a port on the host's 127.0.0.1. */
export interface HostPortClaim {
  kind: HostPortKind;
  /** The service, `namespace/name`. */
  service: string;
  /** The service port's name ("" when unnamed). */
  portName: string;
  /** The service port (`spec.ports[].port`): what `kubectl port-forward service/…` takes. */
  servicePort: number;
  protocol: string;
  /** The port wanted on 127.0.0.1: the NodePort, or the LoadBalancer service's port. */
  hostPort: number;
}

/** A claim that gets its host port, and where that port leads inside the sandbox. */
export interface HostPortRoute extends HostPortClaim {
  protocol: "TCP";
  target: RelayTarget;
}

/**
 * Why a claim is not published:
 * - "protocol": only TCP is forwarded;
 * - "clash": an earlier claim (`holder`) has the host port;
 * - "no-ipv4": the service's ingress addresses (`addresses`) hold no IPv4 one, the only family the
 *   relay dials;
 * - "unreachable": the target address (`addresses[0]`) is outside the ranges the relay may dial
 *   (`allowed`).
 */
export type SkipReason = "protocol" | "clash" | "no-ipv4" | "unreachable";

/** A claim left out of the plan, and why. */
export interface SkippedClaim extends HostPortClaim {
  reason: SkipReason;
  holder?: HostPortClaim;
  addresses?: string[];
  allowed?: string[];
}

/** Every host port to publish, and every claim left out. */
export interface HostPortPlan {
  routes: Map<number, HostPortRoute>;
  skipped: SkippedClaim[];
}

/** What the plan needs besides the services. */
export interface HostPortPlanOptions {
  /** The node NodePorts are sent to, e.g. 172.17.8.101. */
  nodeIP: string;
  /** The ranges the relay may dial; a target outside them is skipped ("unreachable"). */
  allow: AllowList;
}

/** A claim before the checks: where it would lead, or the addresses that have no usable target. */
interface Candidate {
  claim: HostPortClaim;
  target: RelayTarget | undefined;
  addresses: string[];
}

/**
 * Plans the host ports for `services`. Claims are taken in a stable order — every NodePort first,
 * then every LoadBalancer port, each group by service `namespace/name` and then the order of
 * `spec.ports` — and a claim gets its host port unless it is not TCP, has no reachable IPv4
 * target, or an earlier claim has the port. Skipped claims hold no port: a UDP NodePort does not
 * keep a TCP one with the same number off the host.
 *
 * Ports without an allocated NodePort, and LoadBalancer services without an ingress `ip` (still
 * pending, or a hostname only), are not claims at all: there is nothing to publish yet. Only
 * services whose type is NodePort or LoadBalancer count, whatever their status still says.
 */
export function planHostPorts(services: readonly Service[], options: HostPortPlanOptions): HostPortPlan {
  const ordered = services
    .filter((svc) => svc.spec.type === "NodePort" || svc.spec.type === "LoadBalancer")
    .map((svc) => ({ key: serviceKey(svc), svc }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const candidates: Candidate[] = [
    ...ordered.flatMap(({ key, svc }) => nodePortCandidates(key, svc, options.nodeIP)),
    ...ordered.flatMap(({ key, svc }) => loadBalancerCandidates(key, svc)),
  ];

  const routes = new Map<number, HostPortRoute>();
  const skipped: SkippedClaim[] = [];
  for (const { claim, target, addresses } of candidates) {
    if (claim.protocol !== "TCP") {
      skipped.push({ ...claim, reason: "protocol" });
    } else if (!target) {
      skipped.push({ ...claim, reason: "no-ipv4", addresses });
    } else if (!isTargetAllowed(target, options.allow)) {
      skipped.push({ ...claim, reason: "unreachable", addresses: [target.ip], allowed: options.allow.map(formatCIDR) });
    } else {
      const holder = routes.get(claim.hostPort);
      if (holder) skipped.push({ ...claim, reason: "clash", holder: claimOf(holder) });
      else routes.set(claim.hostPort, { ...claim, protocol: "TCP", target });
    }
  }
  return { routes, skipped };
}

/** The service `namespace/name`, as claims name it. */
export function serviceKey(svc: Service): string {
  return `${svc.metadata.namespace ?? "default"}/${svc.metadata.name ?? ""}`;
}

function nodePortCandidates(key: string, svc: Service, nodeIP: string): Candidate[] {
  return (svc.spec.ports ?? [])
    .filter((port) => isPort(port.nodePort))
    .map((port) => {
      const nodePort = port.nodePort as number;
      return { claim: claimFor("NodePort", key, port, nodePort), target: { ip: nodeIP, port: nodePort }, addresses: [nodeIP] };
    });
}

function loadBalancerCandidates(key: string, svc: Service): Candidate[] {
  if (svc.spec.type !== "LoadBalancer") return [];
  const addresses = (svc.status?.loadBalancer?.ingress ?? []).flatMap((ingress) => (ingress.ip ? [ingress.ip] : []));
  if (addresses.length === 0) return [];
  const ipv4 = addresses.find((ip) => parseIP(ip)?.family === "IPv4");
  return (svc.spec.ports ?? [])
    .filter((port) => isPort(port.port))
    .map((port) => ({
      claim: claimFor("LoadBalancer", key, port, port.port),
      target: ipv4 === undefined ? undefined : { ip: ipv4, port: port.port },
      addresses,
    }));
}

function claimFor(kind: HostPortKind, service: string, port: ServicePort, hostPort: number): HostPortClaim {
  return { kind, service, portName: port.name ?? "", servicePort: port.port, protocol: port.protocol ?? "TCP", hostPort };
}

function claimOf(route: HostPortRoute): HostPortClaim {
  const { kind, service, portName, servicePort, protocol, hostPort } = route;
  return { kind, service, portName, servicePort, protocol, hostPort };
}

function isPort(n: number | undefined): boolean {
  return n !== undefined && Number.isInteger(n) && n >= 1 && n <= 65535;
}
