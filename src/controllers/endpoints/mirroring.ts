// EndpointSlice mirroring: for a Service without a selector, whose Endpoints users write by
// hand, keep EndpointSlices that say the same thing, so that slice consumers (kube-proxy,
// kubectl describe) see those endpoints too.
//
// Rules (upstream's mirroring controller): the Endpoints are repacked first; every subset maps
// to one slice per address type (at most 1000 addresses per subset, ready ones first, invalid
// IPs skipped); a slice copies the Endpoints' labels and annotations (except the trigger time
// and kubectl's last-applied record) and is owned by the Endpoints object. Only one existing
// slice per port set is kept: it is rewritten when anything differs, extra ones are deleted.

import { jsonEqual } from "../../api/json.js";
import type { EndpointAddress, EndpointPort, EndpointSlice, Endpoints, Service, SliceEndpoint, SlicePort } from "../../api/types.js";
import { parseAddress, type IpFamily } from "./ip-address.js";
import { repackSubsets } from "./repack-subsets.js";
import { EndpointSet, endpointDetailsEqual } from "./slice-endpoint-set.js";
import { normalizeEmptyLists, portMapKey, slicePrefix } from "./slice-meta.js";
import type { SliceChanges } from "./slices.js";
import {
  ANNOTATION_LAST_APPLIED,
  ANNOTATION_LEADER,
  ANNOTATION_TRIGGER_TIME,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  LABEL_SKIP_MIRROR,
  MAX_ENDPOINTS_ADDRESSES,
  MIRRORING_CONTROLLER,
} from "./well-known.js";

/** Options of desiredMirroredSlices. */
export interface MirrorOptions {
  /** Most addresses mirrored per Endpoints subset. Default 1000. */
  maxEndpointsPerSubset?: number;
}

/** desiredMirroredSlices' answer: the writes, and what was left out (for Warning events). */
export interface MirrorResult extends SliceChanges {
  /** Addresses that are not IPs ("Skipped N invalid IP addresses when mirroring to EndpointSlices"). */
  skippedInvalid: number;
  /** Valid addresses beyond the per-subset limit (upstream's event reports both counts summed). */
  skippedOverCapacity: number;
}

/** True when an Endpoints object may be mirrored at all (no skip-mirror label, not a leader lock). */
export function shouldMirror(endpoints: Endpoints): boolean {
  return endpoints.metadata.labels?.[LABEL_SKIP_MIRROR] !== "true" && endpoints.metadata.annotations?.[ANNOTATION_LEADER] === undefined;
}

function mirroredAnnotations(endpoints: Endpoints): Record<string, string> {
  const a = { ...(endpoints.metadata.annotations ?? {}) };
  delete a[ANNOTATION_TRIGGER_TIME];
  delete a[ANNOTATION_LAST_APPLIED];
  return a;
}

function mirroredLabels(endpoints: Endpoints): Record<string, string> {
  return { ...(endpoints.metadata.labels ?? {}), [LABEL_SERVICE_NAME]: endpoints.metadata.name ?? "", [LABEL_MANAGED_BY]: MIRRORING_CONTROLLER };
}

function toSlicePorts(ports: readonly EndpointPort[] | undefined): SlicePort[] {
  return (ports ?? []).map((p) => {
    const out: SlicePort = { name: p.name ?? "", port: p.port, protocol: p.protocol ?? "TCP" };
    if (p.appProtocol) out.appProtocol = p.appProtocol;
    return out;
  });
}

function toEndpoint(address: EndpointAddress, ready: boolean): { family: IpFamily; endpoint: SliceEndpoint } | undefined {
  const parsed = parseAddress(address.ip);
  if (!parsed) return undefined;
  const endpoint: SliceEndpoint = { addresses: [parsed.text], conditions: { ready } };
  if (address.hostname) endpoint.hostname = address.hostname;
  if (address.nodeName !== undefined) endpoint.nodeName = address.nodeName;
  if (address.targetRef) endpoint.targetRef = structuredClone(address.targetRef);
  return { family: parsed.family, endpoint };
}

function groupKey(ports: readonly SlicePort[] | null | undefined, family: string): string {
  return `${family}-${portMapKey(ports)}`;
}

function newMirroredSlice(endpoints: Endpoints, ports: SlicePort[], family: IpFamily, name: string | undefined): EndpointSlice {
  const meta: EndpointSlice["metadata"] = {
    namespace: endpoints.metadata.namespace ?? "default",
    labels: mirroredLabels(endpoints),
    ownerReferences: [
      { apiVersion: "v1", kind: "Endpoints", name: endpoints.metadata.name ?? "", uid: endpoints.metadata.uid ?? "", controller: true, blockOwnerDeletion: true },
    ],
  };
  const annotations = mirroredAnnotations(endpoints);
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  if (name) meta.name = name;
  else meta.generateName = slicePrefix(endpoints.metadata.name ?? "");
  return { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: meta, addressType: family, endpoints: [], ports: structuredClone(ports) };
}

interface Desired {
  ports: SlicePort[];
  family: IpFamily;
  set: EndpointSet;
}

/** True when the first existing slice already mirrors the desired endpoints, labels and annotations. */
function upToDate(endpoints: Endpoints, slice: EndpointSlice, set: EndpointSet): boolean {
  let matches = 0;
  for (const ep of slice.endpoints ?? []) {
    const want = set.get(ep);
    if (!want || !endpointDetailsEqual(want, ep)) return false;
    matches++;
  }
  if (matches !== set.size) return false;
  const labels = { ...(slice.metadata.labels ?? {}) };
  delete labels[LABEL_MANAGED_BY];
  delete labels[LABEL_SERVICE_NAME];
  return jsonEqual(endpoints.metadata.labels ?? {}, labels) && jsonEqual(mirroredAnnotations(endpoints), slice.metadata.annotations ?? {});
}

