// The service proxy (kube-proxy's role) as one component: informers on Services, EndpointSlices
// and this proxy's Node feed the change tracker; a bounded-frequency runner turns pending changes
// into syncs of one backend (iptables, nftables or userspace, behind ProxyBackend); a monitor forces a full
// sync when someone flushed the tables; starting in one mode removes the other mode's rules; UDP conntrack
// entries and half-open TCP ones that point at gone endpoints are removed after each sync; /metrics, /healthz, /livez and
// the per-service health check ports are served. It reads the API only through the public client,
// so it runs against svcnet or any Kubernetes API server.

import { requireResource } from "../api/resources.js";
import type { EndpointSlice, KubeObject, Node, Service } from "../api/types.js";
import type { Clock, Transport } from "../client/index.js";
import { DeletedFinalStateUnknown, Informer, KubeClient, realClock } from "../client/index.js";
import { sleepOn } from "../client/sleep.js";
import { BoundedFrequencyRunner } from "./bounded-frequency-runner.js";
import { ProxyChangeTracker } from "./change-tracker.js";
import type { ConntrackCleaner } from "./conntrack/conntrack-cleaner.js";
import { isNodeEligible, ProxyHealthState } from "./health/proxy-health.js";
import { ProxyHealthServer } from "./health/proxy-health-server.js";
import { ServiceHealthServers } from "./health/service-health-servers.js";
import type { IptablesCommands } from "./iptables/iptables-commands.js";
import type { CompletedSync } from "./iptables/iptables-proxier.js";
import { IptablesProxier } from "./iptables/iptables-proxier.js";
import { cleanupRules, iptablesRulesPresent } from "./iptables/netfilter-setup.js";
import type { NftCommands } from "./nftables/nft-commands.js";
import { cleanupNftables } from "./nftables/nft-commands.js";
import type { NftablesCompletedSync } from "./nftables/nftables-proxier.js";
import { NftablesProxier } from "./nftables/nftables-proxier.js";
import { MetricsServer } from "./metrics/metrics-server.js";
import type { ProxyMetrics } from "./metrics/proxy-metrics.js";
import { createProxyMetrics } from "./metrics/proxy-metrics.js";
import { Registry } from "./metrics/registry.js";
import { proxyServiceLabelSelector } from "./service-port-infos.js";
import type { RulesProfile } from "./service-port-name.js";
import type { NodeProxyConfig } from "./types.js";
import type { IpCommand, ServiceAddresses } from "./userspace/service-address-interface.js";
import { cleanupUserspace } from "./userspace/service-address-interface.js";
import type { UserspaceCompletedSync } from "./userspace/userspace-proxier.js";
import { UserspaceProxier } from "./userspace/userspace-proxier.js";

/** Which backend programs the kernel (kube-proxy's --proxy-mode). */
export type ProxyMode = "iptables" | "nftables" | "userspace";

/** One sync of either backend: what the component, conntrack cleanup and health need. */
export type BackendSync = CompletedSync | NftablesCompletedSync | UserspaceCompletedSync;

/**
 * What the component needs from a proxier. Each backend writes its own rules only; switching
 * modes is the component's job (it removes the other mode's rules before the first sync).
 */
export interface ProxyBackend {
  readonly lastRestoreInput: string;
  /** One sync; throws when writing the rules failed (the runner retries; the next sync is full). */
  sync(): Promise<BackendSync>;
  requestFullSync(): void;
  /** False when someone removed or flushed the backend's rules. */
  tablesIntact(): Promise<boolean>;
}

