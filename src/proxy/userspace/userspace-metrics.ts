// The userspace proxy's own metrics (svcnet_userspace_*): what kube-proxy's rule-writing modes
// leave to the kernel's counters — connections, sessions, bytes and failed connects — counted by
// the process that forwards them. The shared sync-duration histograms live in proxy-metrics.ts.
//
// Bytes are added when a TCP connection or UDP session ends (from the sockets' own byte counts),
// so the hot path touches no metric; a long connection shows its bytes when it closes.

import type { Counter, Gauge, Registry } from "../metrics/registry.js";

export interface UserspaceMetrics {
  /** Label protocol ("tcp" | "udp"), result ("forwarded" | "failed"): connections (TCP) and sessions (UDP) started. */
  connections: Counter;
  /** Label protocol: connects to an endpoint that failed (refused, timed out); each retry counts. */
  connectFailures: Counter;
  /** Label protocol, direction ("to_endpoint" | "from_endpoint"): payload bytes of finished connections and sessions. */
  bytes: Counter;
  /** Label protocol: connections and sessions open now. */
  active: Gauge;
  /** Label protocol: listeners bound now. */
  listeners: Gauge;
  /** Listeners that could not be bound (address not local, port taken); each attempt counts. */
  listenFailures: Counter;
}

/** Registers the metrics on `registry` (once; later calls reuse them). */
export function createUserspaceMetrics(registry: Registry): UserspaceMetrics {
  const counter = (name: string, help: string, labelNames: string[]): Counter => registry.counter({ name, help, labelNames });
  const gauge = (name: string, help: string, labelNames: string[]): Gauge => registry.gauge({ name, help, labelNames });
  return {
    connections: counter("svcnet_userspace_connections_total", "TCP connections and UDP sessions the userspace proxy started, by result", ["protocol", "result"]),
    connectFailures: counter("svcnet_userspace_endpoint_connect_failures_total", "Connects to endpoints that failed (refused or timed out), retries included", ["protocol"]),
    bytes: counter("svcnet_userspace_bytes_total", "Payload bytes forwarded by finished connections and sessions", ["protocol", "direction"]),
    active: gauge("svcnet_userspace_active_connections", "TCP connections and UDP sessions open now", ["protocol"]),
    listeners: gauge("svcnet_userspace_listeners", "Service listeners bound now", ["protocol"]),
    listenFailures: counter("svcnet_userspace_listen_failures_total", "Attempts to bind a service listener that failed", []),
  };
}

/** One protocol's counters, curried once per forwarder. */
export function protocolCounters(m: UserspaceMetrics, protocol: "tcp" | "udp") {
  return {
    forwarded: m.connections.labels({ protocol, result: "forwarded" }),
    failed: m.connections.labels({ protocol, result: "failed" }),
    connectFailures: m.connectFailures.labels({ protocol }),
    bytesTo: m.bytes.labels({ protocol, direction: "to_endpoint" }),
    bytesFrom: m.bytes.labels({ protocol, direction: "from_endpoint" }),
    active: m.active.labels({ protocol }),
    listeners: m.listeners.labels({ protocol }),
  };
}

export type ProtocolCounters = ReturnType<typeof protocolCounters>;
