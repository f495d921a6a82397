// The allocation decision for one LoadBalancer service, as MetalLB's controller makes it: keep
// what the service holds while the pools and its request still allow it; else take the
// requested addresses, or the lowest free ones of the named pool, or of the first pool (by
// priority) that admits the service; with no pool admitting it at all, fall back to node-IP
// mode (k3s ServiceLB). Pure: reads the book, never changes it.

import type { IPFamily } from "../../allocators/ip.js";
import { formatIP, parseIP } from "../../allocators/ip.js";
import { isBuggyIP } from "../../allocators/pool-addresses.js";
import { METALLB_NAMESPACE } from "../../api/metallb-types.js";
import type { PendingReason } from "../../api/metallb-types.js";
import type { AddressBookView } from "./address-book.js";
import type { AddressPool, PoolCandidate } from "./address-pools.js";
import { automaticOrder, poolAdmits, poolHasFamily, poolOwning } from "./address-pools.js";
import type { LoadBalancerRequest, ReadRequest } from "./lb-service.js";

export interface AllocationInput {
  /** The service's key, "namespace/name". */
  service: string;
  request: ReadRequest;
  /** The service's namespace and labels, and its namespace's labels (serviceAllocation). */
  candidate: PoolCandidate;
  /** Every pool, in name order. */
  pools: readonly AddressPool[];
  book: AddressBookView;
  /** What the service holds now: the book's holding, else the pool addresses its status shows. */
  current?: { ips: string[]; pool?: string };
}

/** Addresses the service held and loses, and why (for a "ClearAssignment" event). */
export interface DroppedAddresses {
  ips: string[];
  why: string;
}

export type AddressDecision =
  /** Hold `ips` (one per family, in spec.ipFamilies order) from `pool`; `added` were not held before. */
  | { kind: "assigned"; pool: string; ips: string[]; added: string[]; dropped?: DroppedAddresses }
  /** No pool admits the service: its ingress is its nodes' addresses (node-IP mode). */
  | { kind: "no-pool"; dropped?: DroppedAddresses }
  | { kind: "pending"; reason: PendingReason; message: string; dropped?: DroppedAddresses };

const poolsWhere = `in namespace ${METALLB_NAMESPACE}`;

