// The layer-2 speaker of a node agent (MetalLB's speaker in layer-2 mode, reduced to what a
// sandbox node needs): it keeps this node's speaker Lease alive, watches Services,
// EndpointSlices, Nodes, speaker Leases, IPAddressPools and L2Advertisements, and after every
// change recomputes which LoadBalancer addresses this node owns (announce-plan.ts) and makes its
// node-network interface hold exactly those (address-announcer.ts, with gratuitous ARP on
// takeover). It also wakes when the next live speaker Lease runs out, so an owner that dies is
// replaced within its Lease's duration plus one reconcile (about 2 s by default) without any
// event. Records "nodeAssigned" on a Service when this node starts announcing it.
//
// Stopping (the signal) removes this node's addresses and deletes its Lease, so that another
// node takes over at once; `releaseOnStop: false` leaves both, as a crash would.

import type { IPAddressPool, L2Advertisement } from "../../api/metallb-types.js";
import { METALLB_GROUP, METALLB_NAMESPACE, METALLB_VERSION } from "../../api/metallb-types.js";
import type { ResourceInfo } from "../../api/resources.js";
import { findResource, requireResource } from "../../api/resources.js";
import type { EndpointSlice, Event, KubeObject, Lease, Node, Service } from "../../api/types.js";
import type { Clock, Transport } from "../../client/index.js";
import { EventRecorder, Informer, KubeClient, WorkQueue, realClock, runController } from "../../client/index.js";
import type { IpRunner } from "../../sandbox/ip-runner.js";
import { AddressAnnouncer } from "./address-announcer.js";
import type { GratuitousArpSettings } from "./announcer-commands.js";
import type { AnnouncePlan } from "./announce-plan.js";
import { announcePlan } from "./announce-plan.js";
import { SpeakerLease } from "./speaker-lease.js";
import { SPEAKER_LEASE_DURATION_SECONDS, SPEAKER_LEASE_NAMESPACE, SPEAKER_RENEW_MS, speakerLiveness } from "./speaker-liveness.js";

/** The Event reason and message MetalLB's speaker records when it starts announcing a service. */
export const NODE_ASSIGNED_REASON = "nodeAssigned";
export function nodeAssignedMessage(node: string): string {
  return `announcing from node "${node}" with protocol "layer2"`;
}

export interface LoadBalancerSpeakerOptions {
  transport: Transport;
  /** This node's name (its Node object and its speaker Lease `svcnet-speaker-<node>`). */
  nodeName: string;
  /** The node's network namespace, where addresses are added and ARP is sent. */
  netns: string;
  /** Runs `ip …` and `ip netns exec <netns> arping …`. */
  runner: IpRunner;
  /** The node-network interface; default "eth0". */
  interfaceName?: string;
  /** Default: lines on stderr prefixed with the node name. */
  log?: (line: string) => void;
  /** Default: the real clock. */
  clock?: Clock;
  /** Remove the addresses and delete the Lease when stopped; default true. False simulates a crash. */
  releaseOnStop?: boolean;
  /** A loadBalancerClass served besides classless services; default none. */
  loadBalancerClass?: string;
  /** Lease renewal period; default 500 ms. */
  renewMs?: number;
  /** Lease duration; default 2 s. */
  leaseDurationSeconds?: number;
  /** Re-read the interface's addresses at least this often even when nothing changed; default 30 s. */
  kernelResyncMs?: number;
  gratuitousArp?: GratuitousArpSettings;
}

/** The caches a reconcile reads. */
interface SpeakerCaches {
  services: Informer<Service>;
  slices: Informer<EndpointSlice>;
  nodes: Informer<Node>;
  leases: Informer<Lease>;
  pools: Informer<IPAddressPool>;
  advertisements: Informer<L2Advertisement>;
}

/** The one key of the speaker's queue: every change means "reconcile the whole node". */
const RECONCILE = "reconcile";

/**
 * One node's speaker. Contract: the constructor does no I/O; `run(signal)` starts the Lease and
 * the informers, reconciles once every cache has synced and then after each change (changes
 * arriving during a reconcile are coalesced into one more), never two reconciles at once. A
 * failed reconcile (an `ip` command failed) is retried with backoff. `run` resolves after the
 * signal aborts and the release (unless releaseOnStop is false) has finished; it rejects at
 * once if the API does not serve metallb.io/v1beta1.
 */
