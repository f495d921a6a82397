// The pure core of leader election: given the Lease as just read, what this candidate saw of it
// before, its identity and the time, decide whether to create, acquire, renew, wait or give up
// leading — and build the Lease to write. No I/O: the elector (leader-elector.ts) does that.
//
// As client-go's leaderelection, expiry is measured on the candidate's own clock from when it
// last saw the Lease change (not from the renewTime another host wrote), so clock skew between
// hosts cannot make a live leader look expired. Writes carry the read resourceVersion, so of
// several candidates acting on one observation exactly one succeeds.

import { microTime } from "../../api/time.js";
import type { Lease } from "../../api/types.js";

/** What a candidate last saw of the Lease: its spec, and when (own clock) it last changed. */
export interface LeaseObservation {
  /** The spec as JSON; any change, such as a renewal, restarts the expiry countdown. */
  specJson: string;
  /** holderIdentity; "" when nobody holds the Lease. */
  holder: string;
  /** When this spec was first seen (epoch ms). */
  at: number;
}

export interface LeaseDecisionInput {
  /** The Lease as just read; undefined when it does not exist. */
  lease: Lease | undefined;
  /** The previous observation; undefined before the first read. */
  previous: LeaseObservation | undefined;
  identity: string;
  namespace: string;
  name: string;
  now: number;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  /** When this candidate, leading, last renewed successfully; undefined when not leading. */
  lastRenewAt: number | undefined;
}

export type LeaseDecision =
  /** No Lease yet: create it, held by me. */
  | { action: "create"; lease: Lease; observation: LeaseObservation | undefined }
  /** Free or expired: take it over (update, leaseTransitions + 1). */
  | { action: "acquire"; lease: Lease; observation: LeaseObservation }
  /** Mine: write a fresh renewTime (update, same acquireTime and transitions). */
  | { action: "renew"; lease: Lease; observation: LeaseObservation }
  /** Held by someone else and not expired: try again later, at the latest at `expiresAt`. */
  | { action: "wait"; holder: string; expiresAt: number; observation: LeaseObservation | undefined }
  /** I was leading and no longer am: stop the controllers. */
  | { action: "lost"; reason: string; observation: LeaseObservation | undefined };

const durationSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** The observation after reading `lease` at `now`: kept if the spec is unchanged, else restarted. */
export function observe(previous: LeaseObservation | undefined, lease: Lease, now: number): LeaseObservation {
  const specJson = JSON.stringify(lease.spec ?? {});
  if (previous && previous.specJson === specJson) return previous;
  return { specJson, holder: lease.spec?.holderIdentity ?? "", at: now };
}

/** True when a leader that last renewed at `lastRenewAt` may no longer act as leader at `now`. */
export function renewDeadlinePassed(lastRenewAt: number, now: number, renewDeadlineMs: number): boolean {
  return now - lastRenewAt > renewDeadlineMs;
}

/** Decides the next step of a candidate; see LeaseDecision. */
export function decideLease(i: LeaseDecisionInput): LeaseDecision {
  const leading = i.lastRenewAt !== undefined;
  if (leading && renewDeadlinePassed(i.lastRenewAt ?? 0, i.now, i.renewDeadlineMs)) {
    return { action: "lost", reason: `could not renew within the renew deadline (${i.renewDeadlineMs} ms)`, observation: i.previous };
  }
  const now = microTime(i.now);
  const mine = (spec: NonNullable<Lease["spec"]>): NonNullable<Lease["spec"]> => ({
    holderIdentity: i.identity,
    leaseDurationSeconds: durationSeconds(i.leaseDurationMs),
    acquireTime: spec.acquireTime ?? now,
    renewTime: now,
    leaseTransitions: spec.leaseTransitions ?? 0,
  });
  if (!i.lease) {
    if (leading) return { action: "lost", reason: "the Lease was deleted", observation: undefined };
    const lease: Lease = {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { namespace: i.namespace, name: i.name },
      spec: mine({ acquireTime: now, leaseTransitions: 0 }),
    };
    return { action: "create", lease, observation: i.previous };
  }
  const observation = observe(i.previous, i.lease, i.now);
  const spec = i.lease.spec ?? {};
  const holder = spec.holderIdentity ?? "";
  const write = (s: NonNullable<Lease["spec"]>): Lease => ({ ...i.lease, metadata: { ...i.lease?.metadata }, spec: s }) as Lease;
  if (holder === i.identity) return { action: "renew", lease: write(mine(spec)), observation };
  if (leading) return { action: "lost", reason: holder ? `the Lease is held by ${holder}` : "the Lease was released", observation };
  const expiresAt = observation.at + i.leaseDurationMs;
  if (holder !== "" && i.now < expiresAt) return { action: "wait", holder, expiresAt, observation };
  const taken = { ...mine(spec), acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
  return { action: "acquire", lease: write(taken), observation };
}

/**
 * The Lease a leader writes on a graceful stop (client-go's ReleaseOnCancel): nobody holds it
 * and it lasts one second, so any candidate takes it on its next attempt.
 */
export function releasedLease(mine: Lease, now: number): Lease {
  const t = microTime(now);
  return {
    ...mine,
    metadata: { ...mine.metadata },
    spec: { holderIdentity: "", leaseDurationSeconds: 1, acquireTime: t, renewTime: t, leaseTransitions: mine.spec?.leaseTransitions ?? 0 },
  };
}
