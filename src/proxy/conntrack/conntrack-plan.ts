// Which conntrack entries are stale, and how to delete exactly those. UDP has no end of
// connection, so an entry keeps steering a client's packets to the endpoint DNAT chose first
// for as long as the client keeps sending — even after that endpoint is gone, or when the
// service had no endpoint at all. The rule (kube-proxy's reconciler, v1.32+): an entry whose
// original destination is a UDP service VIP:port (cluster IP, external IP, LB IP), or whose
// original destination port is a UDP NodePort, is stale unless its reply source is one of the
// serving endpoints of that service port. Traffic policy, topology and terminating state are
// left out on purpose: any serving endpoint is a legitimate target for an existing flow.
// TCP ends its connections itself, and deleting live TCP entries would break graceful
// termination; but a half-open entry (a SYN DNATed, never answered) to an endpoint that no longer
// serves is deleted: a client trying again from the same source port within the two minutes the
// kernel keeps it would otherwise follow it to the dead endpoint instead of being balanced anew
// (seen in the chaos test when a client reused a port after a node was lost).

import { joinHostPort, servicePortKey } from "../service-port-name.js";
import type { Protocol, ProxyState, ServicePortInfo } from "../types.js";
import type { ConntrackEntry } from "./conntrack-entry.js";

export interface StaleUdpOptions {
  /**
   * UDP service ports that no longer exist (from the change tracker). Entries to their VIPs
   * and NodePorts are stale unless a current service port has taken the same VIP:port or
   * NodePort over.
   */
  deletedServicePorts?: readonly ServicePortInfo[];
}

/** ip:port strings of the serving endpoints, per VIP:port and per NodePort. */
interface ServingTargets {
  byVip: Map<string, ReadonlySet<string>>;
  byNodePort: Map<number, ReadonlySet<string>>;
}

function addServicePort(targets: ServingTargets, port: ServicePortInfo, serving: ReadonlySet<string>, replace: boolean): void {
  const vips = [port.clusterIP, ...port.externalIPs, ...port.loadBalancerVIPs].filter((ip) => ip !== "");
  for (const vip of vips) {
    const key = joinHostPort(vip, port.port);
    if (replace || !targets.byVip.has(key)) targets.byVip.set(key, serving);
  }
  if (port.nodePort !== 0 && (replace || !targets.byNodePort.has(port.nodePort))) {
    targets.byNodePort.set(port.nodePort, serving);
  }
}

/** The serving endpoints of every service port of `protocol`; `deleted` ports have none. */
function servingTargets(state: ProxyState, protocol: Protocol, deleted: readonly ServicePortInfo[]): ServingTargets {
  const targets: ServingTargets = { byVip: new Map(), byNodePort: new Map() };
  for (const [key, port] of state.services) {
    if (port.protocol !== protocol) continue;
    const serving = new Set<string>();
    for (const ep of state.endpoints.get(key) ?? []) if (ep.serving) serving.add(ep.endpoint);
    addServicePort(targets, port, serving, true);
  }
  const none: ReadonlySet<string> = new Set();
  for (const port of deleted) {
    if (port.protocol !== protocol || state.services.has(servicePortKey(port.name))) continue;
    addServicePort(targets, port, none, false);
  }
  return targets;
}

/** The UDP entries that point at something other than a serving endpoint, in input order. */
export function staleUdpEntries(
  entries: readonly ConntrackEntry[],
  state: ProxyState,
  options: StaleUdpOptions = {},
): ConntrackEntry[] {
  const targets = servingTargets(state, "UDP", options.deletedServicePorts ?? []);
  return entries.filter((entry) => entry.protocol === "udp" && notToServing(entry, targets));
}

/** The TCP entries never answered (a SYN DNATed nowhere useful) that point at something other than a serving endpoint. */
export function staleHalfOpenTcpEntries(entries: readonly ConntrackEntry[], state: ProxyState): ConntrackEntry[] {
  const targets = servingTargets(state, "TCP", []);
  return entries.filter((entry) => entry.protocol === "tcp" && entry.unreplied && notToServing(entry, targets));
}

/** Whether a flow to a service VIP:port or NodePort goes anywhere but to one of its serving endpoints. */
function notToServing(entry: ConntrackEntry, targets: ServingTargets): boolean {
  const replySource = joinHostPort(entry.reply.src, entry.reply.sport);
  const byVip = targets.byVip.get(joinHostPort(entry.orig.dst, entry.orig.dport));
  if (byVip && !byVip.has(replySource)) return true;
  const byNodePort = targets.byNodePort.get(entry.orig.dport);
  return byNodePort !== undefined && !byNodePort.has(replySource);
}

/**
 * Arguments for `conntrack` (without the program name) that delete this one entry. The
 * original tuple names the flow; the reply source is added because between listing and
 * deleting the client's flow may have expired and been re-created towards a good endpoint,
 * and that new entry must survive.
 */
export function conntrackDeleteArgs(entry: ConntrackEntry): string[] {
  return [
    "-D",
    "-p",
    entry.protocol,
    "--orig-src",
    entry.orig.src,
    "--orig-dst",
    entry.orig.dst,
    "--orig-port-src",
    String(entry.orig.sport),
    "--orig-port-dst",
    String(entry.orig.dport),
    "--reply-src",
    entry.reply.src,
    "--reply-port-src",
    String(entry.reply.sport),
  ];
}
