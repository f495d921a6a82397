// The userspace proxier (`svcnet proxy --mode userspace`): TCP and UDP proxied in this process,
// in whatever network namespace it runs. One sync turns the change tracker's state into a
// listener plan (listener-plan.ts), makes the service addresses local (a dummy interface as
// root, nothing for 127.x service ranges), and opens, updates and closes listeners to match.
// It has the shape of the iptables and nftables proxiers (sync, requestFullSync, tablesIntact,
// lastRestoreInput), so the service proxy can drive it the same way, plus close() to stop
// forwarding when the proxy stops.
//
// Contract:
// - A listener that cannot be bound (address not local, port taken) does not fail the sync: it
//   is reported in the result, logged, counted, and tried again on every later sync.
// - A listener whose service port is gone stops accepting at once; its connections may drain for
//   `drainTimeoutMs`, during which its address stays on the interface.
// - Endpoint changes never cut a TCP connection; UDP sessions on an endpoint that left move on
//   the client's next datagram.

import type { ProxyChangeTracker, ProxyStateUpdate } from "../change-tracker.js";
import type { ProxyMetrics } from "../metrics/proxy-metrics.js";
import { Registry } from "../metrics/registry.js";
import type { NodeProxyConfig } from "../types.js";
import { EndpointBalancer } from "./endpoint-balancer.js";
import type { ForwarderContext } from "./forwarder-context.js";
import type { ListenerPlanOptions, ListenerSpec } from "./listener-plan.js";
import { describeListeners, isNodeLocalClient, planListeners } from "./listener-plan.js";
import { diffListeners } from "./reconcile-plan.js";
import type { ServiceAddresses } from "./service-address-interface.js";
import { TcpForwarder } from "./tcp-forwarder.js";
import { UdpForwarder } from "./udp-forwarder.js";
import { createUserspaceMetrics } from "./userspace-metrics.js";

/** kube-proxy's userspace connect timeouts: four tries, doubling from 250 ms. */
export const defaultConnectTimeoutsMs: readonly number[] = [250, 500, 1000, 2000];

/**
 * UDP session idle timeout. kube-proxy's --udp-timeout was 250 ms, which cut off replies slower
 * than that (a DNS answer after a retry, say); 30 s is the kernel's own conntrack timeout for a
 * UDP flow, so a flow lives about as long as it would in iptables mode.
 */
export const defaultUdpIdleTimeoutMs = 30_000;

export interface UserspaceProxierOptions {
  tracker: ProxyChangeTracker;
  config: NodeProxyConfig;
  metrics: ProxyMetrics;
  /** Where svcnet_userspace_* go; default a private registry (not served). */
  registry?: Registry;
  /**
   * Makes service addresses local (DummyInterfaceAddresses as root). Undefined: the addresses
   * already are (service range in 127.0.0.0/8, rootless).
   */
  serviceAddresses?: ServiceAddresses;
  /** Default defaultUdpIdleTimeoutMs. */
  udpIdleTimeoutMs?: number;
  /** UDP sessions per listener at most; default 10 000. */
  maxUdpSessions?: number;
  /** Per-attempt connect timeouts; default defaultConnectTimeoutsMs. */
  connectTimeoutsMs?: readonly number[];
  /** How long connections of a removed service may drain; default 30 s. */
  drainTimeoutMs?: number;
  /** Overrides the NodePort bind addresses (tests bind 127.0.0.x). */
  nodePortAddresses?: ListenerPlanOptions["nodePortAddresses"];
  now?: () => number;
  /** [0, 1) source for new pools' starting positions. */
  random?: () => number;
  log?: (line: string) => void;
  /** Called after every sync with what it did. */
  afterSync?: (sync: UserspaceCompletedSync) => Promise<void> | void;
}

export interface ListenerFailure {
  key: string;
  error: string;
}

export interface UserspaceSyncStats {
  /** Listeners wanted by the plan. */
  listeners: number;
  /** Of those, bound now (the rest have no endpoints, or failed to bind). */
  listening: number;
  opened: string[];
  closed: string[];
  updated: string[];
  failures: ListenerFailure[];
  conflicts: string[];
  unsupported: string[];
  addressesAdded: string[];
  addressesRemoved: string[];
  /** Connections still draining from removed listeners. */
  draining: number;
  noLocalEndpoints: { internal: number; external: number };
}