function isMirroredFor(slice: EndpointSlice, namespace: string, name: string): boolean {
  const l = slice.metadata.labels ?? {};
  return (slice.metadata.namespace ?? "default") === namespace && l[LABEL_SERVICE_NAME] === name && l[LABEL_MANAGED_BY] === MIRRORING_CONTROLLER;
}

/**
 * The mirrored EndpointSlices for a Service and its Endpoints (either may be undefined when it
 * does not exist). `existing` may hold any slices; only those labelled for this name and
 * managed by the mirroring controller are considered. All of those are deleted when there is
 * nothing to mirror: no Endpoints, no Service, a Service with a selector, or Endpoints with
 * the skip-mirror label or a leader-election annotation. Inputs are never modified.
 */
export function desiredMirroredSlices(
  service: Service | undefined,
  endpoints: Endpoints | undefined,
  existing: readonly EndpointSlice[],
  options: MirrorOptions = {},
): MirrorResult {
  const result: MirrorResult = { toCreate: [], toUpdate: [], toDelete: [], skippedInvalid: 0, skippedOverCapacity: 0 };
  const ref = endpoints ?? service;
  if (!ref) return result;
  const namespace = ref.metadata.namespace ?? "default";
  const mine = existing.filter((sl) => isMirroredFor(sl, namespace, ref.metadata.name ?? ""));
  const hasSelector = service?.spec.selector !== undefined && service?.spec.selector !== null;
  if (!endpoints || !service || hasSelector || !shouldMirror(endpoints)) {
    result.toDelete = [...mine];
    return result;
  }

  const max = options.maxEndpointsPerSubset ?? MAX_ENDPOINTS_ADDRESSES;
  const desired = new Map<string, Desired>();
  for (const subset of repackSubsets(endpoints.subsets ?? [])) {
    const ports = toSlicePorts(subset.ports);
    const keys = new Map<IpFamily, Desired>();
    for (const family of ["IPv4", "IPv6"] as const) {
      const key = groupKey(ports, family);
      let d = desired.get(key);
      if (!d) {
        d = { ports, family, set: new EndpointSet() };
        desired.set(key, d);
      }
      keys.set(family, d);
    }
    const total = (subset.addresses?.length ?? 0) + (subset.notReadyAddresses?.length ?? 0);
    let added = 0;
    const addAll = (list: readonly EndpointAddress[] | undefined, ready: boolean): void => {
      for (const a of list ?? []) {
        if (added >= max) return;
        const ep = toEndpoint(a, ready);
        if (!ep) {
          result.skippedInvalid++;
          continue;
        }
        keys.get(ep.family)?.set.insert(ep.endpoint);
        added++;
      }
    };
    addAll(subset.addresses, true);
    addAll(subset.notReadyAddresses, false);
    result.skippedOverCapacity += total - added;
  }
  // Invalid addresses were counted as skipped too; report them only once.
  result.skippedOverCapacity -= result.skippedInvalid;

  const existingByKey = new Map<string, EndpointSlice[]>();
  for (const sl of mine) {
    const key = groupKey(sl.ports, sl.addressType);
    existingByKey.set(key, [...(existingByKey.get(key) ?? []), sl]);
  }

  for (const [key, d] of desired) {
    const slices = existingByKey.get(key) ?? [];
    if (d.set.size === 0) {
      result.toDelete.push(...slices);
      continue;
    }
    if (slices.length > 0) {
      result.toDelete.push(...slices.slice(1));
      if (upToDate(endpoints, slices[0], d.set)) continue;
    }
    const slice = newMirroredSlice(endpoints, d.ports, d.family, slices[0]?.metadata.name);
    if (slices[0]?.metadata.resourceVersion) slice.metadata.resourceVersion = slices[0].metadata.resourceVersion;
    const eps: SliceEndpoint[] = [];
    while (d.set.size > 0 && eps.length < max) eps.push(d.set.pop() as SliceEndpoint);
    slice.endpoints = eps;
    (slice.metadata.name ? result.toUpdate : result.toCreate).push(slice);
  }
  for (const [key, slices] of existingByKey) if (!desired.has(key)) result.toDelete.push(...slices);

  recycleByFamily(result);
  if (endpoints.metadata.deletionTimestamp) result.toCreate = [];
  for (const sl of [...result.toCreate, ...result.toUpdate]) normalizeEmptyLists(sl);
  return result;
}

/** Pairs creates with deletes of the same address type and turns each pair into an update. */
function recycleByFamily(changes: SliceChanges): void {
  for (const family of ["IPv4", "IPv6"]) {
    const creates = changes.toCreate.filter((s) => s.addressType === family);
    const deletes = changes.toDelete.filter((s) => s.addressType === family);
    for (let i = 0; i < creates.length && i < deletes.length; i++) {
      const slice = creates[i];
      slice.metadata.name = deletes[i].metadata.name;
      if (deletes[i].metadata.resourceVersion) slice.metadata.resourceVersion = deletes[i].metadata.resourceVersion;
      changes.toCreate = changes.toCreate.filter((s) => s !== slice);
      changes.toDelete = changes.toDelete.filter((s) => s !== deletes[i]);
      changes.toUpdate.push(slice);
    }
  }
}

