// Whether the proxy is keeping up, as kube-proxy judges it for /healthz and /livez and for the
// per-service health checks. Pure state: every call takes the time, nothing reads a clock.
//
// The rule (upstream's): a proxier is unhealthy once a change has been queued and not applied for
// healthTimeout or longer (default 2 × syncPeriod = 60 s); queued-but-recent, or nothing queued,
// is healthy. Each IP family is judged on its own and the proxy is healthy only if all are.
// Upstream's sync loop records one "updated" at startup, before any sync; we take that as
// `start`. So before the first sync the proxy is healthy until healthTimeout has passed since the
// first queued change — which in practice is the initial sync, queued as soon as the informer
// caches are synced — and unhealthy after that if the sync still has not succeeded.
//
// Node eligibility (upstream ≥ 1.28) only affects /healthz: a Node being deleted or tainted
// ToBeDeletedByClusterAutoscaler makes load balancers drain it, but must not get the proxy
// restarted, so /livez ignores it. The node counts as eligible until told otherwise.

import type { Node } from "../../api/types.js";

export type IPFamily = "IPv4" | "IPv6";

/** The taint the Cluster Autoscaler puts on a node it is about to delete. */
export const toBeDeletedTaint = "ToBeDeletedByClusterAutoscaler";

export interface ProxierHealth {
  lastUpdated: Date;
  healthy: boolean;
}

export interface ProxyHealth {
  /** True when every family's proxier is healthy (node eligibility not included). */
  healthy: boolean;
  /** The most recent successful update of any family (the start time before the first sync). */
  lastUpdated: Date;
  currentTime: Date;
  /** Per family, in family order. */
  status: ReadonlyMap<IPFamily, ProxierHealth>;
}

export interface ProxyHealthStateOptions {
  /** When the proxy started; counts as every family's first update. */
  start: Date;
  /** kube-proxy's --iptables-sync-period; default 30 s. */
  syncPeriodMs?: number;
  /** Default 2 × syncPeriodMs, as kube-proxy passes to its health server. */
  healthTimeoutMs?: number;
  /** The families this proxy programs; default ["IPv4"]. */
  families?: readonly IPFamily[];
}

export const defaultSyncPeriodMs = 30_000;

export class ProxyHealthState {
  readonly healthTimeoutMs: number;
  readonly #lastUpdated = new Map<IPFamily, Date>();
  /** The oldest change per family that is queued but not yet applied. */
  readonly #oldestQueued = new Map<IPFamily, Date>();
  #nodeEligible = true;

  constructor(options: ProxyHealthStateOptions) {
    this.healthTimeoutMs = options.healthTimeoutMs ?? 2 * (options.syncPeriodMs ?? defaultSyncPeriodMs);
    for (const family of options.families ?? ["IPv4"]) this.#lastUpdated.set(family, options.start);
  }

  /** A change arrived that needs the rules rewritten; only the oldest pending one matters. */
  queuedUpdate(now: Date, family: IPFamily = "IPv4"): void {
    if (!this.#oldestQueued.has(family)) this.#oldestQueued.set(family, now);
  }

  /** The family's proxier applied everything queued so far. */
  updated(now: Date, family: IPFamily = "IPv4"): void {
    this.#oldestQueued.delete(family);
    this.#lastUpdated.set(family, now);
  }

  health(now: Date): ProxyHealth {
    const status = new Map<IPFamily, ProxierHealth>();
    let lastUpdated: Date | undefined;
    let healthy = true;
    // Only families that have been updated at least once are judged (all of them, given `start`).
    for (const [family, updatedAt] of [...this.#lastUpdated].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!lastUpdated || updatedAt > lastUpdated) lastUpdated = updatedAt;
      const queued = this.#oldestQueued.get(family);
      const late = queued !== undefined && now.getTime() - queued.getTime() >= this.healthTimeoutMs;
      if (late) healthy = false;
      status.set(family, { lastUpdated: updatedAt, healthy: !late });
    }
    return { healthy, lastUpdated: lastUpdated ?? goZeroTime, currentTime: now, status };
  }

  get nodeEligible(): boolean {
    return this.#nodeEligible;
  }

  /** Feed from the Node informer, usually `setNodeEligible(isNodeEligible(node))`. */
  setNodeEligible(eligible: boolean): void {
    this.#nodeEligible = eligible;
  }
}

/** A node may take load-balancer traffic unless it is being deleted or the autoscaler is removing it. */
export function isNodeEligible(node: Node): boolean {
  if (node.metadata.deletionTimestamp) return false;
  return !(node.spec?.taints ?? []).some((t) => t.key === toBeDeletedTaint);
}

/** Go's zero time.Time (0001-01-01T00:00:00Z), which upstream reports when nothing was ever updated. */
export const goZeroTime = new Date("0001-01-01T00:00:00Z");