export class LoadBalancerSpeaker {
  readonly #o: LoadBalancerSpeakerOptions;
  readonly #clock: Clock;
  readonly #log: (line: string) => void;
  readonly #announcer: AddressAnnouncer;
  /** Addresses last made to hold in the kernel, sorted; undefined before the first sync. */
  #applied: string[] | undefined;
  #nextKernelSync = 0;
  /** "namespace/name uid addresses" of the services this node announces. */
  #announcing = new Set<string>();
  #plan: AnnouncePlan | undefined;
  /** True while the speaker holds its addresses as they are because the API cannot be reached. */
  #frozen = false;

  constructor(options: LoadBalancerSpeakerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? realClock;
    this.#log = options.log ?? ((line) => console.error(`svcnet speaker ${options.nodeName}: ${line}`));
    this.#announcer = new AddressAnnouncer({ runner: options.runner, netns: options.netns, dev: options.interfaceName, gratuitousArp: options.gratuitousArp, clock: this.#clock, log: this.#log });
  }

  /** The addresses this speaker last made its interface hold (empty before the first reconcile). */
  get holding(): readonly string[] {
    return this.#applied ?? [];
  }

  /** The last plan computed, for diagnostics. */
  get plan(): AnnouncePlan | undefined {
    return this.#plan;
  }

