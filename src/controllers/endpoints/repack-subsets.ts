// The canonical layout of Endpoints subsets: every distinct set of addresses (with their
// readiness) becomes one subset carrying all the ports those addresses serve. Two Endpoints
// with the same meaning therefore compare equal after repacking, whatever order their
// subsets were built in.
//
// Within a subset, addresses sort by IP text then pod UID, as upstream does. Upstream orders
// ports and subsets by a hash of their Go dump; we order them by a readable canonical key
// instead — deterministic, but not the same order a real cluster prints.

import type { EndpointAddress, EndpointPort, EndpointSubset } from "../../api/types.js";

const SENTINEL = "\u0000no-ports";

/** A copy of an address (its only nested field is targetRef); cheaper than structuredClone. */
function copyAddress(a: EndpointAddress): EndpointAddress {
  return a.targetRef ? { ...a, targetRef: { ...a.targetRef } } : { ...a };
}

function addressKey(a: EndpointAddress): string {
  return JSON.stringify([a.ip, a.targetRef?.uid ?? ""]);
}

function portKey(p: EndpointPort): string {
  return JSON.stringify([p.name ?? "", p.port, p.protocol ?? "", p.appProtocol ?? ""]);
}

/** Upstream's address order: IP text byte-wise, then target UID (no target sorts first). */
export function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  if (!b.targetRef) return a.targetRef ? 1 : 0;
  if (!a.targetRef) return -1;
  const ua = a.targetRef.uid ?? "";
  const ub = b.targetRef.uid ?? "";
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  const ka = portKey(a);
  const kb = portKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

interface PortGroup {
  port: EndpointPort | undefined;
  /** address key → ready (not ready wins when an address is listed both ways). */
  ready: Map<string, boolean>;
}

function record(groups: Map<string, PortGroup>, port: EndpointPort | undefined, addr: string, ready: boolean): void {
  const key = port ? portKey(port) : SENTINEL;
  let g = groups.get(key);
  if (!g) {
    g = { port: port ? { ...port } : undefined, ready: new Map() };
    groups.set(key, g);
  }
  const was = g.ready.get(addr);
  if (was === undefined || was) g.ready.set(addr, ready);
}

/** Sorts a subset's addresses and ports in place and returns it. */
function sortSubset(ss: EndpointSubset): EndpointSubset {
  ss.addresses?.sort(compareAddresses);
  ss.notReadyAddresses?.sort(compareAddresses);
  ss.ports?.sort(comparePorts);
  return ss;
}

/**
 * Repacks subsets into canonical form: addresses deduplicated by IP + target UID (the first
 * occurrence's details kept), grouped by the exact set of ports they serve, not-ready winning
 * over ready for the same port; subsets with no ports keep their addresses. Empty lists are
 * omitted, as the API omits them. The input is not modified; the result is newly allocated.
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const all = new Map<string, EndpointAddress>();
  const groups = new Map<string, PortGroup>();
  const remember = (a: EndpointAddress): string => {
    const k = addressKey(a);
    if (!all.has(k)) all.set(k, copyAddress(a));
    return k;
  };
  for (const ss of subsets) {
    const ports: (EndpointPort | undefined)[] = ss.ports && ss.ports.length > 0 ? ss.ports : [undefined];
    for (const port of ports) {
      for (const a of ss.addresses ?? []) record(groups, port, remember(a), true);
      for (const a of ss.notReadyAddresses ?? []) record(groups, port, remember(a), false);
    }
  }

  // Group ports by the address set (with readiness) they are offered on.
  const bySet = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const g of groups.values()) {
    const setKey = JSON.stringify([...g.ready.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let entry = bySet.get(setKey);
    if (!entry) {
      entry = { ready: g.ready, ports: [] };
      bySet.set(setKey, entry);
    }
    if (g.port) entry.ports.push(g.port);
  }

  const out: EndpointSubset[] = [];
  for (const { ready, ports } of bySet.values()) {
    if (ready.size === 0) continue;
    const ss: EndpointSubset = {};
    const readyAddrs = [...ready].filter(([, r]) => r).map(([k]) => copyAddress(all.get(k) as EndpointAddress));
    const notReady = [...ready].filter(([, r]) => !r).map(([k]) => copyAddress(all.get(k) as EndpointAddress));
    if (readyAddrs.length > 0) ss.addresses = readyAddrs;
    if (notReady.length > 0) ss.notReadyAddresses = notReady;
    if (ports.length > 0) ss.ports = ports;
    out.push(sortSubset(ss));
  }
  const keyed = out.map((ss) => ({ ss, key: JSON.stringify([ss.ports ?? [], ss.addresses ?? [], ss.notReadyAddresses ?? []]) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.ss);
}
