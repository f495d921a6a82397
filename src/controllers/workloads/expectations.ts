// What a replica controller is still waiting to see in its informer after its own writes: pods
// it created that have not arrived yet, pods it deleted that have not gone yet. While an owner
// has such outstanding expectations its sync must not create or delete again — the cache is
// known to be behind, and acting on it would double the work (upstream's
// UIDTrackingControllerExpectations). Expectations lapse after a TTL so a lost watch event
// cannot wedge an owner forever.

import type { Clock } from "../../client/index.js";

/** Upstream's ExpectationsTimeout: 5 minutes. */
export const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Pending {
  /** Creations not yet observed (may go below zero when more arrive than expected). */
  adds: number;
  /** Keys ("namespace/name") of pods whose deletion has not been observed. */
  deletes: Set<string>;
  /** When the expectation was set, for the TTL. */
  since: number;
}

/** Options of Expectations. */
export interface ExpectationsOptions {
  clock: Clock;
  /** How long an unmet expectation holds; default EXPECTATIONS_TTL_MS. */
  ttlMs?: number;
}

/**
 * Outstanding creations and deletions per owner key. Contract:
 * - `satisfied(key)` is true when nothing is recorded for the key, when every expected creation
 *   and deletion was observed, or when the record is older than the TTL; the owner may then
 *   create or delete again.
 * - `expectCreations` / `expectDeletions` replace the record (call them only when satisfied,
 *   right before writing); the observe methods lower it and never go wrong on surprises: a
 *   deletion of a pod that was not expected changes nothing.
 * - `forget(key)` drops the record (the owner was deleted).
 * Synchronous and safe to call from informer handlers.
 */
export class Expectations {
  readonly #clock: Clock;
  readonly #ttl: number;
  readonly #pending = new Map<string, Pending>();

  constructor(o: ExpectationsOptions) {
    this.#clock = o.clock;
    this.#ttl = o.ttlMs ?? EXPECTATIONS_TTL_MS;
  }

  satisfied(key: string): boolean {
    const p = this.#pending.get(key);
    if (!p) return true;
    if (p.adds <= 0 && p.deletes.size === 0) return true;
    return this.#clock.now() - p.since > this.#ttl;
  }

  /** The owner is about to create `count` pods. */
  expectCreations(key: string, count: number): void {
    this.#pending.set(key, { adds: count, deletes: new Set(), since: this.#clock.now() });
  }

  /** The owner is about to delete the pods with these keys. */
  expectDeletions(key: string, podKeys: readonly string[]): void {
    this.#pending.set(key, { adds: 0, deletes: new Set(podKeys), since: this.#clock.now() });
  }

  /** A pod created for the owner appeared, or a creation failed or was skipped. */
  creationObserved(key: string, count = 1): void {
    const p = this.#pending.get(key);
    if (p) p.adds -= count;
  }

  /** A pod of the owner disappeared (or started terminating), or its deletion failed. */
  deletionObserved(key: string, podKey: string): void {
    this.#pending.get(key)?.deletes.delete(podKey);
  }

  forget(key: string): void {
    this.#pending.delete(key);
  }

  /** For tests and diagnostics: creations and deletions still awaited. */
  outstanding(key: string): { adds: number; deletes: string[] } | undefined {
    const p = this.#pending.get(key);
    return p && { adds: p.adds, deletes: [...p.deletes] };
  }
}