  async run(signal: AbortSignal): Promise<void> {
    const o = this.#o;
    const metallb = (resource: string): ResourceInfo => {
      const r = findResource(METALLB_GROUP, METALLB_VERSION, resource);
      if (!r) throw new Error(`the API does not serve ${METALLB_GROUP}/${METALLB_VERSION} ${resource}; the speaker cannot read its configuration`);
      return r;
    };
    const client = <T extends KubeObject>(r: ResourceInfo): KubeClient<T> => new KubeClient<T>(o.transport, r, { fieldManager: "svcnet-speaker" });
    const informers: SpeakerCaches = {
      services: new Informer<Service>(client(requireResource("", "v1", "services"))),
      slices: new Informer<EndpointSlice>(client(requireResource("discovery.k8s.io", "v1", "endpointslices"))),
      nodes: new Informer<Node>(client(requireResource("", "v1", "nodes"))),
      leases: new Informer<Lease>(client(requireResource("coordination.k8s.io", "v1", "leases")), { namespace: SPEAKER_LEASE_NAMESPACE }),
      pools: new Informer<IPAddressPool>(client(metallb("ipaddresspools")), { namespace: METALLB_NAMESPACE }),
      advertisements: new Informer<L2Advertisement>(client(metallb("l2advertisements")), { namespace: METALLB_NAMESPACE }),
    };
    const events = new EventRecorder(client<Event>(requireResource("", "v1", "events")), { component: "svcnet-speaker", host: o.nodeName, clock: this.#clock });
    const lease = new SpeakerLease({
      leases: client<Lease>(requireResource("coordination.k8s.io", "v1", "leases")),
      node: o.nodeName,
      clock: this.#clock,
      renewMs: o.renewMs ?? SPEAKER_RENEW_MS,
      durationSeconds: o.leaseDurationSeconds ?? SPEAKER_LEASE_DURATION_SECONDS,
      onError: (e) => this.#log(`renewing the speaker lease failed: ${e instanceof Error ? e.message : String(e)}`),
    });
    const queue = new WorkQueue<string>({ clock: this.#clock });
    const kick = (): void => queue.add(RECONCILE);
    for (const inf of Object.values(informers) as Informer[]) {
      inf.addEventHandler({ onAdd: kick, onUpdate: kick, onDelete: kick });
      void inf.run(signal);
    }
    void lease.start();
    try {
      await runController({
        name: `svcnet-speaker/${o.nodeName}`,
        queue,
        signal,
        caches: Object.values(informers) as Informer[],
        sync: async () => {
          const next = await this.#reconcile(informers, events, lease);
          queue.addAfter(RECONCILE, Math.max(0, next - this.#clock.now()));
        },
        onDrop: (_key, err) => this.#log(`reconcile keeps failing: ${err instanceof Error ? err.message : String(err)}`),
      });
    } finally {
      await lease.stop();
      this.#announcer.stopAnnouncing();
      if (o.releaseOnStop ?? true) await this.#release(lease);
      await this.#announcer.idle();
      await events.flush();
    }
  }

  /** Makes the interface match the plan; resolves with when to look again (epoch ms). */
  async #reconcile(informers: SpeakerCaches, events: EventRecorder, lease: SpeakerLease): Promise<number> {
    const now = this.#clock.now();
    // Our own renewals failing for a while means the API (and so everything in
    // the caches) is out of reach: every speaker's Leases would seem to run out and, deciding
    // from them, every node would drop its addresses and LoadBalancer traffic would stop with
    // the control plane. Instead the addresses stay where they are until the API answers again
    // (the data plane outlives the control plane, as the proxies' rules do).
    // The threshold must come before any other Lease can seem to run out: another speaker's last
    // renewal may be up to one period older than ours, so after (duration − 2 periods) without a
    // successful renewal of our own we stop deciding (1 s with the defaults, before the 1.5 s at
    // which the first other Lease could expire).
    const renewMs = this.#o.renewMs ?? SPEAKER_RENEW_MS;
    const durationMs = (this.#o.leaseDurationSeconds ?? SPEAKER_LEASE_DURATION_SECONDS) * 1000;
    const blindAfterMs = Math.max(renewMs, durationMs - 2 * renewMs);
    const renewedAt = lease.renewedAt;
    if (renewedAt !== undefined && now - renewedAt > blindAfterMs) {
      if (!this.#frozen) this.#log(`the API has not been reachable for ${Math.round((now - renewedAt) / 1000)} s: holding ${this.#applied?.length ? this.#applied.join(", ") : "no addresses"} as they are until it answers`);
      this.#frozen = true;
      return now + renewMs;
    }
    if (this.#frozen) this.#log("the API answers again: deciding from its state");
    this.#frozen = false;
    const live = speakerLiveness(informers.leases.lister.list(), now);
    const plan = announcePlan({
      node: this.#o.nodeName,
      services: informers.services.lister.list(),
      endpointSlices: informers.slices.lister.list(),
      nodes: informers.nodes.lister.list(),
      pools: informers.pools.lister.list(),
      advertisements: informers.advertisements.lister.list(),
      liveSpeakers: live.alive,
      loadBalancerClass: this.#o.loadBalancerClass,
    });
    this.#plan = plan;
    const desired = plan.owned.map((a) => a.address);
    const kernelDue = now >= this.#nextKernelSync;
    if (kernelDue || !sameList(desired, this.#applied)) {
      const result = await this.#announcer.sync(desired);
      this.#applied = desired;
      this.#nextKernelSync = now + (this.#o.kernelResyncMs ?? 30_000);
      for (const address of result.added) this.#log(`holding ${address}: ${plan.owned.find((a) => a.address === address)?.reason ?? ""}`);
      for (const address of result.removed) this.#log(`released ${address}`);
      for (const address of result.skipped) this.#log(`not holding ${address}: only IPv4 addresses are announced`);
    }
    this.#recordAssignments(plan, informers.services, events);
    const wakeups = [this.#nextKernelSync, live.nextExpiry].filter((t): t is number => t !== undefined);
    // A Lease is dead from its expiry on: wake a millisecond after it, never a timer tick before.
    return Math.min(...wakeups) + 1;
  }

  /** A "nodeAssigned" Event for every service this node has just started announcing. */
  #recordAssignments(plan: AnnouncePlan, services: Informer<Service>, events: EventRecorder): void {
    const now = new Set<string>();
    for (const d of plan.decisions) {
      if (d.reason !== "owner") continue;
      const [namespace, name] = d.service.split("/");
      const svc = services.lister.get(namespace, name);
      if (!svc) continue;
      const key = `${d.service} ${svc.metadata.uid ?? ""} ${d.addresses.join(",")}`;
      now.add(key);
      if (!this.#announcing.has(key)) void events.event(svc, "Normal", NODE_ASSIGNED_REASON, nodeAssignedMessage(this.#o.nodeName));
    }
    this.#announcing = now;
  }

  async #release(lease: SpeakerLease): Promise<void> {
    try {
      const removed = await this.#announcer.releaseAll();
      for (const address of removed) this.#log(`released ${address} (stopping)`);
      this.#applied = [];
    } catch (e) {
      this.#log(`removing the addresses failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      await lease.release();
    } catch (e) {
      this.#log(`deleting the speaker lease failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function sameList(a: readonly string[], b: readonly string[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}
