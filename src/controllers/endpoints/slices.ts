// The EndpointSlice reconciler: from a selector Service, its pods and the slices that exist,
// the slices to create, update and delete — upstream's algorithm, chosen for minimal churn:
//
//  - Slices are grouped by address type and by port set (pods whose named ports resolve to
//    different numbers land in different groups).
//  - In each group, endpoints that stay keep their slice; changed endpoints are updated in
//    place; removed ones are dropped (a slice left empty is deleted).
//  - New endpoints first fill slices that are being updated anyway (fullest first), then —
//    if fewer than a slice's worth remain — the one unchanged slice they fit in most tightly,
//    and only then new slices.
//  - A Service with no endpoints keeps exactly one empty "placeholder" slice.
//  - Creates are turned into updates of slices that would otherwise be deleted.

import { deepCopy, jsonEqual } from "../../api/json.js";
import type { EndpointSlice, Pod, Service, SliceEndpoint, SlicePort } from "../../api/types.js";
import { endpointConditions } from "./endpoint-conditions.js";
import { findPort } from "./find-port.js";
import { parseAddress, type IpFamily } from "./ip-address.js";
import { podIPs, selectedPods, shouldPodBeInEndpoints, shouldSetHostname } from "./pod-membership.js";
import { EndpointSet, endpointDetailsEqual, endpointKey } from "./slice-endpoint-set.js";
import { addressTypesForService, newServiceSlice, normalizeEmptyLists, ownedBy, portMapKey, setTriggerTime, sliceLabels } from "./slice-meta.js";
import { ANNOTATION_TRIGGER_TIME, DEFAULT_MAX_ENDPOINTS_PER_SLICE, ENDPOINTSLICE_CONTROLLER, LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from "./well-known.js";

/** Options of reconcileSlices. */
export interface ReconcileSlicesOptions {
  /** Most endpoints in one slice. Default 100. */
  maxEndpointsPerSlice?: number;
  /** managed-by label value; slices with another value are ignored. Default "endpointslice-controller.k8s.io". */
  controllerName?: string;
  /** The zone of a node (its topology.kubernetes.io/zone label), if known. Default: no zones. */
  nodeZone?: (nodeName: string) => string | undefined;
  /**
   * Whether a node exists. Pods on unknown nodes are left out (and reported) unless the
   * Service publishes not-ready addresses. Default: every node exists.
   */
  nodeExists?: (nodeName: string) => boolean;
  /** last-change-trigger-time for the written slices (from TriggerTimeTracker); undefined removes it. */
  triggerTime?: string;
}

/** Writes to make. Objects are fresh copies the caller may send as they are. */
export interface SliceChanges {
  /** New slices (metadata.generateName set, no name). */
  toCreate: EndpointSlice[];
  /** Changed slices (name set; resourceVersion carried over when known). */
  toUpdate: EndpointSlice[];
  /** Slices to delete (as found in `existing`). */
  toDelete: EndpointSlice[];
}

/** reconcileSlices' answer. */
export interface ReconcileSlicesResult extends SliceChanges {
  /** "namespace/name" of pods left out because their node is unknown (the caller should retry later). */
  podsOnUnknownNodes: string[];
}

interface Settings {
  max: number;
  controller: string;
  nodeZone: (n: string) => string | undefined;
  nodeExists: (n: string) => boolean;
}

/** The ports a pod serves for a Service (empty for a port-less headless Service). */
export function slicePorts(service: Service, pod: Pod): SlicePort[] {
  const ports = service.spec.ports ?? [];
  const out: SlicePort[] = [];
  if (ports.length === 0 && service.spec.clusterIP === "None") return out;
  for (const sp of ports) {
    const n = findPort(pod, sp);
    if (n === undefined) continue;
    const p: SlicePort = { name: sp.name ?? "", port: n, protocol: sp.protocol ?? "TCP" };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return out;
}

/** The endpoint a pod contributes to a slice of the given address type. */
export function podToEndpoint(pod: Pod, service: Service, options: { addressType: IpFamily; zone?: string }): SliceEndpoint {
  const addresses: string[] = [];
  for (const ip of podIPs(pod)) {
    const parsed = parseAddress(ip);
    if (parsed?.family === options.addressType) addresses.push(parsed.text);
  }
  const ep: SliceEndpoint = { addresses, conditions: endpointConditions(pod, service) };
  if (shouldSetHostname(pod, service)) ep.hostname = pod.spec.hostname;
  if (pod.spec.nodeName) ep.nodeName = pod.spec.nodeName;
  if (options.zone) ep.zone = options.zone;
  ep.targetRef = { kind: "Pod", namespace: pod.metadata.namespace ?? "default", name: pod.metadata.name, uid: pod.metadata.uid };
  return ep;
}

interface Group {
  ports: SlicePort[];
  desired: EndpointSet;
}

function desiredGroups(service: Service, pods: readonly Pod[], addressType: IpFamily, s: Settings, unknown: Set<string>): Map<string, Group> {
  const groups = new Map<string, Group>();
  const publishNotReady = service.spec.publishNotReadyAddresses === true;
  for (const pod of selectedPods(service, pods)) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = slicePorts(service, pod);
    const key = portMapKey(ports);
    let g = groups.get(key);
    if (!g) {
      g = { ports, desired: new EndpointSet() };
      groups.set(key, g);
    }
    const node = pod.spec.nodeName ?? "";
    if (!s.nodeExists(node) && !publishNotReady) {
      unknown.add(`${pod.metadata.namespace ?? "default"}/${pod.metadata.name ?? ""}`);
      continue;
    }
    const ep = podToEndpoint(pod, service, { addressType, zone: node ? s.nodeZone(node) : undefined });
    if (ep.addresses.length > 0) g.desired.insert(ep);
  }
  return groups;
}

/** Fills `slice` from `desired` up to the limit. */
function fill(slice: EndpointSlice, desired: EndpointSet, max: number): void {
  const eps = slice.endpoints ?? [];
  while (desired.size > 0 && eps.length < max) eps.push(desired.pop() as SliceEndpoint);
  slice.endpoints = eps;
}

/** The unchanged slice that will be closest to full after taking `n` endpoints, if any fits. */
function sliceToFill(slices: EndpointSlice[], n: number, max: number): EndpointSlice | undefined {
  let best: EndpointSlice | undefined;
  let bestDiff = max;
  for (const sl of slices) {
    const diff = max - (n + (sl.endpoints?.length ?? 0));
    if (diff >= 0 && diff < bestDiff) {
      bestDiff = diff;
      best = sl;
      if (diff === 0) break;
    }
  }
  return best;
}

function reconcilePortGroup(service: Service, existing: EndpointSlice[], group: Group, addressType: IpFamily, s: Settings): SliceChanges {
  const byName = new Map<string, EndpointSlice>();
  const unchanged: string[] = [];
  const toUpdate: string[] = [];
  const toDelete: string[] = [];
  const desired = group.desired;

  // 1. Keep endpoints that stay (updated in place), drop the others.
  for (const ex of existing) {
    const name = ex.metadata.name ?? "";
    byName.set(name, ex);
    const kept: SliceEndpoint[] = [];
    let endpointChanged = false;
    for (const ep of ex.endpoints ?? []) {
      const want = desired.get(ep);
      if (!want) continue;
      kept.push(want);
      if (!endpointDetailsEqual(want, ep)) endpointChanged = true;
      desired.delete(ep);
    }
    const { labels, changed: labelsChanged } = sliceLabels(ex.metadata.labels, service, s.controller);
    const count = ex.endpoints?.length ?? 0;
    if (endpointChanged || count !== kept.length) {
      if (kept.length === 0) {
        toDelete.push(name);
      } else {
        const copy = deepCopy(ex);
        copy.endpoints = kept;
        copy.metadata.labels = labels;
        byName.set(name, copy);
        toUpdate.push(name);
      }
    } else if (labelsChanged) {
      const copy = deepCopy(ex);
      copy.metadata.labels = labels;
      byName.set(name, copy);
      toUpdate.push(name);
    } else {
      unchanged.push(name);
    }
  }

  // 2. Fill the slices being updated anyway, fullest first.
  if (desired.size > 0 && toUpdate.length > 0) {
    const slices = toUpdate.map((n) => byName.get(n) as EndpointSlice);
    slices.sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0));
    for (const sl of slices) fill(sl, desired, s.max);
  }

  // 3. Then one unchanged slice that fits the rest, then new slices.
  const toCreate: EndpointSlice[] = [];
  while (desired.size > 0) {
    let target: EndpointSlice | undefined;
    if (desired.size < s.max && unchanged.length > 0) {
      const found = sliceToFill(unchanged.map((n) => byName.get(n) as EndpointSlice), desired.size, s.max);
      if (found) {
        target = deepCopy(found);
        byName.set(target.metadata.name ?? "", target);
      }
    }
    target ??= newServiceSlice(service, group.ports, addressType, s.controller);
    fill(target, desired, s.max);
    if (target.metadata.name) {
      const name = target.metadata.name;
      toUpdate.push(name);
      unchanged.splice(unchanged.indexOf(name), 1);
    } else {
      toCreate.push(target);
    }
  }
  return {
    toCreate,
    toUpdate: toUpdate.map((n) => byName.get(n) as EndpointSlice),
    toDelete: toDelete.map((n) => byName.get(n) as EndpointSlice),
  };
}

