// Deciding how to reconcile a store-backed pool with the services that claim its items (the
// job of Kubernetes' ipallocator/portallocator repair controllers), as a pure function.
//
// - A key whose owner claims it is fine.
// - A key nobody (or not its recorded owner) claims is an orphan. It is acted on only when it
//   was already an orphan, at the same revision, on the previous run (a grace period: another
//   API server may have reserved it for a service it has not stored yet). Then it is handed to
//   a service claiming it, if any, or released.
// - A claimed item with no key is recorded for its (first) claimant.
// - An item claimed by more than one service is reported as a conflict.

import type { PoolEntry, PoolOwner } from "./store-pool.js";
import { sameOwner } from "./store-pool.js";

/** One change the plan asks for. */
export type RepairAction =
  | { kind: "release"; entry: PoolEntry }
  | { kind: "reassign"; entry: PoolEntry; owner: PoolOwner }
  | { kind: "record"; item: string; owner: PoolOwner };

/** Input of planRepair. */
export interface RepairInput {
  /** The pool's keys as just read. */
  entries: readonly PoolEntry[];
  /** For each claimed item, the services claiming it, in a stable order. */
  claims: ReadonlyMap<string, readonly PoolOwner[]>;
  /** Orphans seen by the previous run: key → modRevision. */
  suspects: ReadonlyMap<string, number>;
}

/** Output of planRepair. */
export interface RepairPlan {
  actions: RepairAction[];
  /** Orphans to remember for the next run (only those not acted on now). */
  suspects: Map<string, number>;
  /** Items held by several services, with all their claimants. */
  conflicts: { item: string; owners: readonly PoolOwner[] }[];
}

/** Plans one repair run; see the file comment for the rules. */
export function planRepair(input: RepairInput): RepairPlan {
  const actions: RepairAction[] = [];
  const suspects = new Map<string, number>();
  const conflicts: RepairPlan["conflicts"] = [];
  const stored = new Set<string>();

  for (const entry of input.entries) {
    stored.add(entry.item);
    const claimants = input.claims.get(entry.item) ?? [];
    const owner = entry.owner;
    if (owner && claimants.some((c) => sameOwner(c, owner))) continue;
    const key = entry.kv.key;
    if (input.suspects.get(key) !== entry.kv.modRevision) {
      suspects.set(key, entry.kv.modRevision);
      continue;
    }
    if (claimants.length) actions.push({ kind: "reassign", entry, owner: claimants[0] });
    else actions.push({ kind: "release", entry });
  }

  for (const [item, claimants] of input.claims) {
    if (claimants.length > 1) conflicts.push({ item, owners: claimants });
    if (!stored.has(item) && claimants.length) actions.push({ kind: "record", item, owner: claimants[0] });
  }
  return { actions, suspects, conflicts };
}