export interface ServiceProxyOptions {
  transport: Transport;
  config: NodeProxyConfig;
  /** Default "iptables". */
  mode?: ProxyMode;
  /** iptables: programs the rules in iptables mode, and is cleaned up in nftables mode. */
  commands: IptablesCommands;
  /** nft: programs the rules in nftables mode (required there), and is cleaned up in iptables mode. */
  nft?: NftCommands;
  profile?: RulesProfile;
  /** --min-sync-period; default 1 s. */
  minSyncPeriodMs?: number;
  /** --sync-period; default 30 s (canary poll, retries, health timeout = 2×). */
  syncPeriodMs?: number;
  /** host:port for /metrics; undefined = not served. */
  metricsBindAddress?: string;
  /** host:port for /healthz and /livez; undefined = not served. */
  healthzBindAddress?: string;
  /** Addresses for healthCheckNodePort listeners; undefined = not served. */
  healthCheckAddresses?: string[];
  /**
   * Replace the tables on full syncs when they hold only the proxy's chains: "auto" (default) does
   * so on iptables' nf_tables backend, where --noflush restores of whole tables are quadratic.
   */
  wholeTableFullSync?: boolean | "auto";
  /** Clean stale UDP and half-open TCP conntrack entries (needs the conntrack tool). Never in userspace mode (no NAT). */
  conntrack?: ConntrackCleaner | false;
  /**
   * userspace mode: how service addresses become local so listeners can bind them (a dummy
   * interface, as root); undefined when they already are (a 127.x service range, rootless).
   */
  serviceAddresses?: ServiceAddresses;
  /** userspace mode: idle timeout of UDP sessions (--udp-timeout); default 30 s. */
  udpIdleTimeoutMs?: number;
  /** `ip` where a userspace proxy may have left its service address interface (removed in the other modes). */
  userspaceIp?: IpCommand;
  clock?: Clock;
  log?: (line: string) => void;
}

export interface ServiceProxyStatus {
  syncs: number;
  fullSyncs: number;
  lastSync?: BackendSync;
  lastError?: string;
}

export class ServiceProxy {
  readonly registry = new Registry();
  readonly metrics: ProxyMetrics;
  readonly health: ProxyHealthState;
  readonly status: ServiceProxyStatus = { syncs: 0, fullSyncs: 0 };
  readonly mode: ProxyMode;
  readonly #o: ServiceProxyOptions & { minSyncPeriodMs: number; syncPeriodMs: number; clock: Clock; log: (line: string) => void; profile: RulesProfile };
  readonly #tracker: ProxyChangeTracker;
  readonly #proxier: ProxyBackend;
  /** The userspace proxier when in that mode: its listeners are closed when the proxy stops. */
  readonly #userspace: UserspaceProxier | undefined;
  readonly #serviceHealth: ServiceHealthServers | undefined;
  readonly #syncWaiters: (() => void)[] = [];
  #runner: BoundedFrequencyRunner | undefined;
  #ready = false;

