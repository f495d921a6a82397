// From EndpointSlices (or legacy Endpoints) of one Service to the proxy's endpoint lists, one
// list per service port, for one address family (IPv4 unless told otherwise), like
// service-port-infos.ts: a dual-stack Service has IPv4 and IPv6 slices, each read by its family's
// proxier.

import type { Endpoints, EndpointSlice, SliceEndpoint } from "../api/types.js";
import { isJsonObject, type JsonValue } from "../api/json.js";
import { defaultIPFamily, isIPOfFamily, type IPFamily } from "./ip-family.js";
import { joinHostPort, servicePortKey } from "./service-port-name.js";
import type { EndpointInfo, Protocol } from "./types.js";

/** The label that ties an EndpointSlice to its Service. */
export const serviceNameLabel = "kubernetes.io/service-name";

/** The Service an EndpointSlice belongs to ("ns/name"), or undefined when it is not labelled. */
export function sliceServiceKey(slice: EndpointSlice): string | undefined {
  const name = slice.metadata.labels?.[serviceNameLabel];
  if (!name) return undefined;
  return `${slice.metadata.namespace ?? "default"}/${name}`;
}

/** Options of endpointInfosBySlicePort and endpointInfosFromEndpoints. */
export interface EndpointInfosOptions {
  /** The address family the proxier programs (slices of addressType IPv4 or IPv6); default IPv4. FQDN slices never count. */
  ipFamily?: IPFamily;
}

/** The `name` of each entry of a hints list (forZones / forNodes); undefined when empty. */
function hintNames(list: JsonValue | undefined): string[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const names = list.flatMap((h) => (isJsonObject(h) && typeof h.name === "string" ? [h.name] : []));
  return names.length > 0 ? names : undefined;
}

function sliceEndpointInfo(ep: SliceEndpoint, port: number, nodeName: string, family: IPFamily): EndpointInfo | undefined {
  const ip = ep.addresses[0];
  if (ip === undefined || !isIPOfFamily(ip, family)) return undefined;
  const c = ep.conditions ?? {};
  const ready = c.ready ?? true;
  const info: EndpointInfo = {
    ip,
    port,
    endpoint: joinHostPort(ip, port),
    ready,
    // The API says: when serving is not set, go by ready.
    serving: c.serving ?? ready,
    terminating: c.terminating ?? false,
    isLocal: nodeName !== "" && ep.nodeName === nodeName,
  };
  if (ep.nodeName !== undefined) info.nodeName = ep.nodeName;
  if (ep.zone !== undefined) info.zone = ep.zone;
  const zoneHints = hintNames(ep.hints?.forZones);
  const nodeHints = hintNames(ep.hints?.forNodes);
  if (zoneHints) info.zoneHints = zoneHints;
  if (nodeHints) info.nodeHints = nodeHints;
  return info;
}

/**
 * Adds an endpoint unless one with the same ip:port is already there. Two slices can briefly
 * list the same address while a controller moves it; the first copy wins, except that a copy
 * on this node replaces a non-local one, so a local endpoint is never mistaken for remote.
 */
function addDeduplicated(set: Map<string, EndpointInfo>, info: EndpointInfo): void {
  const existing = set.get(info.endpoint);
  if (existing === undefined || (info.isLocal && !existing.isLocal)) set.set(info.endpoint, info);
}

/** Plain code-unit order, the same on every machine (unlike localeCompare). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted by the "ip:port" string, character by character, as the chains list them. */
function sortedLists(sets: Map<string, Map<string, EndpointInfo>>): Map<string, EndpointInfo[]> {
  const out = new Map<string, EndpointInfo[]>();
  for (const [key, set] of sets) {
    if (set.size === 0) continue;
    out.set(key, [...set.values()].sort((a, b) => compareStrings(a.endpoint, b.endpoint)));
  }
  return out;
}

/**
 * The endpoints of one Service's slices, keyed by servicePortKey (the slice port's name and
 * protocol; the Service name comes from the slice label). Only slices of the family count (their
 * addressType), only the first address of each endpoint is used, ports without a number are skipped, and service
 * ports without any endpoint have no entry. Slices are read in name order so that which
 * duplicate wins does not depend on the caller's order.
 */
export function endpointInfosBySlicePort(slices: readonly EndpointSlice[], nodeName: string, options: EndpointInfosOptions = {}): Map<string, EndpointInfo[]> {
  const family = options.ipFamily ?? defaultIPFamily;
  const sets = new Map<string, Map<string, EndpointInfo>>();
  const ordered = [...slices].sort((a, b) => compareStrings(a.metadata.name ?? "", b.metadata.name ?? ""));
  for (const slice of ordered) {
    if (slice.addressType !== family) continue;
    const serviceName = slice.metadata.labels?.[serviceNameLabel];
    if (!serviceName) continue;
    for (const port of slice.ports ?? []) {
      if (!port.port) continue;
      const key = servicePortKey({
        namespace: slice.metadata.namespace ?? "default",
        name: serviceName,
        port: port.name ?? "",
        protocol: port.protocol ?? "TCP",
      });
      let set = sets.get(key);
      if (!set) sets.set(key, (set = new Map()));
      for (const ep of slice.endpoints ?? []) {
        const info = sliceEndpointInfo(ep, port.port, nodeName, family);
        if (info) addDeduplicated(set, info);
      }
    }
  }
  return sortedLists(sets);
}

/**
 * The same map from a legacy core/v1 Endpoints object (for inputs that carry no slices).
 * `addresses` are ready and serving; `notReadyAddresses` are neither. Endpoints objects have
 * no terminating state and no topology hints; addresses of the other family are left out.
 */
export function endpointInfosFromEndpoints(ep: Endpoints, nodeName: string, options: EndpointInfosOptions = {}): Map<string, EndpointInfo[]> {
  const family = options.ipFamily ?? defaultIPFamily;
  const sets = new Map<string, Map<string, EndpointInfo>>();
  for (const subset of ep.subsets ?? []) {
    for (const port of subset.ports ?? []) {
      if (!port.port) continue;
      const protocol: Protocol = port.protocol ?? "TCP";
      const key = servicePortKey({
        namespace: ep.metadata.namespace ?? "default",
        name: ep.metadata.name ?? "",
        port: port.name ?? "",
        protocol,
      });
      let set = sets.get(key);
      if (!set) sets.set(key, (set = new Map()));
      const groups = [
        { addresses: subset.addresses ?? [], ready: true },
        { addresses: subset.notReadyAddresses ?? [], ready: false },
      ];
      for (const { addresses, ready } of groups) {
        for (const address of addresses) {
          if (!isIPOfFamily(address.ip, family)) continue;
          const info: EndpointInfo = {
            ip: address.ip,
            port: port.port,
            endpoint: joinHostPort(address.ip, port.port),
            ready,
            serving: ready,
            terminating: false,
            isLocal: nodeName !== "" && address.nodeName === nodeName,
          };
          if (address.nodeName !== undefined) info.nodeName = address.nodeName;
          addDeduplicated(set, info);
        }
      }
    }
  }
  return sortedLists(sets);
}
