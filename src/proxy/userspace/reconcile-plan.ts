// What one sync of the userspace proxy changes: which listeners to open, which to close, which
// to hand a new spec (other endpoints, another affinity timeout), and which service addresses to
// add to or remove from the service interface. Pure: the proxier carries the plan out.

import { isDeepStrictEqual } from "node:util";
import type { ListenerSpec } from "./listener-plan.js";

export interface ListenerChanges {
  /** Desired and not there yet. */
  open: ListenerSpec[];
  /** There and no longer desired (their service port or that address is gone). */
  close: string[];
  /** There and desired with a different spec (endpoints, pools, affinity). */
  update: ListenerSpec[];
  /** There with the same spec. */
  unchanged: number;
}

/** Compares the listeners in place (by key) with the desired ones. Every list is sorted by key. */
export function diffListeners(current: ReadonlyMap<string, ListenerSpec>, desired: ReadonlyMap<string, ListenerSpec>): ListenerChanges {
  const changes: ListenerChanges = { open: [], close: [], update: [], unchanged: 0 };
  for (const [key, spec] of desired) {
    const now = current.get(key);
    if (!now) changes.open.push(spec);
    else if (!isDeepStrictEqual(now, spec)) changes.update.push(spec);
    else changes.unchanged++;
  }
  for (const key of current.keys()) if (!desired.has(key)) changes.close.push(key);
  const byKey = (a: ListenerSpec, b: ListenerSpec): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  changes.open.sort(byKey);
  changes.update.sort(byKey);
  changes.close.sort();
  return changes;
}

export interface AddressChanges {
  add: string[];
  remove: string[];
}

/** Addresses to add and remove so that `present` becomes `desired`; both lists sorted. */
export function diffAddresses(present: ReadonlySet<string>, desired: ReadonlySet<string>): AddressChanges {
  const add = [...desired].filter((a) => !present.has(a)).sort();
  const remove = [...present].filter((a) => !desired.has(a)).sort();
  return { add, remove };
}

/**
 * Addresses of an `ip -o -4 addr show dev X` listing ("3: svcnet-svc0    inet 10.0.0.252/32 scope
 * global svcnet-svc0 …"), without prefix lengths.
 */
export function parseAddressListing(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split("\n")) {
    const m = /\sinet\s+([0-9.]+)\/\d+/.exec(line);
    if (m) out.add(m[1]);
  }
  return out;
}
