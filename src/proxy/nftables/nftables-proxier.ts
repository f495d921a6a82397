// The nftables proxier: one sync turns the change trackers' state into one `nft -f` transaction.
// A sync is partial (only changed services' chains and elements) unless a full one is due: at
// start, after a failed transaction, when the table was removed (the monitor asks), and once an
// hour to repair drift (not in large clusters, where replacing the table takes minutes). A full
// sync replaces the table atomically; when there is no table yet (at start, or after someone
// removed it) it is built in transactions of a few hundred services each, which the kernel handles
// far faster. Stale chains are flushed in the sync that drops them and deleted by a small
// transaction of their own after a later sync's, at least a second after (in large clusters at
// most every 30 s: each deletion makes nft read the whole table). The table is never listed (upstream listed
// every chain and set on every sync, which dominated sync time at tens of thousands of services:
// kubernetes#139513).

import type { ProxyChangeTracker, ProxyStateUpdate } from "../change-tracker.js";
import type { ProxyMetrics } from "../metrics/proxy-metrics.js";
import type { NodeProxyConfig, ProxyState } from "../types.js";
import type { NftCommands } from "./nft-commands.js";
import type { NftSyncStats } from "./nft-rule-store.js";
import { COLD_SYNC_SERVICE_PORTS_PER_TRANSACTION, NftRuleStore } from "./nft-rule-store.js";

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
  /** Service ports per transaction when a full sync builds the table from nothing; default COLD_SYNC_SERVICE_PORTS_PER_TRANSACTION. */
  coldSyncServicePortsPerTransaction?: number;
  /** In large clusters, the least time between two deletions of stale chains; default 30 000 ms. */
  staleChainCleanupIntervalMs?: number;
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
  readonly #o: NftablesProxierOptions & { now: () => number; fullSyncPeriodMs: number; largeClusterEndpointsThreshold: number; coldSyncServicePortsPerTransaction: number; staleChainCleanupIntervalMs: number };
  readonly #store = new NftRuleStore();
  #needsFullSync = true;
  #lastFullSync = 0;
  #lastText = "";
  #lastStaleCleanup = Number.NEGATIVE_INFINITY;

  constructor(options: NftablesProxierOptions) {
    this.#o = {
      now: Date.now,
      fullSyncPeriodMs: 3_600_000,
      largeClusterEndpointsThreshold: 1000,
      coldSyncServicePortsPerTransaction: COLD_SYNC_SERVICE_PORTS_PER_TRANSACTION,
      staleChainCleanupIntervalMs: 30_000,
      ...options,
    };
  }

  /** The transaction of the last successful sync (a full sync's single-transaction text even when it went in parts). */
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
    const large = this.#largeCluster(changes.state);
    const periodic = start - this.#lastFullSync >= this.#o.fullSyncPeriodMs && !large;
    const full = this.#needsFullSync || !this.#store.hasSynced || periodic;

    const tx = full ? this.#store.full(changes.state, config, this.#o.coldSyncServicePortsPerTransaction) : this.#store.partial(changes.state, config, changes.changedServices, start, { deferGone: large });
    try {
      // A table made from nothing goes in several transactions (far faster in the kernel, see
      // NftTransaction.coldParts); replacing an existing one stays atomic.
      if (tx.coldParts && tx.coldParts.length > 1 && !(await nft.tableExists())) {
        for (const part of tx.coldParts) await nft.run(part);
      } else if (tx.text !== "") await nft.run(tx.text);
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
    if (!full) await this.#deleteStaleChains(large);
    const completed: NftablesCompletedSync = { mode: "nftables", full, update: changes, result: tx.stats, durationSeconds, finishedAt: end };
    await this.#o.afterSync?.(completed);
    return completed;
  }

  /**
   * Deletes what earlier syncs left behind — elements gone from the state, then the chains they
   * flushed (at least a second ago), then affinity sets no chain names — after the sync's own transaction, so the change it carries
   * is not held up, and apart from it, so that a failure costs nothing but leftovers. nft 1.0.6
   * reads the whole table before any `delete` (≈ 0.45 s at 10,000 services), so in large clusters
   * this runs at most every staleChainCleanupIntervalMs; the leftovers lead nowhere meanwhile.
   */
  async #deleteStaleChains(largeCluster: boolean): Promise<void> {
    const now = this.#o.now();
    if (largeCluster && now - this.#lastStaleCleanup < this.#o.staleChainCleanupIntervalMs) return;
    const stale = this.#store.deleteStaleChains(now);
    if (stale.text === "") return;
    this.#lastStaleCleanup = now;
    try {
      await this.#o.nft.run(stale.text);
    } catch (error) {
      this.#o.metrics.nftablesCleanupFailures.inc();
      this.#o.log?.(`deleting ${stale.elements} stale elements, ${stale.chains.length} stale chains and ${stale.sets} affinity sets failed (they stay until the next full sync): ${messageOf(error)}`);
    }
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
