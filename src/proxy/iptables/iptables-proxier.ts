// The iptables proxier: one sync turns the change trackers' state into one iptables-restore.
// A sync is partial (only changed services' chains) unless a full one is due: at start, after a
// failed restore, after the tables were flushed (canary or jump rule gone), and once an hour to
// repair drift. Stale per-service chains are deleted in the same restore. The seed profile has
// no partial syncs (kube-proxy 1.2 always rewrote everything).

import type { ProxyChangeTracker, ProxyStateUpdate } from "../change-tracker.js";
import type { ProxyMetrics } from "../metrics/proxy-metrics.js";
import type { RulesProfile } from "../service-port-name.js";
import type { NodeProxyConfig, ProxyState } from "../types.js";
import type { IptablesCommands } from "./iptables-commands.js";
import { generateModernRules } from "./modern-rules.js";
import { CANARY_CHAIN, canaryPresent, chainNamesOf, ensureCanaries, ensureJumpRules, perServiceChains } from "./netfilter-setup.js";
import { isNftBackend, ownsTables, wholeTableRestore } from "./whole-table-restore.js";
import { jumpRuleArgs, jumpRules } from "./jump-rules.js";
import type { ChainTexts } from "./restore-delta.js";
import { chainTexts, omitUnchangedChains } from "./restore-delta.js";
import type { IptablesRulesOptions, IptablesRulesResult, ModernRulesCache } from "./rules-result.js";
import { generateSeedRules } from "./seed-rules.js";

export interface IptablesProxierOptions {
  commands: IptablesCommands;
  tracker: ProxyChangeTracker;
  config: NodeProxyConfig;
  profile: RulesProfile;
  metrics: ProxyMetrics;
  /** Minimum time between stale-chain scans in large clusters, and the canary poll period. */
  syncPeriodMs: number;
  /** Longest time between full syncs; default one hour. */
  fullSyncPeriodMs?: number;
  now?: () => number;
  /**
   * Full syncs replace the tables (no --noflush) when they hold nothing but the proxy's own
   * chains and hooks: linear instead of quadratic on iptables' nf_tables backend. "auto" asks
   * `iptables --version` once and does so on nf_tables. Default false.
   */
  wholeTableFullSync?: boolean | "auto";
  /** Told what the proxier decided about its iptables backend; default: nothing. */
  log?: (line: string) => void;
  /** Called after every successful restore with what was written (for conntrack cleanup, health). */
  afterSync?: (sync: CompletedSync) => Promise<void> | void;
}

export interface CompletedSync {
  full: boolean;
  /** The state written and what changed since the previous sync. */
  update: ProxyStateUpdate;
  result: IptablesRulesResult;
  durationSeconds: number;
  /** When the restore returned (epoch ms, the proxier's clock). */
  finishedAt: number;
}

export type RulesGenerator = (state: ProxyState, config: NodeProxyConfig, options?: IptablesRulesOptions) => IptablesRulesResult;

export function rulesGenerator(profile: RulesProfile): RulesGenerator {
  return profile === "seed" ? generateSeedRules : generateModernRules;
}

/** The chains every sync writes whole in kube-proxy; unchanged ones are left out of partial restores. */
export const SHARED_CHAINS: ReadonlySet<string> = new Set([
  "KUBE-SERVICES",
  "KUBE-EXTERNAL-SERVICES",
  "KUBE-NODEPORTS",
  "KUBE-PROXY-FIREWALL",
  "KUBE-FORWARD",
  "KUBE-FIREWALL",
  "KUBE-POSTROUTING",
  "KUBE-MARK-MASQ",
]);

export class IptablesProxier {
  readonly #o: IptablesProxierOptions & { now: () => number; fullSyncPeriodMs: number };
  readonly #generate: RulesGenerator;
  #needsFullSync = true;
  #lastFullSync = 0;
  #lastStaleScan = 0;
  #lastText = "";
  #cache: ModernRulesCache = { blocks: new Map() };
  #sharedChains: ChainTexts = new Map();
  #wholeTable: boolean | undefined;

  constructor(options: IptablesProxierOptions) {
    this.#o = { now: Date.now, fullSyncPeriodMs: 3_600_000, ...options };
    this.#generate = rulesGenerator(options.profile);
  }

  /** The restore input of the last successful sync (for `svcnet rules --live` style inspection). */
  get lastRestoreInput(): string {
    return this.#lastText;
  }

  /** Forces the next sync to be full (the canary monitor calls this). */
  requestFullSync(): void {
    this.#needsFullSync = true;
  }

