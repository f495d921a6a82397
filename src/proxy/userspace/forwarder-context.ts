// What every listener's forwarder shares: the balancer, the metrics, the connect policy, and how
// to tell a client on this node from one outside it. Data only.

import type { EndpointBalancer } from "./endpoint-balancer.js";
import type { EndpointPool, ListenerSpec } from "./listener-plan.js";
import type { UserspaceMetrics } from "./userspace-metrics.js";

export interface ForwarderContext {
  balancer: EndpointBalancer;
  metrics: UserspaceMetrics;
  /**
   * Timeout of each connect attempt in milliseconds; its length is the number of attempts per
   * connection (other endpoints first). kube-proxy's userspace mode used 250, 500, 1000, 2000.
   */
  connectTimeoutsMs: readonly number[];
  /** True for clients on this node (loopback, node IPs, pods): they skip externalTrafficPolicy Local. */
  isLocalClient: (ip: string) => boolean;
  log: (line: string) => void;
}

/** The pool a client of this listener is served from. */
export function poolFor(spec: ListenerSpec, clientIP: string, ctx: ForwarderContext): EndpointPool {
  return spec.localClientPool && ctx.isLocalClient(clientIP) ? spec.localClientPool : spec.pool;
}

/** Whether a listener has anywhere to send traffic, i.e. whether it should be bound at all. */
export function hasEndpoints(spec: ListenerSpec): boolean {
  return spec.pool.endpoints.length > 0 || (spec.localClientPool?.endpoints.length ?? 0) > 0;
}

/** The client's IPv4 address without the IPv4-mapped prefix. */
export function plainIP(address: string | undefined): string {
  if (!address) return "";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
