// kube-controller-manager's `service-lb-controller`, done without a cloud the way MetalLB's
// controller and k3s' ServiceLB do it: every `type: LoadBalancer` service of the default class
// gets addresses from the IPAddressPools in namespace metallb-system (or, when no pool admits
// it, its nodes' addresses), written to status.loadBalancer.ingress with a condition and Events
// saying why. Services of another loadBalancerClass are never written.
//
// State: the AddressBook, filled on start from the pool addresses the services' statuses show
// (so a restart keeps every address where it is) and changed only by this controller's syncs.
// One worker syncs services, so the book never sees two decisions at once; a second queue keeps
// each pool's status (assigned/available counts) current.

import type { IPAddressPool } from "../../api/metallb-types.js";
import { METALLB_GROUP, METALLB_NAMESPACE, METALLB_VERSION } from "../../api/metallb-types.js";
import { deepCopy, jsonEqual } from "../../api/json.js";
import type { ResourceInfo } from "../../api/resources.js";
import { findResource } from "../../api/resources.js";
import type { EndpointSlice, Namespace, Node, Service } from "../../api/types.js";
import type { EventRecorder, Informer, KubeClient } from "../../client/index.js";
import { WorkQueue, isConflict, isNotFound, keyOf, objectKey, objectOf, runController } from "../../client/index.js";
import type { Controller, ControllerContext } from "../controller-context.js";
import { resource } from "../controller-context.js";
import { AddressBook } from "./address-book.js";
import type { AddressPool } from "./address-pools.js";
import { poolsFrom } from "./address-pools.js";
import { decideAddresses } from "./allocate-addresses.js";
import type { LoadBalancerOutcome } from "./lb-status.js";
import { carriesAllocatorState, planStatus, poolAddressesInStatus, quotedList } from "./lb-status.js";
import { isDefaultClassLoadBalancer, readLoadBalancerRequest, sharingClaimOf } from "./lb-service.js";
import { isEligibleNode, nodeIngress } from "./node-ingress.js";
import { poolStatus, poolStatusEqual } from "./pool-status.js";

/** The controller's name, as kube-controller-manager calls its counterpart. */
export const SERVICE_LB_CONTROLLER = "service-lb-controller";

/** The label EndpointSlices carry with their service's name. */
const LABEL_SERVICE_NAME = "kubernetes.io/service-name";

/** What a service is waiting on, so that the right changes send it back to the queue. */
interface Standing {
  /** "nodes": node-IP mode or waiting for an eligible node; "addresses": waiting for a pool address to free up. */
  waitsOn: "nothing" | "nodes" | "addresses";
  /** externalTrafficPolicy Local (node-IP mode then follows the endpoints). */
  local: boolean;
}

export const serviceLBController: Controller = {
  name: SERVICE_LB_CONTROLLER,
  run: (ctx) => new ServiceLBController(ctx).run(),
};