/** Decides what the service should hold. See the file comment for the order of the rules. */
export function decideAddresses(input: AllocationInput): AddressDecision {
  if (!input.request.ok) return { kind: "pending", reason: "InvalidRequest", message: input.request.message };
  const req = input.request.request;
  let dropped: DroppedAddresses | undefined;
  if (input.current && input.current.ips.length > 0) {
    const kept = keepCurrent(input, req, input.current);
    if (kept.kind === "assigned") return kept;
    dropped = { ips: input.current.ips, why: kept.why };
  }
  const decision = req.requested.length > 0 ? assignRequested(input, req) : req.pool !== undefined ? assignFromNamedPool(input, req) : assignAutomatically(input, req);
  return dropped ? { ...decision, dropped } : decision;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function inFamilyOrder(ips: string[], families: readonly IPFamily[]): string[] {
  const rank = (ip: string): number => families.indexOf(parseIP(ip)?.family ?? "IPv4");
  return [...ips].sort((a, b) => rank(a) - rank(b));
}

/** The current holding if it is still allowed (topped up with a missing PreferDualStack family), else why not. */
function keepCurrent(input: AllocationInput, req: LoadBalancerRequest, current: { ips: string[]; pool?: string }): Extract<AddressDecision, { kind: "assigned" }> | { kind: "drop"; why: string } {
  const drop = (why: string): { kind: "drop"; why: string } => ({ kind: "drop", why });
  const parsed = current.ips.map((t) => parseIP(t));
  const families = parsed.map((p) => p?.family);
  if (families.some((f) => f === undefined || !req.families.includes(f)) || new Set(families).size !== families.length) {
    return drop(`${current.ips.join(", ")} do not fit the service's families (${req.families.join(", ")})`);
  }
  if (families.length < req.families.length && !req.secondaryOptional) return drop(`the service needs one address per family (${req.families.join(" and ")})`);
  const pool = poolOwning(input.pools, current.ips, current.pool ?? req.pool);
  if (!pool) return drop(`${current.ips.join(", ")} ${current.ips.length > 1 ? "are" : "is"} no longer in an IPAddressPool ${poolsWhere}`);
  if (req.pool !== undefined && pool.name !== req.pool) return drop(`the ${req.poolAnnotation} annotation asks for pool "${req.pool}"`);
  if (req.requested.length > 0 && !sameSet(req.requested, current.ips)) return drop(`${req.requestedFrom} asks for ${req.requested.join(", ")}`);
  if (!poolAdmits(pool, input.candidate)) return drop(`pool "${pool.name}" no longer admits this service (its spec.serviceAllocation)`);
  for (const ip of current.ips) {
    const why = input.book.conflict(input.service, ip, req.claim);
    if (why) return drop(why);
  }
  const ips = [...current.ips];
  const added: string[] = [];
  if (req.secondaryOptional && req.requested.length === 0) {
    for (const f of req.families) {
      if (ips.some((ip) => parseIP(ip)?.family === f) || !poolHasFamily(pool, f)) continue;
      const ip = freeAddress(input, req, pool, f);
      if (ip) {
        ips.push(ip);
        added.push(ip);
      }
    }
  }
  return { kind: "assigned", pool: pool.name, ips: inFamilyOrder(ips, req.families), added };
}

function assigned(pool: AddressPool, ips: string[], req: LoadBalancerRequest): AddressDecision {
  return { kind: "assigned", pool: pool.name, ips: inFamilyOrder(ips, req.families), added: inFamilyOrder(ips, req.families) };
}

function pending(reason: PendingReason, message: string): AddressDecision {
  return { kind: "pending", reason, message };
}

function notAdmitted(pool: AddressPool): AddressDecision {
  return pending("NoMatchingPool", `pool "${pool.name}" does not admit this service: its spec.serviceAllocation selects other namespaces or services; change the pool or ask for another one`);
}

function assignRequested(input: AllocationInput, req: LoadBalancerRequest): AddressDecision {
  const ips = req.requested;
  let pool: AddressPool | undefined;
  if (req.pool !== undefined) {
    pool = input.pools.find((p) => p.name === req.pool);
    if (!pool) return unknownPool(req);
    const outside = ips.find((ip) => poolOwning([pool as AddressPool], [ip]) === undefined);
    if (outside) {
      return pending("AddressNotInPool", `${outside} (${req.requestedFrom}) is not in pool "${pool.name}" (${req.poolAnnotation}); request one of its addresses, or drop one of the two`);
    }
  } else {
    pool = poolOwning(input.pools, ips);
    if (!pool) {
      const stray = ips.find((ip) => poolOwning(input.pools, [ip]) === undefined);
      if (stray) {
        return pending(
          "AddressNotInPool",
          `${stray} (${req.requestedFrom}) is not in any IPAddressPool ${poolsWhere}; request an address inside a pool, or add it to a pool's spec.addresses`,
        );
      }
      return pending("AddressNotInPool", `the requested addresses ${ips.join(", ")} are in different pools; request addresses of one IPAddressPool`);
    }
  }
  if (!poolAdmits(pool, input.candidate)) return notAdmitted(pool);
  for (const ip of ips) {
    const why = input.book.conflict(input.service, ip, req.claim);
    if (why) return pending("AddressInUse", `${why}; or request another address`);
  }
  return assigned(pool, [...ips], req);
}

function unknownPool(req: LoadBalancerRequest): AddressDecision {
  return pending("UnknownPool", `there is no IPAddressPool "${req.pool}" ${poolsWhere} (named by the ${req.poolAnnotation} annotation); create it, or fix the annotation`);
}

/** Whether a pool has the families the service must get: all, or for PreferDualStack any. */
function servesFamilies(pool: AddressPool, req: LoadBalancerRequest): boolean {
  return req.secondaryOptional ? req.families.some((f) => poolHasFamily(pool, f)) : req.families.every((f) => poolHasFamily(pool, f));
}

/** The lowest free address of each family the pool has; `complete` when every family got one. */
function take(input: AllocationInput, req: LoadBalancerRequest, pool: AddressPool): { ips: string[]; complete: boolean; primary: boolean } {
  const ips: string[] = [];
  for (const f of req.families) {
    const ip = poolHasFamily(pool, f) ? freeAddress(input, req, pool, f) : undefined;
    if (ip) ips.push(ip);
  }
  const primary = ips.some((ip) => parseIP(ip)?.family === req.families[0]);
  return { ips, complete: ips.length === req.families.length, primary };
}

/** The lowest address of `family` in the pool that the service may hold (free, or shareable). */
function freeAddress(input: AllocationInput, req: LoadBalancerRequest, pool: AddressPool, family: IPFamily): string | undefined {
  const ranges = pool.ranges.filter((r) => r.family === family).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  for (const r of ranges) {
    // Each step either returns or passes an address someone holds (or a skipped .0/.255), so
    // the walk is bounded by the holdings, not by the size of the range.
    for (let v = r.first; v <= r.last; v++) {
      const ip = { family, value: v };
      if (pool.avoidBuggyIPs && isBuggyIP(ip)) continue;
      const text = formatIP(ip);
      if (input.book.conflict(input.service, text, req.claim) === undefined) return text;
    }
  }
  return undefined;
}

function exhausted(pools: readonly AddressPool[]): AddressDecision {
  const names = pools.map((p) => `"${p.name}"`).join(", ");
  const what = pools.length === 1 ? `pool ${names} is` : `the pools that admit this service (${names}) are`;
  return pending("PoolExhausted", `no free address: ${what} exhausted; add addresses to a pool, add an IPAddressPool ${poolsWhere}, or delete a LoadBalancer service that holds one`);
}

function assignFromNamedPool(input: AllocationInput, req: LoadBalancerRequest): AddressDecision {
  const pool = input.pools.find((p) => p.name === req.pool);
  if (!pool) return unknownPool(req);
  if (!poolAdmits(pool, input.candidate)) return notAdmitted(pool);
  if (!servesFamilies(pool, req)) {
    const missing = req.families.filter((f) => !poolHasFamily(pool, f));
    return pending("NoMatchingPool", `pool "${pool.name}" has no ${missing.join(" or ")} addresses, which the service needs (spec.ipFamilies); add some, or ask for another pool`);
  }
  const got = take(input, req, pool);
  if (got.complete || (req.secondaryOptional && got.ips.length > 0)) return assigned(pool, got.ips, req);
  return exhausted([pool]);
}

function assignAutomatically(input: AllocationInput, req: LoadBalancerRequest): AddressDecision {
  const candidates = automaticOrder(input.pools).filter((p) => p.autoAssign && poolAdmits(p, input.candidate) && servesFamilies(p, req));
  if (candidates.length === 0) return { kind: "no-pool" };
  let primaryOnly: { pool: AddressPool; ips: string[] } | undefined;
  let secondaryOnly: { pool: AddressPool; ips: string[] } | undefined;
  for (const pool of candidates) {
    const got = take(input, req, pool);
    if (got.complete) return assigned(pool, got.ips, req);
    if (!req.secondaryOptional || got.ips.length === 0) continue;
    if (got.primary) primaryOnly ??= { pool, ips: got.ips };
    else secondaryOnly ??= { pool, ips: got.ips };
  }
  const partial = primaryOnly ?? secondaryOnly;
  if (partial) return assigned(partial.pool, partial.ips, req);
  return exhausted(candidates);
}