/** Upstream's placeholder comparison: namespace, labels, address type, no endpoints, no ports. */
function isSamePlaceholder(existing: EndpointSlice, placeholder: EndpointSlice): boolean {
  return (
    (existing.metadata.namespace ?? "default") === placeholder.metadata.namespace &&
    jsonEqual(existing.metadata.labels ?? {}, placeholder.metadata.labels ?? {}) &&
    existing.addressType === placeholder.addressType &&
    (existing.endpoints ?? []).length === 0 &&
    (existing.ports ?? []).length === 0
  );
}

function reconcileAddressType(service: Service, pods: readonly Pod[], existing: EndpointSlice[], addressType: IpFamily, s: Settings, unknown: Set<string>): SliceChanges {
  const out: SliceChanges = { toCreate: [], toUpdate: [], toDelete: [] };
  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const sl of existing) {
    if (!ownedBy(sl, service)) {
      out.toDelete.push(sl);
      continue;
    }
    const key = portMapKey(sl.ports);
    existingByPorts.set(key, [...(existingByPorts.get(key) ?? []), sl]);
  }

  const groups = desiredGroups(service, pods, addressType, s, unknown);
  for (const [key, group] of groups) {
    const r = reconcilePortGroup(service, existingByPorts.get(key) ?? [], group, addressType, s);
    out.toCreate.push(...r.toCreate);
    out.toUpdate.push(...r.toUpdate);
    out.toDelete.push(...r.toDelete);
  }
  for (const [key, slices] of existingByPorts) if (!groups.has(key)) out.toDelete.push(...slices);

  // No slice would remain: keep (or create) exactly one empty placeholder.
  if (existing.length === out.toDelete.length && out.toCreate.length === 0) {
    const placeholder = newServiceSlice(service, [], addressType, s.controller);
    if (out.toDelete.length === 1 && isSamePlaceholder(out.toDelete[0], placeholder)) out.toDelete = [];
    else out.toCreate.push(placeholder);
  }
  return out;
}