class ServiceLBController {
  readonly #ctx: ControllerContext;
  readonly #services: Informer<Service>;
  readonly #namespaces: Informer<Namespace>;
  readonly #nodes: Informer<Node>;
  readonly #slices: Informer<EndpointSlice>;
  readonly #pools: Informer<IPAddressPool> | undefined;
  readonly #poolResource: ResourceInfo | undefined;
  readonly #serviceClient: KubeClient<Service>;
  readonly #recorder: EventRecorder;
  readonly #queue: WorkQueue<string>;
  readonly #poolQueue: WorkQueue<string>;
  readonly #book = new AddressBook();
  readonly #standing = new Map<string, Standing>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#services = ctx.factory.informerFor<Service>(resource("", "v1", "services"));
    this.#namespaces = ctx.factory.informerFor<Namespace>(resource("", "v1", "namespaces"));
    this.#nodes = ctx.factory.informerFor<Node>(resource("", "v1", "nodes"));
    this.#slices = ctx.factory.informerFor<EndpointSlice>(resource("discovery.k8s.io", "v1", "endpointslices"));
    // Served once the API server has the metallb.io kinds; without them every service is in node-IP mode.
    this.#poolResource = findResource(METALLB_GROUP, METALLB_VERSION, "ipaddresspools");
    this.#pools = this.#poolResource ? ctx.factory.informerFor<IPAddressPool>(this.#poolResource, { namespace: METALLB_NAMESPACE }) : undefined;
    this.#serviceClient = ctx.client<Service>(resource("", "v1", "services"));
    this.#recorder = ctx.recorder(SERVICE_LB_CONTROLLER);
    this.#queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#poolQueue = new WorkQueue<string>({ clock: ctx.clock });
    this.#watch();
  }

  async run(): Promise<void> {
    const caches = [this.#services, this.#namespaces, this.#nodes, this.#slices, ...(this.#pools ? [this.#pools] : [])];
    const synced = await Promise.all(caches.map((c) => c.waitForCacheSync(this.#ctx.signal)));
    if (!synced.every(Boolean) || this.#ctx.signal.aborted) {
      this.#queue.shutDown();
      this.#poolQueue.shutDown();
      return;
    }
    this.#loadBook();
    await Promise.all([
      runController({ name: SERVICE_LB_CONTROLLER, queue: this.#queue, signal: this.#ctx.signal, caches, sync: (key) => this.#syncService(key) }),
      runController({ name: `${SERVICE_LB_CONTROLLER}-pools`, queue: this.#poolQueue, signal: this.#ctx.signal, caches, sync: (name) => this.#syncPoolStatus(name) }),
    ]);
  }

  // ---- what sends keys to the queues ----

  #watch(): void {
    const mayConcern = (svc: Service): boolean => svc.spec?.type === "LoadBalancer" || this.#standing.has(objectKey(svc)) || carriesAllocatorState(svc);
    this.#services.addEventHandler({
      onAdd: (svc) => mayConcern(svc) && this.#queue.add(objectKey(svc)),
      onUpdate: (old, svc) => (mayConcern(old) || mayConcern(svc)) && this.#queue.add(objectKey(svc)),
      onDelete: (svc) => this.#queue.add(keyOf(svc)),
    });
    this.#pools?.addEventHandler({
      onAdd: (p) => {
        this.#poolQueue.add(p.metadata.name ?? "");
        this.#enqueueAll();
      },
      onUpdate: (old, p) => {
        this.#poolQueue.add(p.metadata.name ?? "");
        if (!jsonEqual(old.spec, p.spec) || old.metadata.deletionTimestamp !== p.metadata.deletionTimestamp) this.#enqueueAll();
      },
      onDelete: () => this.#enqueueAll(),
    });
    this.#namespaces.addEventHandler({
      onUpdate: (old, ns) => {
        if (jsonEqual(old.metadata.labels ?? {}, ns.metadata.labels ?? {})) return;
        for (const svc of this.#services.lister.list(ns.metadata.name ?? "")) if (mayConcern(svc)) this.#queue.add(objectKey(svc));
      },
    });
    const nodeFacts = (n: Node): string => JSON.stringify([isEligibleNode(n), (n.status?.addresses ?? []).filter((a) => a.type === "InternalIP")]);
    this.#nodes.addEventHandler({
      onAdd: () => this.#enqueueWaiting("nodes"),
      onUpdate: (old, n) => nodeFacts(old) !== nodeFacts(n) && this.#enqueueWaiting("nodes"),
      onDelete: () => this.#enqueueWaiting("nodes"),
    });
    const sliceChanged = (s: EndpointSlice): void => {
      const name = s.metadata.labels?.[LABEL_SERVICE_NAME];
      const key = `${s.metadata.namespace ?? ""}/${name ?? ""}`;
      const st = name ? this.#standing.get(key) : undefined;
      if (st?.waitsOn === "nodes" && st.local) this.#queue.add(key);
    };
    this.#slices.addEventHandler({ onAdd: sliceChanged, onUpdate: (_old, s) => sliceChanged(s), onDelete: (s) => sliceChanged(objectOf(s)) });
  }

  /** Every service that is, or was, a LoadBalancer (pools changed: any decision may change). */
  #enqueueAll(): void {
    for (const svc of this.#services.lister.list()) {
      const key = objectKey(svc);
      if (svc.spec?.type === "LoadBalancer" || this.#standing.has(key)) this.#queue.add(key);
    }
  }

  #enqueueWaiting(on: Standing["waitsOn"]): void {
    for (const [key, st] of this.#standing) if (st.waitsOn === on) this.#queue.add(key);
  }

  // ---- state ----

  #currentPools(): AddressPool[] {
    return poolsFrom(this.#pools?.lister.list(METALLB_NAMESPACE) ?? []);
  }

  /**
   * Restart safety: before any sync, every pool address a service's status shows (and the
   * pools still allow) goes into the book, oldest service first, so nothing is handed out
   * twice and no service moves.
   */
  #loadBook(): void {
    const pools = this.#currentPools();
    const services = this.#services.lister
      .list()
      .filter(isDefaultClassLoadBalancer)
      .sort((a, b) => {
        const ta = a.metadata.creationTimestamp ?? "";
        const tb = b.metadata.creationTimestamp ?? "";
        return ta < tb ? -1 : ta > tb ? 1 : objectKey(a) < objectKey(b) ? -1 : 1;
      });
    for (const svc of services) {
      const held = poolAddressesInStatus(svc);
      const read = readLoadBalancerRequest(svc);
      if (!held || !read.ok) continue;
      const key = objectKey(svc);
      const d = decideAddresses({ service: key, request: read, candidate: this.#candidate(svc), pools, book: this.#book, current: held });
      if (d.kind === "assigned" && !d.dropped) this.#book.assign(key, { pool: d.pool, ips: held.ips, claim: read.request.claim });
    }
  }

  #candidate(svc: Service): { namespace: string; labels?: Record<string, string>; namespaceLabels?: Record<string, string> } {
    const namespace = svc.metadata.namespace ?? "";
    return { namespace, labels: svc.metadata.labels, namespaceLabels: this.#namespaces.lister.get(undefined, namespace)?.metadata.labels };
  }

  /** Forgets what the service held; services waiting for an address get another try. */
  #release(key: string): void {
    const had = this.#book.release(key);
    if (had) {
      this.#poolQueue.add(had.pool);
      this.#enqueueWaiting("addresses");
    }
  }

  // ---- syncs ----

  async #syncService(key: string): Promise<void> {
    const svc = this.#services.lister.getByKey(key);
    if (!svc || svc.metadata.deletionTimestamp) {
      this.#release(key);
      this.#standing.delete(key);
      return;
    }
    if (!isDefaultClassLoadBalancer(svc)) {
      this.#release(key);
      this.#standing.delete(key);
      // Another class's service is never written, unless it still carries what this controller wrote.
      if (carriesAllocatorState(svc)) await this.#write(key, svc, { kind: "released" });
      return;
    }
    const read = readLoadBalancerRequest(svc);
    const held = this.#book.holding(key);
    const decision = decideAddresses({
      service: key,
      request: read,
      candidate: this.#candidate(svc),
      pools: this.#currentPools(),
      book: this.#book,
      current: held ? { ips: held.ips, pool: held.pool } : poolAddressesInStatus(svc),
    });
    const local = svc.spec.externalTrafficPolicy === "Local";
    let outcome: LoadBalancerOutcome;
    if (decision.kind === "assigned") {
      const changed = !held || held.pool !== decision.pool || held.ips.length !== decision.ips.length || held.ips.some((ip) => !decision.ips.includes(ip));
      this.#book.assign(key, { pool: decision.pool, ips: decision.ips, claim: read.ok ? read.request.claim : sharingClaimOf(svc) });
      if (changed) {
        if (held) this.#poolQueue.add(held.pool);
        this.#poolQueue.add(decision.pool);
        if (held?.ips.some((ip) => !decision.ips.includes(ip))) this.#enqueueWaiting("addresses");
      }
      outcome = { kind: "pool", pool: decision.pool, ips: decision.ips };
      this.#standing.set(key, { waitsOn: "nothing", local });
    } else {
      this.#release(key);
      if (decision.kind === "no-pool") {
        const ingress = nodeIngress({
          families: read.ok ? read.request.families : ["IPv4"],
          local,
          nodes: this.#nodes.lister.list(),
          slices: local ? this.#slices.lister.list(svc.metadata.namespace ?? "", `${LABEL_SERVICE_NAME}=${svc.metadata.name ?? ""}`) : [],
        });
        outcome = ingress.ok ? { kind: "nodes", ips: ingress.ips } : { kind: "pending", reason: "NoEligibleNode", message: ingress.message };
        this.#standing.set(key, { waitsOn: "nodes", local });
      } else {
        outcome = { kind: "pending", reason: decision.reason, message: decision.message };
        const waitsOn = decision.reason === "PoolExhausted" || decision.reason === "AddressInUse" ? "addresses" : "nothing";
        this.#standing.set(key, { waitsOn, local });
      }
    }
    if (decision.dropped) {
      const d = decision.dropped;
      void this.#recorder.event(svc, "Normal", "ClearAssignment", `Released IP ${quotedList(d.ips)} of "${key}": ${d.why}; it gets a new assignment`);
    }
    await this.#write(key, svc, outcome);
  }

  /** Makes the service's status say `outcome`; Events follow a successful write. */
  async #write(key: string, svc: Service, outcome: LoadBalancerOutcome): Promise<void> {
    const plan = planStatus(svc, outcome, { key, now: this.#ctx.clock.now() });
    if (!plan.next) return;
    try {
      await this.#serviceClient.updateStatus(plan.next);
    } catch (e) {
      // A newer version exists (its update will bring the key back) or the service is gone.
      if (isConflict(e) || isNotFound(e)) return;
      throw e;
    }
    for (const ev of plan.events) void this.#recorder.event(svc, ev.type, ev.reason, ev.message);
  }

  async #syncPoolStatus(name: string): Promise<void> {
    const info = this.#poolResource;
    if (!info || !info.subresources.some((s) => s.name === "status")) return;
    const obj = this.#pools?.lister.get(METALLB_NAMESPACE, name);
    if (!obj || obj.metadata.deletionTimestamp) return;
    const [pool] = poolsFrom([obj]);
    const want = poolStatus(pool, this.#book.usage(name));
    if (poolStatusEqual(obj.status, want)) return;
    const next = deepCopy(obj);
    next.status = { ...next.status, ...want };
    try {
      await this.#ctx.client<IPAddressPool>(info).updateStatus(next);
    } catch (e) {
      if (isConflict(e) || isNotFound(e)) return;
      throw e;
    }
  }
}