  constructor(options: ServiceProxyOptions) {
    this.#o = { minSyncPeriodMs: 1000, syncPeriodMs: 30_000, clock: realClock, log: () => undefined, profile: "modern", ...options };
    const now = new Date(this.#o.clock.now());
    this.metrics = createProxyMetrics(this.registry, { ipFamily: options.config.ipFamily ?? "IPv4" });
    this.health = new ProxyHealthState({ start: now, syncPeriodMs: this.#o.syncPeriodMs });
    this.#tracker = new ProxyChangeTracker(options.config.nodeName, { startedAt: now, ipFamily: options.config.ipFamily ?? "IPv4" });
    this.mode = options.mode ?? "iptables";
    if (options.config.ipFamily === "IPv6" && this.mode !== "nftables") throw new Error(`the ${this.mode} mode serves IPv4 only: use the nftables mode for IPv6`);
    const conntrack = options.conntrack === false || this.mode === "userspace" ? undefined : options.conntrack;
    this.#serviceHealth = options.healthCheckAddresses
      ? new ServiceHealthServers({ addresses: options.healthCheckAddresses, proxyHealthy: () => this.health.health(new Date(this.#o.clock.now())).healthy })
      : undefined;
    const afterSync = async (sync: BackendSync): Promise<void> => {
      const scope = { udp: sync.update.conntrackCleanupNeeded, halfOpenTcp: sync.update.halfOpenTcpCleanupNeeded };
      if (conntrack && (scope.udp || scope.halfOpenTcp)) {
        const started = this.#o.clock.now();
        try {
          const r = await conntrack.reconcile(sync.update.state, sync.update.deletedUDPServicePorts, scope);
          this.metrics.conntrackReconcilerDeletedEntries.inc(r.deleted);
        } catch (error) {
          this.#o.log(`conntrack cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        this.metrics.conntrackReconcilerSyncDuration.observe((this.#o.clock.now() - started) / 1000);
      }
      if (this.#serviceHealth) await this.#syncServiceHealth(sync);
    };
    if (this.mode === "userspace") {
      this.#userspace = new UserspaceProxier({
        tracker: this.#tracker,
        config: options.config,
        metrics: this.metrics,
        registry: this.registry,
        serviceAddresses: options.serviceAddresses,
        udpIdleTimeoutMs: options.udpIdleTimeoutMs,
        afterSync,
        log: this.#o.log,
      });
      this.#proxier = this.#userspace;
    } else if (this.mode === "nftables") {
      if (!options.nft) throw new Error("nftables mode needs nft commands (ServiceProxyOptions.nft)");
      this.#proxier = new NftablesProxier({
        nft: options.nft,
        tracker: this.#tracker,
        config: options.config,
        metrics: this.metrics,
        now: () => this.#o.clock.now(),
        afterSync,
        log: this.#o.log,
      });
    } else {
      this.#proxier = new IptablesProxier({
        commands: options.commands,
        tracker: this.#tracker,
        config: options.config,
        profile: this.#o.profile,
        metrics: this.metrics,
        syncPeriodMs: this.#o.syncPeriodMs,
        now: () => this.#o.clock.now(),
        afterSync,
        wholeTableFullSync: options.wholeTableFullSync ?? "auto",
        log: this.#o.log,
      });
    }
  }

  /** The restore input of the last successful sync. */
  get lastRestoreInput(): string {
    return this.#proxier.lastRestoreInput;
  }

  /** Resolves after the next sync that completes (successfully) from now on. */
  nextSync(): Promise<void> {
    return new Promise((resolve) => this.#syncWaiters.push(resolve));
  }

  /** Runs until `signal` aborts. Resolves after the servers are closed; the rules stay in place. */
  async run(signal: AbortSignal): Promise<void> {
    const { transport, config } = this.#o;
    const services = new Informer<Service>(new KubeClient<Service>(transport, requireResource("", "v1", "services")), { labelSelector: proxyServiceLabelSelector });
    const slices = new Informer<EndpointSlice>(new KubeClient<EndpointSlice>(transport, requireResource("discovery.k8s.io", "v1", "endpointslices")), {
      labelSelector: "kubernetes.io/service-name,!service.kubernetes.io/headless",
    });
    const nodes = new Informer<Node>(new KubeClient<Node>(transport, requireResource("", "v1", "nodes")), { fieldSelector: `metadata.name=${config.nodeName}` });
    const changed = (isService: boolean) => (did: boolean): void => {
      (isService ? this.metrics.serviceChangesTotal : this.metrics.endpointChangesTotal).inc();
      this.#updatePendingGauges();
      if (!did) return;
      this.health.queuedUpdate(new Date(this.#o.clock.now()));
      this.metrics.syncProxyRulesLastQueuedTimestamp.set(this.#o.clock.now() / 1000);
      if (this.#ready) this.#runner?.run();
    };
    const onService = changed(true);
    const onSlice = changed(false);
    services.addEventHandler({
      onAdd: (s) => onService(this.#tracker.onService(undefined, s)),
      onUpdate: (old, s) => onService(this.#tracker.onService(old, s)),
      onDelete: (s) => onService(this.#tracker.onService(finalState(s), undefined)),
    });
    slices.addEventHandler({
      onAdd: (s) => onSlice(this.#tracker.onSlice(undefined, s)),
      onUpdate: (old, s) => onSlice(this.#tracker.onSlice(old, s)),
      onDelete: (s) => onSlice(this.#tracker.onSlice(finalState(s), undefined)),
    });
    nodes.addEventHandler({
      onAdd: (n) => this.health.setNodeEligible(isNodeEligible(n)),
      onUpdate: (_old, n) => this.health.setNodeEligible(isNodeEligible(n)),
      onDelete: () => this.health.setNodeEligible(false),
    });

    const servers: { close(): Promise<void> }[] = [];
    try {
      if (this.#o.metricsBindAddress !== undefined) {
        const metrics = new MetricsServer({ bindAddress: this.#o.metricsBindAddress, registry: this.registry, proxyMode: this.mode });
        const at = await metrics.start();
        servers.push(metrics);
        this.#o.log(`metrics on http://${at.host}:${at.port}/metrics`);
      }
      if (this.#o.healthzBindAddress !== undefined) {
        const healthz = new ProxyHealthServer({ bindAddress: this.#o.healthzBindAddress, state: this.health, metrics: this.metrics, now: () => new Date(this.#o.clock.now()) });
        const at = await healthz.start();
        servers.push(healthz);
        this.#o.log(`healthz on http://${at.host}:${at.port}/healthz`);
      }
      void services.run(signal);
      void slices.run(signal);
      void nodes.run(signal);
      await this.#cleanupOtherMode();
      const synced = await Promise.all([services.waitForCacheSync(signal), slices.waitForCacheSync(signal)]);
      if (!synced.every(Boolean)) return;
      this.#runner = new BoundedFrequencyRunner({
        name: "sync-runner",
        fn: () => this.#sync(),
        minInterval: this.#o.minSyncPeriodMs,
        retryInterval: this.#o.syncPeriodMs,
        maxInterval: this.#o.syncPeriodMs,
        clock: this.#o.clock,
        onError: (error) => {
          this.status.lastError = error instanceof Error ? error.message : String(error);
          this.#o.log(`sync failed (retrying): ${this.status.lastError}`);
        },
      });
      this.#ready = true;
      this.health.queuedUpdate(new Date(this.#o.clock.now()));
      this.#runner.start(signal);
      this.#runner.run();
      await this.#monitorTables(signal);
      await this.#runner.stop();
    } finally {
      await this.#userspace?.close().catch((e: unknown) => this.#o.log(`closing the userspace proxy: ${e instanceof Error ? e.message : String(e)}`));
      await Promise.allSettled(servers.map((s) => s.close()));
      await this.#serviceHealth?.close();
    }
  }

  async #sync(): Promise<void> {
    const sync = await this.#proxier.sync();
    this.status.syncs++;
    if (sync.full) this.status.fullSyncs++;
    this.status.lastSync = sync;
    this.status.lastError = undefined;
    this.#updatePendingGauges();
    this.health.updated(new Date(this.#o.clock.now()));
    for (const resolve of this.#syncWaiters.splice(0)) resolve();
  }

  /**
   * Removes the rules the other mode left (kube-proxy does this between iptables and nftables):
   * starting in nftables mode deletes iptables mode's chains, and the other way round. Failures
   * are logged, not fatal: the other mode's tools may simply be missing.
   */
  async #cleanupOtherMode(): Promise<void> {
    try {
      if (this.mode !== "iptables" && (await iptablesRulesPresent(this.#o.commands))) {
        await cleanupRules(this.#o.commands, this.#o.profile);
        this.#o.log(`removed iptables mode's rules (now in ${this.mode} mode)`);
      }
      if (this.mode !== "nftables" && this.#o.nft && (await cleanupNftables(this.#o.nft))) {
        this.#o.log(`removed nftables mode's table (now in ${this.mode} mode)`);
      }
      if (this.mode !== "userspace" && this.#o.userspaceIp && (await cleanupUserspace(this.#o.userspaceIp))) {
        this.#o.log(`removed the userspace mode's service address interface (now in ${this.mode} mode)`);
      }
    } catch (error) {
      this.#o.log(`cleaning up the other proxy mode's rules failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Every sync period, check that our chains are still hooked in; if not, sync everything now. */
  async #monitorTables(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleepOn(this.#o.clock, this.#o.syncPeriodMs, signal);
      if (signal.aborted) return;
      try {
        if (!(await this.#proxier.tablesIntact())) {
          this.#o.log(`${this.mode === "nftables" ? "the kube-proxy table is gone (nft flush ruleset?)" : "kube-proxy chains are gone (tables flushed?)"}: forcing a full sync`);
          this.#proxier.requestFullSync();
          this.#runner?.run();
        }
      } catch (error) {
        this.#o.log(`checking the tables failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  #updatePendingGauges(): void {
    const pending = this.#tracker.pending();
    this.metrics.serviceChangesPending.set(pending.services);
    this.metrics.endpointChangesPending.set(pending.endpoints);
  }

  async #syncServiceHealth(sync: BackendSync): Promise<void> {
    const ports = new Map<string, number>();
    const local = new Map<string, number>();
    for (const [key, port] of sync.update.state.services) {
      if (port.healthCheckNodePort === 0) continue;
      const name = `${port.name.namespace}/${port.name.name}`;
      ports.set(name, port.healthCheckNodePort);
      const count = (sync.update.state.endpoints.get(key) ?? []).filter((e) => e.isLocal && e.ready).length;
      local.set(name, (local.get(name) ?? 0) + count);
    }
    await this.#serviceHealth?.syncServices(ports);
    this.#serviceHealth?.syncEndpoints(local);
  }
}

function finalState<T extends KubeObject>(obj: T | DeletedFinalStateUnknown<T>): T {
  return obj instanceof DeletedFinalStateUnknown ? obj.obj : obj;
}