/** Turns creates into updates of slices that would be deleted (same address type, owned). */
function recycle(service: Service, changes: SliceChanges): void {
  for (let i = 0; i < changes.toDelete.length && changes.toCreate.length > 0; ) {
    const victim = changes.toDelete[i];
    const created = changes.toCreate[changes.toCreate.length - 1];
    if (victim.addressType === created.addressType && ownedBy(victim, service)) {
      created.metadata.name = victim.metadata.name;
      // Upstream sends an unconditional update; carrying the version makes it conditional.
      if (victim.metadata.resourceVersion) created.metadata.resourceVersion = victim.metadata.resourceVersion;
      changes.toCreate.pop();
      changes.toUpdate.push(created);
      changes.toDelete.splice(i, 1);
    } else {
      i++;
    }
  }
}

/** True for slices this controller manages for this Service (and not being deleted). */
function managedFor(slice: EndpointSlice, service: Service, controller: string): boolean {
  const l = slice.metadata.labels ?? {};
  return (
    (slice.metadata.namespace ?? "default") === (service.metadata.namespace ?? "default") &&
    l[LABEL_SERVICE_NAME] === service.metadata.name &&
    l[LABEL_MANAGED_BY] === controller &&
    !slice.metadata.deletionTimestamp
  );
}

/**
 * What to write so that a selector Service's EndpointSlices describe its pods.
 * Selector-less and ExternalName Services get no changes (their slices are not ours).
 * `existing` may hold any slices: only those labelled for this Service and managed by this
 * controller (and not being deleted) are considered. Inputs are never modified.
 * No slice is created while the Service is being deleted.
 */
