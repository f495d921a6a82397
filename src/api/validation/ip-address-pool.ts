// metallb.io/v1beta1 IPAddressPool validation: the CRD's schema, then the rules MetalLB's
// webhook applies — at least one address entry, each a CIDR or a range of one family with its
// ends in order (parsed by the allocator's own parser), no two entries overlapping,
// serviceAllocation with a non-negative priority, valid namespace names and selectors, nothing
// listed twice. Overlap with other pools needs the other pools: see ip-address-pool-overlap.ts.

import type { AddressRange } from "../../allocators/pool-addresses.js";
import { parsePoolEntry, rangesOverlap } from "../../allocators/pool-addresses.js";
import { fieldErrors, path, type FieldError } from "../field-errors.js";
import { IP_ADDRESS_POOL_DEFINITION } from "../schema/metallb-schemas.js";
import type { KubeObject } from "../types.js";
import { validateDNS1123Label, validateNonnegative } from "./common.js";
import { validateMetalLBCreate, validateMetalLBStatusUpdate, validateMetalLBUpdate, validateNoRepeats, validateSelectorList } from "./metallb-common.js";
import { list, optNum, rec, str } from "./read.js";

/** One `spec.addresses` entry that parsed, with its position. */
export interface PoolEntry {
  index: number;
  text: string;
  range: AddressRange;
}

/** The entries of a pool's spec.addresses that parse; the others are validation's to report. */
export function poolEntries(pool: KubeObject): PoolEntry[] {
  const out: PoolEntry[] = [];
  list(rec(pool.spec).addresses).forEach((v, index) => {
    const text = str(v);
    const parsed = parsePoolEntry(text);
    if (parsed.ok) out.push({ index, text, range: parsed.range });
  });
  return out;
}

function validateAddresses(value: unknown): FieldError[] {
  const p = path("spec", "addresses");
  const entries = list(value);
  if (entries.length === 0) return [fieldErrors.required(p, "a pool needs at least one CIDR or address range")];
  const errs: FieldError[] = [];
  const parsed: PoolEntry[] = [];
  entries.forEach((v, index) => {
    const text = str(v);
    const r = parsePoolEntry(text);
    if (!r.ok) {
      errs.push(fieldErrors.invalid(p.index(index), text, r.reason));
      return;
    }
    const earlier = parsed.find((e) => rangesOverlap(e.range, r.range));
    if (earlier) errs.push(fieldErrors.invalid(p.index(index), text, `overlaps with ${JSON.stringify(earlier.text)} (spec.addresses[${earlier.index}])`));
    parsed.push({ index, text, range: r.range });
  });
  return errs;
}

function validateServiceAllocation(value: unknown): FieldError[] {
  if (value === undefined || value === null) return [];
  const p = path("spec", "serviceAllocation");
  const a = rec(value);
  const errs: FieldError[] = [];
  const priority = optNum(a.priority);
  // MetalLB takes any integer but orders negative priorities inconsistently; refuse them.
  if (priority !== undefined) errs.push(...validateNonnegative(priority, p.child("priority")));
  const namespaces = list(a.namespaces).map(str);
  namespaces.forEach((ns, i) => errs.push(...validateDNS1123Label(ns, p.child("namespaces").index(i))));
  errs.push(...validateNoRepeats(namespaces, p.child("namespaces")));
  errs.push(...validateSelectorList(a.namespaceSelectors, p.child("namespaceSelectors")));
  errs.push(...validateSelectorList(a.serviceSelectors, p.child("serviceSelectors")));
  return errs;
}

function specRules(pool: KubeObject): () => FieldError[] {
  return () => {
    const spec = rec(pool.spec);
    return [...validateAddresses(spec.addresses), ...validateServiceAllocation(spec.serviceAllocation)];
  };
}

/** An IPAddressPool on create. */
export function validateIPAddressPool(pool: KubeObject): FieldError[] {
  return validateMetalLBCreate(IP_ADDRESS_POOL_DEFINITION, pool, specRules(pool));
}

/** An IPAddressPool update of the main resource (nothing in the spec is immutable). */
export function validateIPAddressPoolUpdate(pool: KubeObject, old: KubeObject): FieldError[] {
  return validateMetalLBUpdate(IP_ADDRESS_POOL_DEFINITION, pool, old, specRules(pool));
}

/** A write of IPAddressPool status: the schema only (assigned/available counts are integers). */
export function validateIPAddressPoolStatusUpdate(pool: KubeObject, old: KubeObject): FieldError[] {
  return validateMetalLBStatusUpdate(IP_ADDRESS_POOL_DEFINITION, pool, old);
}