export interface UserspaceCompletedSync {
  mode: "userspace";
  full: boolean;
  update: ProxyStateUpdate;
  result: UserspaceSyncStats;
  durationSeconds: number;
  finishedAt: number;
}

type Forwarder = TcpForwarder | UdpForwarder;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class UserspaceProxier {
  readonly mode = "userspace";
  readonly #o: UserspaceProxierOptions & { now: () => number; log: (line: string) => void };
  readonly #ctx: ForwarderContext;
  readonly #forwarders = new Map<string, Forwarder>();
  /** Removed listeners whose connections are draining, with the address they keep wanted. */
  readonly #draining = new Map<TcpForwarder, string>();
  #needsFullSync = true;
  #lastText = "";
  #closed = false;

  constructor(options: UserspaceProxierOptions) {
    this.#o = { now: Date.now, log: () => undefined, ...options };
    const config = options.config;
    this.#ctx = {
      balancer: new EndpointBalancer({ now: this.#o.now, random: options.random }),
      metrics: createUserspaceMetrics(options.registry ?? new Registry()),
      connectTimeoutsMs: options.connectTimeoutsMs ?? defaultConnectTimeoutsMs,
      isLocalClient: (ip) => isNodeLocalClient(ip, config),
      log: this.#o.log,
    };
  }

  /** A listing of the listeners of the last sync (what `svcnet rules` would show for this mode). */
  get lastRestoreInput(): string {
    return this.#lastText;
  }

  /** The balancer, for tests that look at affinity. */
  get balancer(): EndpointBalancer {
    return this.#ctx.balancer;
  }

  /** The live forwarder of a listener key, for tests. */
  forwarder(key: string): Forwarder | undefined {
    return this.#forwarders.get(key);
  }

  /** The next sync re-reads the service interface and rebinds everything that is not bound. */
  requestFullSync(): void {
    this.#needsFullSync = true;
  }

  /** False when the service interface was removed behind the proxy's back. */
  async tablesIntact(): Promise<boolean> {
    return this.#o.serviceAddresses ? this.#o.serviceAddresses.intact() : true;
  }

  /** One sync. Throws only when the service addresses could not be set (then the next sync is full). */
  async sync(): Promise<UserspaceCompletedSync> {
    if (this.#closed) throw new Error("userspace proxier is closed");
    const { tracker, config, metrics } = this.#o;
    const start = this.#o.now();
    const full = this.#needsFullSync;
    const update = tracker.apply();
    const plan = planListeners(update.state, config, { nodePortAddresses: this.#o.nodePortAddresses });
    const changes = diffListeners(this.#currentSpecs(), plan.listeners);
    const stats: UserspaceSyncStats = {
      listeners: plan.listeners.size,
      listening: 0,
      opened: [],
      closed: changes.close,
      updated: [],
      failures: [],
      conflicts: plan.conflicts,
      unsupported: plan.unsupported,
      addressesAdded: [],
      addressesRemoved: [],
      draining: 0,
      noLocalEndpoints: { internal: 0, external: 0 },
    };

    this.#ctx.balancer.syncPools(plan.pools);
    this.#ctx.balancer.expireAffinity();

    // 1. Stop accepting on listeners that are gone; TCP ones drain, keeping their address.
    for (const key of changes.close) {
      const fw = this.#forwarders.get(key);
      this.#forwarders.delete(key);
      if (fw instanceof TcpForwarder) {
        this.#draining.set(fw, fw.spec.address);
        void fw.close(this.#o.drainTimeoutMs ?? 30_000).then(() => this.#draining.delete(fw));
      } else {
        await fw?.close();
      }
    }

    // 2. Service addresses: everything the plan binds plus what drains.
    if (this.#o.serviceAddresses) {
      const wanted = new Set(plan.serviceAddresses);
      for (const address of this.#draining.values()) if (address !== "0.0.0.0") wanted.add(address);
      try {
        const r = await this.#o.serviceAddresses.sync(wanted, full);
        stats.addressesAdded = r.added;
        stats.addressesRemoved = r.removed;
      } catch (error) {
        this.#needsFullSync = true;
        throw error;
      }
    }

    // 3. New listeners, changed listeners, and any that still wait for a bind.
    const attempts: Promise<void>[] = [];
    const attempt = (fw: Forwarder, run: () => Promise<void>): void => {
      attempts.push(run().catch((error: unknown) => void stats.failures.push({ key: fw.spec.key, error: messageOf(error) })));
    };
    for (const spec of changes.open) {
      const fw = spec.protocol === "TCP" ? new TcpForwarder(spec, this.#ctx) : new UdpForwarder(spec, this.#ctx, this.#udpOptions());
      this.#forwarders.set(spec.key, fw);
      stats.opened.push(spec.key);
      attempt(fw, () => fw.reconcile());
    }
    const updatedKeys = new Set(changes.update.map((s) => s.key));
    for (const spec of changes.update) {
      const fw = this.#forwarders.get(spec.key);
      if (!fw) continue;
      stats.updated.push(spec.key);
      attempt(fw, () => fw.update(spec));
    }
    for (const [key, fw] of this.#forwarders) {
      if (!updatedKeys.has(key) && !stats.opened.includes(key) && fw.needsListen) attempt(fw, () => fw.reconcile());
    }
    await Promise.all(attempts);
    stats.failures.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const f of stats.failures) this.#o.log(`userspace proxy: cannot listen on ${f.key}: ${f.error} (retried on the next sync)`);
    if (plan.conflicts.length) this.#o.log(`userspace proxy: listener claimed twice: ${plan.conflicts.join("; ")}`);

    for (const fw of this.#forwarders.values()) if (fw.listening) stats.listening++;
    for (const fw of this.#draining.keys()) stats.draining += fw.connections;
    // Service ports (not listeners) with a Local policy and no endpoint on this node, as upstream counts.
    const noLocal = { internal: new Set<string>(), external: new Set<string>() };
    for (const spec of plan.listeners.values()) {
      if (spec.pool.endpoints.length > 0 || !spec.pool.key.endsWith("|local")) continue;
      noLocal[spec.role === "cluster-ip" ? "internal" : "external"].add(spec.servicePortKey);
    }
    stats.noLocalEndpoints = { internal: noLocal.internal.size, external: noLocal.external.size };

    this.#needsFullSync = false;
    this.#lastText = describeListeners(plan.listeners.values());
    const end = this.#o.now();
    const durationSeconds = (end - start) / 1000;
    metrics.syncProxyRulesDuration.observe(durationSeconds);
    (full ? metrics.syncFullProxyRulesDuration : metrics.syncPartialProxyRulesDuration).observe(durationSeconds);
    metrics.syncProxyRulesLastTimestamp.set(end / 1000);
    metrics.noLocalEndpointsTotal.set({ traffic_policy: "internal" }, stats.noLocalEndpoints.internal);
    metrics.noLocalEndpointsTotal.set({ traffic_policy: "external" }, stats.noLocalEndpoints.external);
    for (const trigger of update.triggerTimes) {
      const seconds = (end - trigger.getTime()) / 1000;
      if (seconds >= 0) metrics.networkProgrammingDuration.observe(seconds);
    }
    const completed: UserspaceCompletedSync = { mode: "userspace", full, update, result: stats, durationSeconds, finishedAt: end };
    await this.#o.afterSync?.(completed);
    return completed;
  }

  /**
   * Stops forwarding: every listener closes and every connection and session ends at once; the
   * service interface is deleted. The proxier cannot sync afterwards.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const all: Promise<void>[] = [];
    for (const fw of this.#forwarders.values()) all.push(fw instanceof TcpForwarder ? fw.close(0) : fw.close());
    for (const fw of this.#draining.keys()) all.push(fw.close(0));
    this.#forwarders.clear();
    await Promise.all(all);
    this.#draining.clear();
    await this.#o.serviceAddresses?.remove().catch((error: unknown) => this.#o.log(`removing the service interface failed: ${messageOf(error)}`));
  }

  #currentSpecs(): Map<string, ListenerSpec> {
    return new Map([...this.#forwarders].map(([key, fw]) => [key, fw.spec]));
  }

  #udpOptions(): { idleTimeoutMs: number; maxSessions: number } {
    return { idleTimeoutMs: this.#o.udpIdleTimeoutMs ?? defaultUdpIdleTimeoutMs, maxSessions: this.#o.maxUdpSessions ?? 10_000 };
  }
}