export function reconcileSlices(
  service: Service,
  pods: readonly Pod[],
  existing: readonly EndpointSlice[],
  options: ReconcileSlicesOptions = {},
): ReconcileSlicesResult {
  const result: ReconcileSlicesResult = { toCreate: [], toUpdate: [], toDelete: [], podsOnUnknownNodes: [] };
  if (service.spec.selector === undefined || service.spec.selector === null || service.spec.type === "ExternalName") return result;
  const s: Settings = {
    max: options.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE,
    controller: options.controllerName ?? ENDPOINTSLICE_CONTROLLER,
    nodeZone: options.nodeZone ?? (() => undefined),
    nodeExists: options.nodeExists ?? (() => true),
  };
  const mine = existing.filter((sl) => managedFor(sl, service, s.controller));
  const types = addressTypesForService(service);
  const unknown = new Set<string>();
  for (const sl of mine) if (!types.includes(sl.addressType as IpFamily)) result.toDelete.push(sl);
  for (const t of types) {
    const changes = reconcileAddressType(service, pods, mine.filter((sl) => sl.addressType === t), t, s, unknown);
    recycle(service, changes);
    if (!service.metadata.deletionTimestamp) result.toCreate.push(...changes.toCreate);
    result.toUpdate.push(...changes.toUpdate);
    result.toDelete.push(...changes.toDelete);
  }
  for (const sl of [...result.toCreate, ...result.toUpdate]) {
    setTriggerTime(sl, options.triggerTime);
    normalizeEmptyLists(sl);
  }
  result.podsOnUnknownNodes = [...unknown];
  return result;
}

function endpointsAsSet(eps: readonly SliceEndpoint[] | null | undefined): Map<string, SliceEndpoint> {
  return new Map((eps ?? []).map((e) => [endpointKey(e), e]));
}

/**
 * Whether two slices say the same thing: address type, labels, owner references, annotations
 * other than the trigger time, ports as a set, and endpoints as a set (by identity, with equal
 * details; target resourceVersions ignored). Names and resource versions are not compared.
 */
export function slicesEqual(a: EndpointSlice, b: EndpointSlice): boolean {
  if (a.addressType !== b.addressType) return false;
  if (!jsonEqual(a.metadata.labels ?? {}, b.metadata.labels ?? {})) return false;
  if (!jsonEqual(a.metadata.ownerReferences ?? [], b.metadata.ownerReferences ?? [])) return false;
  const ann = (s: EndpointSlice): Record<string, string> => {
    const x = { ...(s.metadata.annotations ?? {}) };
    delete x[ANNOTATION_TRIGGER_TIME];
    return x;
  };
  if (!jsonEqual(ann(a), ann(b))) return false;
  if (portMapKey(a.ports) !== portMapKey(b.ports)) return false;
  const ea = endpointsAsSet(a.endpoints);
  const eb = endpointsAsSet(b.endpoints);
  if (ea.size !== eb.size || (a.endpoints ?? []).length !== (b.endpoints ?? []).length) return false;
  for (const [k, e] of ea) {
    const other = eb.get(k);
    if (!other || !endpointDetailsEqual(e, other)) return false;
  }
  return true;
}
