// Overlap between IPAddressPools: an address belongs to one pool at most, as MetalLB's webhook
// insists (it refuses a pool whose CIDRs overlap another pool's). Pure: the caller brings the
// other pools of the namespace.

import { fieldErrors, path, type FieldError } from "../field-errors.js";
import { rangesOverlap } from "../../allocators/pool-addresses.js";
import type { KubeObject } from "../types.js";
import { poolEntries } from "./ip-address-pool.js";

/**
 * Field errors for each spec.addresses entry of `pool` that shares an address with an entry of
 * another pool in `others` (the pool itself, by name, is skipped): `spec.addresses[0]: Invalid
 * value: "172.17.8.0/24": overlaps with "172.17.8.201-172.17.8.250" of IPAddressPool "default"`.
 */
export function poolOverlapErrors(pool: KubeObject, others: readonly KubeObject[]): FieldError[] {
  const p = path("spec", "addresses");
  const name = pool.metadata?.name;
  const theirs = others.filter((o) => o.metadata?.name !== name).map((o) => ({ name: o.metadata?.name ?? "", entries: poolEntries(o) }));
  const errs: FieldError[] = [];
  for (const mine of poolEntries(pool)) {
    for (const other of theirs) {
      const hit = other.entries.find((e) => rangesOverlap(e.range, mine.range));
      if (hit) {
        errs.push(fieldErrors.invalid(p.index(mine.index), mine.text, `overlaps with ${JSON.stringify(hit.text)} of IPAddressPool ${JSON.stringify(other.name)}`));
        break;
      }
    }
  }
  return errs;
}