  /** One sync. Throws when the restore fails; the runner retries and the next sync is full. */
  async sync(): Promise<CompletedSync> {
    const { commands, tracker, config, metrics } = this.#o;
    const start = this.#o.now();
    const full = this.#needsFullSync || this.#o.profile === "seed" || start - this.#lastFullSync >= this.#o.fullSyncPeriodMs;
    const changes = tracker.apply();
    // On a full sync, can the tables simply be replaced? Only if nothing but ours lives in them.
    // The nat listing read for that also serves the stale-chain scan below.
    let natSave: string | undefined;
    let replaceTables = false;
    if (full && (await this.#wholeTableFullSync())) {
      natSave = await commands.save("nat");
      replaceTables = ownsTables((await commands.save("filter")) + natSave, this.#o.profile);
    }
    if (full && !replaceTables) {
      await ensureJumpRules(commands, this.#o.profile);
      await ensureCanaries(commands);
    }
    // Listing the nat table costs time proportional to its size. Full syncs list it to find any
    // stale chain; partial syncs know from the cache which chains their services dropped, and
    // scan only once per sync period as a backstop.
    let existingNatChains: Set<string> | undefined;
    if (full || start - this.#lastStaleScan >= this.#o.syncPeriodMs) {
      existingNatChains = perServiceChains(chainNamesOf(natSave ?? (await commands.save("nat"))));
      this.#lastStaleScan = start;
    }
    if (full) this.#cache = { blocks: new Map() };
    const result = this.#generate(changes.state, config, {
      changedServices: full ? undefined : changes.changedServices,
      existingNatChains,
      cache: this.#cache,
    });
    const delta = full ? { text: result.text, written: undefined } : omitUnchangedChains(result.text, this.#sharedChains, SHARED_CHAINS);
    try {
      if (replaceTables) {
        await commands.restoreAll(wholeTableRestore(delta.text, this.#o.profile, { filter: [CANARY_CHAIN], nat: [CANARY_CHAIN] }));
        await ensureCanaries(commands);
      } else {
        await commands.restore(delta.text);
      }
    } catch (error) {
      metrics.iptablesRestoreFailures.inc();
      if (!full) metrics.iptablesPartialRestoreFailures.inc();
      this.#needsFullSync = true;
      throw error;
    }
    this.#sharedChains = full ? chainTexts(result.text, SHARED_CHAINS) : new Map([...this.#sharedChains, ...(delta.written ?? [])]);
    this.#needsFullSync = false;
    if (full) this.#lastFullSync = start;
    this.#lastText = delta.text;
    const end = this.#o.now();
    const durationSeconds = (end - start) / 1000;
    metrics.syncProxyRulesDuration.observe(durationSeconds);
    (full ? metrics.syncFullProxyRulesDuration : metrics.syncPartialProxyRulesDuration).observe(durationSeconds);
    metrics.syncProxyRulesLastTimestamp.set(end / 1000);
    metrics.iptablesTotal.set({ table: "nat" }, result.natRules);
    metrics.iptablesTotal.set({ table: "filter" }, result.filterRules);
    metrics.iptablesLast.set({ table: "nat" }, countRules(delta.text, "nat"));
    metrics.iptablesLast.set({ table: "filter" }, countRules(delta.text, "filter"));
    metrics.noLocalEndpointsTotal.set({ traffic_policy: "internal" }, result.noLocalEndpoints.internal);
    metrics.noLocalEndpointsTotal.set({ traffic_policy: "external" }, result.noLocalEndpoints.external);
    for (const trigger of changes.triggerTimes) {
      const seconds = (end - trigger.getTime()) / 1000;
      if (seconds >= 0) metrics.networkProgrammingDuration.observe(seconds);
    }
    const completed: CompletedSync = { full, update: changes, result, durationSeconds, finishedAt: end };
    await this.#o.afterSync?.(completed);
    return completed;
  }

  /** Whether full syncs may replace the tables; "auto" is settled once from `iptables --version`. */
  async #wholeTableFullSync(): Promise<boolean> {
    const setting = this.#o.wholeTableFullSync ?? false;
    if (setting !== "auto") return setting;
    if (this.#wholeTable === undefined) {
      const version = (await this.#o.commands.iptables(["--version"])).stdout.trim();
      this.#wholeTable = isNftBackend(version);
      this.#o.log?.(`iptables ${version}: full syncs ${this.#wholeTable ? "replace the tables when only the proxy's rules are in them" : "use --noflush"}`);
    }
    return this.#wholeTable;
  }

  /**
   * True when the tables still carry our marks: the mangle and nat canaries and the nat
   * PREROUTING hook. Upstream only watches the mangle canary, so a flush of just the nat table
   * goes unnoticed for up to an hour; checking the hook catches `iptables -t nat -F` too.
   */
  async tablesIntact(): Promise<boolean> {
    const { commands } = this.#o;
    if (!(await canaryPresent(commands))) return false;
    const natCanary = await commands.iptables(["-t", "nat", "-S", "KUBE-PROXY-CANARY", "1"]);
    if (natCanary.code !== 0) return false;
    const hook = jumpRules(this.#o.profile).find((r) => r.table === "nat" && r.chain === "PREROUTING");
    if (!hook) return true;
    const check = await commands.iptables(["-t", "nat", "-C", hook.chain, ...jumpRuleArgs(hook)]);
    return check.code === 0;
  }
}

/** Rule lines (`-A`) of one table in a restore input: what this restore wrote. */
export function countRules(text: string, table: "nat" | "filter"): number {
  let inTable = false;
  let count = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("*")) inTable = line === `*${table}`;
    else if (inTable && line.startsWith("-A ")) count++;
  }
  return count;
}
