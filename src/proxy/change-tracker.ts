// The proxy's first layer: Service and EndpointSlice events come in, the derived ProxyState
// goes out. Events only update the tracker's view of "what the objects say now" and mark the
// Service as pending; apply() moves the pending Services into the state handed to the
// backend. Work is proportional to the Services that changed, never to the cluster.
//
// Contract:
// - Call onService / onSlice from informer handlers with the previous and current object
//   (undefined for add / delete; a delete may carry the last known object). Objects are
//   shared cache objects; the tracker never mutates them and keeps no derived data that
//   aliases them.
// - Their result says whether the event changed what the proxy would program for that
//   Service. Updates that only touch status, annotations, resourceVersion and so on return
//   false; the caller then has no reason to request a sync.
// - apply() returns the tracker's own state maps: they are read-only for callers and are
//   updated in place by the next apply(), so a caller that needs the old view must copy it.
//   The differences the backends need (changed Services, deleted UDP ports, UDP endpoints
//   that stopped serving) are computed here instead.

import { isDeepStrictEqual } from "node:util";
import type { EndpointSlice, Service } from "../api/types.js";
import { endpointInfosBySlicePort, sliceServiceKey } from "./endpoint-infos.js";
import type { IPFamily } from "./ip-family.js";
import { servicePortInfos } from "./service-port-infos.js";
import { servicePortKey } from "./service-port-name.js";
import type { EndpointInfo, ProxyState, ServicePortInfo, ServicePortName } from "./types.js";

/** The annotation the EndpointSlice controller stamps with the time of the change it mirrors. */
export const lastChangeTriggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time";

/** A UDP endpoint that served a service port before apply() and no longer does. */
export interface StaleUDPEndpoint {
  servicePortName: ServicePortName;
  endpoint: EndpointInfo;
}

/** What one apply() changed. */
export interface ProxyStateUpdate {
  /** The whole current state (live maps; see the contract above). */
  state: ProxyState;
  /** "ns/name" of every Service whose ports or endpoints changed. */
  changedServices: Set<string>;
  /** last-change-trigger-time of the slice changes folded in, for the programming-latency metric. */
  triggerTimes: Date[];
  /** UDP service ports that existed before and are gone now (Service deleted, port removed). */
  deletedUDPServicePorts: ServicePortInfo[];
  /** UDP endpoints that stopped serving a still existing service port. */
  staleUDPEndpoints: StaleUDPEndpoint[];
  /**
   * Whether UDP conntrack entries may now point the wrong way: a UDP port was deleted, lost
   * a serving endpoint, or went from no serving endpoint to some (clients that were sending
   * into the void have entries without DNAT).
   */
  conntrackCleanupNeeded: boolean;
  /**
   * Whether half-open TCP flows may point at an endpoint that no longer serves: a TCP service
   * port lost a serving endpoint. A client that tries again from the same port before the
   * kernel forgets its unanswered SYN (two minutes) would follow the old DNAT there.
   */
  halfOpenTcpCleanupNeeded: boolean;
}

export interface ProxyChangeTrackerOptions {
  /**
   * Trigger times before this instant are not reported: at startup every existing slice is
   * "changed", and its old annotation would count as a huge programming latency.
   */
  startedAt?: Date;
  /** The address family of the proxier fed: the other family's addresses and slices are left out. Default IPv4. */
  ipFamily?: IPFamily;
}

type EndpointsByPort = ReadonlyMap<string, readonly EndpointInfo[]>;

const noEndpoints: EndpointsByPort = new Map();

function objectKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? "default"}/${name ?? ""}`;
}

function servingEndpoints(list: readonly EndpointInfo[] | undefined): Map<string, EndpointInfo> {
  const out = new Map<string, EndpointInfo>();
  for (const ep of list ?? []) if (ep.serving) out.set(ep.endpoint, ep);
  return out;
}

export class ProxyChangeTracker {
  readonly #nodeName: string;
  readonly #startedAt: number;

  /** Current slices per Service ("ns/name" → slice name → slice), and each slice's Service. */
  readonly #slices = new Map<string, Map<string, EndpointSlice>>();
  readonly #sliceOwner = new Map<string, string>();

  /** What the current objects say, per Service. A missing entry means none. */
  readonly #currentPorts = new Map<string, readonly ServicePortInfo[]>();
  readonly #currentEndpoints = new Map<string, EndpointsByPort>();
  /** What the last apply() put into the state, per Service. */
  readonly #appliedPorts = new Map<string, readonly ServicePortInfo[]>();
  readonly #appliedEndpoints = new Map<string, EndpointsByPort>();

  readonly #pendingServices = new Set<string>();
  readonly #pendingEndpoints = new Set<string>();
  readonly #triggerTimes = new Map<string, Date[]>();

  readonly #family: { ipFamily: IPFamily };
  readonly #stateServices = new Map<string, ServicePortInfo>();
  readonly #stateEndpoints = new Map<string, readonly EndpointInfo[]>();
  readonly #state: ProxyState = { services: this.#stateServices, endpoints: this.#stateEndpoints };

  constructor(nodeName: string, options: ProxyChangeTrackerOptions = {}) {
    this.#nodeName = nodeName;
    this.#startedAt = options.startedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    this.#family = { ipFamily: options.ipFamily ?? "IPv4" };
  }

  /** The state as of the last apply() (live maps, read-only for callers). */
  get state(): ProxyState {
    return this.#state;
  }

  /** A Service was added (prev undefined), updated, or deleted (cur undefined). */
  onService(prev: Service | undefined, cur: Service | undefined): boolean {
    const obj = cur ?? prev;
    if (!obj) return false;
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const derived = cur ? servicePortInfos(cur, this.#family) : [];
    const before = this.#currentPorts.get(key) ?? [];
    if (derived.length > 0) this.#currentPorts.set(key, derived);
    else this.#currentPorts.delete(key);

    if (isDeepStrictEqual(derived, this.#appliedPorts.get(key) ?? [])) this.#pendingServices.delete(key);
    else this.#pendingServices.add(key);
    return !isDeepStrictEqual(before, derived);
  }

  /** An EndpointSlice was added (prev undefined), updated, or deleted (cur undefined). */
  onSlice(prev: EndpointSlice | undefined, cur: EndpointSlice | undefined): boolean {
    const obj = cur ?? prev;
    if (!obj) return false;
    const sliceName = obj.metadata.name ?? "";
    const sliceKey = objectKey(obj.metadata.namespace, sliceName);

    // The owner is looked up from what the tracker stored, not from `prev`, so a missed or
    // repeated event cannot leave a slice behind under the wrong Service.
    const oldOwner = this.#sliceOwner.get(sliceKey);
    const newOwner = cur ? sliceServiceKey(cur) : undefined;
    if (oldOwner !== undefined) {
      const slices = this.#slices.get(oldOwner);
      slices?.delete(sliceName);
      if (slices?.size === 0) this.#slices.delete(oldOwner);
      this.#sliceOwner.delete(sliceKey);
    }
    if (cur && newOwner !== undefined) {
      let slices = this.#slices.get(newOwner);
      if (!slices) this.#slices.set(newOwner, (slices = new Map()));
      slices.set(sliceName, cur);
      this.#sliceOwner.set(sliceKey, newOwner);
    }

    let changed = false;
    if (oldOwner !== undefined && oldOwner !== newOwner) {
      // A trigger time on a deletion is the time of the slice's last update, not of this
      // change, so it would misreport the latency: forget the Service's times instead.
      this.#triggerTimes.delete(oldOwner);
      changed = this.#refreshEndpoints(oldOwner, undefined);
    }
    if (cur && newOwner !== undefined) {
      changed = this.#refreshEndpoints(newOwner, this.#triggerTime(cur)) || changed;
    }
    return changed;
  }

  /** How many Services have changes not yet applied, by kind of change. */
  pending(): { services: number; endpoints: number } {
    return { services: this.#pendingServices.size, endpoints: this.#pendingEndpoints.size };
  }

  /** Folds every pending change into the state and starts a new round of tracking. */
  apply(): ProxyStateUpdate {
    const changedServices = new Set([...this.#pendingServices, ...this.#pendingEndpoints]);
    const triggerTimes: Date[] = [];
    for (const key of this.#pendingEndpoints) triggerTimes.push(...(this.#triggerTimes.get(key) ?? []));
    const update: ProxyStateUpdate = {
      state: this.#state,
      changedServices,
      triggerTimes,
      deletedUDPServicePorts: [],
      staleUDPEndpoints: [],
      conntrackCleanupNeeded: false,
      halfOpenTcpCleanupNeeded: false,
    };
    for (const key of changedServices) this.#applyService(key, update);
    update.conntrackCleanupNeeded ||= update.deletedUDPServicePorts.length > 0 || update.staleUDPEndpoints.length > 0;

    this.#pendingServices.clear();
    this.#pendingEndpoints.clear();
    this.#triggerTimes.clear();
    return update;
  }

  #triggerTime(slice: EndpointSlice): Date | undefined {
    const text = slice.metadata.annotations?.[lastChangeTriggerTimeAnnotation];
    if (text === undefined) return undefined;
    const ms = Date.parse(text);
    if (Number.isNaN(ms) || ms < this.#startedAt) return undefined;
    return new Date(ms);
  }

  /** Re-derives one Service's endpoints from its current slices; true when they changed. */
  #refreshEndpoints(serviceKey: string, triggerTime: Date | undefined): boolean {
    const slices = this.#slices.get(serviceKey);
    const derived: EndpointsByPort = slices ? endpointInfosBySlicePort([...slices.values()], this.#nodeName, this.#family) : noEndpoints;
    const before = this.#currentEndpoints.get(serviceKey) ?? noEndpoints;
    const changed = !isDeepStrictEqual(before, derived);
    if (derived.size > 0) this.#currentEndpoints.set(serviceKey, derived);
    else this.#currentEndpoints.delete(serviceKey);

    if (isDeepStrictEqual(derived, this.#appliedEndpoints.get(serviceKey) ?? noEndpoints)) {
      // Back to what is programmed: nothing to do, and nothing to measure.
      this.#pendingEndpoints.delete(serviceKey);
      this.#triggerTimes.delete(serviceKey);
    } else {
      this.#pendingEndpoints.add(serviceKey);
      if (changed && triggerTime) {
        const times = this.#triggerTimes.get(serviceKey);
        if (times) times.push(triggerTime);
        else this.#triggerTimes.set(serviceKey, [triggerTime]);
      }
    }
    return changed;
  }

  /** Replaces one Service's entries in the state and records what conntrack cleanup needs. */
  #applyService(key: string, update: ProxyStateUpdate): void {
    const oldPorts = this.#appliedPorts.get(key) ?? [];
    const newPorts = this.#currentPorts.get(key) ?? [];
    const oldEndpoints = this.#appliedEndpoints.get(key) ?? noEndpoints;
    const newEndpoints = this.#currentEndpoints.get(key) ?? noEndpoints;

    for (const port of oldPorts) this.#stateServices.delete(servicePortKey(port.name));
    for (const port of newPorts) this.#stateServices.set(servicePortKey(port.name), port);
    for (const portKey of oldEndpoints.keys()) this.#stateEndpoints.delete(portKey);
    for (const [portKey, list] of newEndpoints) this.#stateEndpoints.set(portKey, list);

    const newPortKeys = new Set(newPorts.map((p) => servicePortKey(p.name)));
    for (const port of oldPorts) {
      if (port.protocol === "UDP" && !newPortKeys.has(servicePortKey(port.name))) update.deletedUDPServicePorts.push(port);
    }
    for (const port of newPorts) {
      if (port.protocol !== "UDP" && port.protocol !== "TCP") continue;
      const portKey = servicePortKey(port.name);
      const before = servingEndpoints(oldEndpoints.get(portKey));
      const after = servingEndpoints(newEndpoints.get(portKey));
      const lost = [...before].filter(([endpoint]) => !after.has(endpoint));
      if (port.protocol === "TCP") {
        if (lost.length > 0) update.halfOpenTcpCleanupNeeded = true;
        continue;
      }
      for (const [, info] of lost) update.staleUDPEndpoints.push({ servicePortName: port.name, endpoint: info });
      if (before.size === 0 && after.size > 0) update.conntrackCleanupNeeded = true;
    }

    if (newPorts.length > 0) this.#appliedPorts.set(key, newPorts);
    else this.#appliedPorts.delete(key);
    if (newEndpoints.size > 0) this.#appliedEndpoints.set(key, newEndpoints);
    else this.#appliedEndpoints.delete(key);
  }
}
