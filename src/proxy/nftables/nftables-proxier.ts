// The nftables proxier: one sync turns the change trackers' state into one `nft -f` transaction.
// A sync is partial (only changed services' chains and elements) unless a full one is due: at
// start, after a failed transaction, when the table was removed (the monitor asks), and once an
// hour to repair drift (not in large clusters, where replacing the table takes minutes). A full
// sync replaces the table atomically. Stale chains are flushed in the sync that drops them and deleted by a small transaction of their own at least a second
// later. The table is never listed (upstream listed every chain and set on every sync, which
// dominated sync time at tens of thousands of services: kubernetes#139513).

import type { ProxyChangeTracker, ProxyStateUpdate } from "../change-tracker.js";
import type { ProxyMetrics } from "../metrics/proxy-metrics.js";
import type { NodeProxyConfig, ProxyState } from "../types.js";
import type { NftCommands } from "./nft-commands.js";
import type { NftSyncStats } from "./nft-rule-store.js";
import { NftRuleStore } from "./nft-rule-store.js";

export interface NftablesProxierOptions {
  nft: NftCommands;
  tracker: ProxyChangeTracker;
  config: NodeProxyConfig;
  metrics: ProxyMetrics;
  /** Longest time between full syncs; default one hour. */
  fullSyncPeriodMs?: number;
  /**
   * Above this many endpoints in total, no periodic full sync (as kube-proxy since PR #138571):
   * replacing a large table takes minutes in the kernel. Default 1000 (kube-proxy's large-cluster mode).
   */
  largeClusterEndpointsThreshold?: number;
  now?: () => number;
  log?: (line: string) => void;
  /** Called after every successful sync with what was written (for conntrack cleanup, health). */
  afterSync?: (sync: NftablesCompletedSync) => Promise<void> | void;
}

export interface NftablesCompletedSync {
  mode: "nftables";
  full: boolean;
  /** The state written and what changed since the previous sync. */
  update: ProxyStateUpdate;
  result: NftSyncStats;
  durationSeconds: number;
  /** When the transaction returned (epoch ms, the proxier's clock). */
  finishedAt: number;
}

export class NftablesProxier {
  readonly mode = "nftables";
  readonly #o: NftablesProxierOptions & { now: () => number; fullSyncPeriodMs: number; largeClusterEndpointsThreshold: number };
  readonly #store = new NftRuleStore();
  #needsFullSync = true;
  #lastFullSync = 0;
  #lastText = "";

  constructor(options: NftablesProxierOptions) {
    this.#o = { now: Date.now, fullSyncPeriodMs: 3_600_000, largeClusterEndpointsThreshold: 1000, ...options };
  }

  /** The transaction of the last successful sync. */
  get lastRestoreInput(): string {
    return this.#lastText;
  }

  /** Forces the next sync to be full (the table monitor calls this). */
  requestFullSync(): void {
    this.#needsFullSync = true;
  }

  /** One sync. Throws when the transaction fails; the runner retries and the next sync is full. */
  async sync(): Promise<NftablesCompletedSync> {
    const { nft, tracker, config, metrics } = this.#o;
    const start = this.#o.now();
    const changes = tracker.apply();
    const periodic = start - this.#lastFullSync >= this.#o.fullSyncPeriodMs && !this.#largeCluster(changes.state);
    const full = this.#needsFullSync || !this.#store.hasSynced || periodic;

    // Chains flushed by an earlier sync (at least a second ago) can go now. Apart from the main
    // transaction, so that a failure here costs nothing but a leftover empty chain.
    if (!full) {
      const stale = this.#store.deleteStaleChains(start);
      if (stale.text !== "") {
        try {
          await nft.run(stale.text);
        } catch (error) {
          metrics.nftablesCleanupFailures.inc();
          this.#o.log?.(`deleting ${stale.chains.length} stale chains failed (they stay, empty, until the next full sync): ${messageOf(error)}`);
        }
      }
    }

    const tx = full ? this.#store.full(changes.state, config) : this.#store.partial(changes.state, config, changes.changedServices, start);
    try {
      if (tx.text !== "") await nft.run(tx.text);
    } catch (error) {
      metrics.nftablesSyncFailures.inc();
      this.#needsFullSync = true;
      this.#store.reset();
      throw error;
    }
    this.#needsFullSync = false;
    if (full) this.#lastFullSync = start;
    this.#lastText = tx.text;
    const end = this.#o.now();
    const durationSeconds = (end - start) / 1000;
    metrics.syncProxyRulesDuration.observe(durationSeconds);
    (full ? metrics.syncFullProxyRulesDuration : metrics.syncPartialProxyRulesDuration).observe(durationSeconds);
    metrics.syncProxyRulesLastTimestamp.set(end / 1000);
    metrics.noLocalEndpointsTotal.set({ traffic_policy: "internal" }, tx.stats.noLocalEndpoints.internal);
    metrics.noLocalEndpointsTotal.set({ traffic_policy: "external" }, tx.stats.noLocalEndpoints.external);
    for (const trigger of changes.triggerTimes) {
      const seconds = (end - trigger.getTime()) / 1000;
      if (seconds >= 0) metrics.networkProgrammingDuration.observe(seconds);
    }
    const completed: NftablesCompletedSync = { mode: "nftables", full, update: changes, result: tx.stats, durationSeconds, finishedAt: end };
    await this.#o.afterSync?.(completed);
    return completed;
  }

  #largeCluster(state: ProxyState): boolean {
    let endpoints = 0;
    for (const list of state.endpoints.values()) endpoints += list.length;
    return endpoints > this.#o.largeClusterEndpointsThreshold;
  }

  /** True while `table ip kube-proxy` exists; false means someone removed it (e.g. `nft flush ruleset`). */
  async tablesIntact(): Promise<boolean> {
    return this.#o.nft.tableExists();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
