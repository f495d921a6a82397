// Table tests of the leader election decision: free, expired, held, mine, renew deadline,
// conflict then retry, release.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { microTime } from "../../api/time.js";
import type { Lease } from "../../api/types.js";
import type { LeaseDecision, LeaseDecisionInput, LeaseObservation } from "./lease-decision.js";
import { decideLease, observe, releasedLease } from "./lease-decision.js";

const t0 = Date.UTC(2026, 0, 1);
const me = "host-a_1111";
const other = "host-b_2222";

function makeLease(spec: Lease["spec"], rv = "7"): Lease {
  return Object.freeze({
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: Object.freeze({ namespace: "kube-system", name: "kube-controller-manager", resourceVersion: rv, uid: "u-1" }),
    spec: Object.freeze({ ...spec }),
  }) as Lease;
}

const heldBy = (holder: string, o: { transitions?: number; renewedAt?: number } = {}): Lease =>
  makeLease({
    holderIdentity: holder,
    leaseDurationSeconds: 15,
    acquireTime: microTime(t0 - 60_000),
    renewTime: microTime(o.renewedAt ?? t0),
    leaseTransitions: o.transitions ?? 3,
  });

function input(over: Partial<LeaseDecisionInput>): LeaseDecisionInput {
  return {
    lease: undefined,
    previous: undefined,
    identity: me,
    namespace: "kube-system",
    name: "kube-controller-manager",
    now: t0,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    lastRenewAt: undefined,
    ...over,
  };
}

/** What a case checks: the action, and for writes the holder, transitions and resourceVersion. */
interface Want {
  action: LeaseDecision["action"];
  holder?: string;
  transitions?: number;
  resourceVersion?: string;
  acquireTime?: string;
  expiresAt?: number;
  observedAt?: number;
}

function summary(d: LeaseDecision, want: Want): Want {
  const got: Want = { action: d.action };
  if ("lease" in d) {
    if ("holder" in want) got.holder = d.lease.spec?.holderIdentity;
    if ("transitions" in want) got.transitions = d.lease.spec?.leaseTransitions;
    if ("resourceVersion" in want) got.resourceVersion = d.lease.metadata.resourceVersion;
    if ("acquireTime" in want) got.acquireTime = d.lease.spec?.acquireTime;
  }
  if ("expiresAt" in want && d.action === "wait") got.expiresAt = d.expiresAt;
  if ("observedAt" in want) got.observedAt = d.observation?.at;
  return got;
}

const seenAt = (lease: Lease, at: number): LeaseObservation => observe(undefined, lease, at);

describe("decideLease", () => {
  const cases: { name: string; in: Partial<LeaseDecisionInput>; want: Want }[] = [
    {
      name: "no Lease: create it, held by me, no transitions yet",
      in: {},
      want: { action: "create", holder: me, transitions: 0, acquireTime: microTime(t0) },
    },
    {
      name: "released Lease (holder empty): acquire at once, transitions + 1, read resourceVersion kept",
      in: { lease: makeLease({ holderIdentity: "", leaseDurationSeconds: 1, leaseTransitions: 4 }) },
      want: { action: "acquire", holder: me, transitions: 5, resourceVersion: "7", acquireTime: microTime(t0) },
    },
    {
      name: "held by another, first seen now: wait a whole lease duration from now",
      in: { lease: heldBy(other) },
      want: { action: "wait", expiresAt: t0 + 15_000, observedAt: t0 },
    },
    {
      name: "held by another, unchanged since seen 14.9 s ago: still wait",
      in: { lease: heldBy(other), previous: seenAt(heldBy(other), t0 - 14_900) },
      want: { action: "wait", expiresAt: t0 + 100, observedAt: t0 - 14_900 },
    },
    {
      name: "held by another, unchanged for the lease duration: expired, take it over",
      in: { lease: heldBy(other), previous: seenAt(heldBy(other), t0 - 15_000) },
      want: { action: "acquire", holder: me, transitions: 4, resourceVersion: "7" },
    },
    {
      name: "held by another and renewed since last seen: the countdown restarts",
      in: { lease: heldBy(other, { renewedAt: t0 }), previous: seenAt(heldBy(other, { renewedAt: t0 - 20_000 }), t0 - 20_000) },
      want: { action: "wait", expiresAt: t0 + 15_000, observedAt: t0 },
    },
    {
      name: "a renewTime far in the past does not matter (other host's clock): observation counts",
      in: { lease: heldBy(other, { renewedAt: t0 - 3_600_000 }) },
      want: { action: "wait", expiresAt: t0 + 15_000 },
    },
    {
      name: "mine and leading: renew, acquireTime and transitions kept",
      in: { lease: heldBy(me), lastRenewAt: t0 - 2_000 },
      want: { action: "renew", holder: me, transitions: 3, acquireTime: microTime(t0 - 60_000), resourceVersion: "7" },
    },
    {
      name: "mine but not leading (lost it, nobody took it): take it back without a transition",
      in: { lease: heldBy(me) },
      want: { action: "renew", holder: me, transitions: 3 },
    },
    {
      name: "leading, last renewal more than the renew deadline ago: lost",
      in: { lease: heldBy(me), lastRenewAt: t0 - 10_001 },
      want: { action: "lost" },
    },
    {
      name: "leading, last renewal exactly the renew deadline ago: still renew",
      in: { lease: heldBy(me), lastRenewAt: t0 - 10_000 },
      want: { action: "renew", holder: me },
    },
    {
      name: "leading, but another holds it now: lost at once",
      in: { lease: heldBy(other), lastRenewAt: t0 - 2_000 },
      want: { action: "lost" },
    },
    {
      name: "leading, but the Lease was deleted: lost",
      in: { lastRenewAt: t0 - 2_000 },
      want: { action: "lost" },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = decideLease(input(c.in));
      assert.deepEqual(summary(d, c.want), c.want);
    });
  }

  test("a conflict on update: the next round reads the winner and waits; after the deadline a leader has lost", () => {
    // Two candidates saw the same expired Lease; both decide to acquire from resourceVersion 7.
    const expired = heldBy("gone_0");
    const prev = seenAt(expired, t0 - 15_000);
    const mineTry = decideLease(input({ lease: expired, previous: prev }));
    const theirs = decideLease(input({ lease: expired, previous: prev, identity: other }));
    assert.equal(mineTry.action, "acquire");
    assert.equal(theirs.action, "acquire");
    assert.equal(mineTry.action === "acquire" && mineTry.lease.metadata.resourceVersion, "7", "the write is conditional on what was read");
    // Theirs won (the store moved to 8); my update got 409. Retrying a retry period later:
    const won = makeLease({ ...(theirs.action === "acquire" ? theirs.lease.spec : {}) }, "8");
    const retry = decideLease(input({ lease: won, previous: mineTry.observation, now: t0 + 2_000 }));
    assert.deepEqual(summary(retry, { action: "wait", expiresAt: 0 }), { action: "wait", expiresAt: t0 + 17_000 });
    // A leader whose renewals keep conflicting or failing gives up after the renew deadline.
    const renewing = decideLease(input({ lease: heldBy(me), lastRenewAt: t0, now: t0 + 9_000 }));
    assert.equal(renewing.action, "renew");
    assert.equal(decideLease(input({ lease: heldBy(me), lastRenewAt: t0, now: t0 + 10_500 })).action, "lost");
  });

  test("inputs are not mutated", () => {
    const lease = heldBy(me);
    decideLease(input({ lease, lastRenewAt: t0 }));
    decideLease(input({ lease: heldBy(other), previous: seenAt(heldBy(other), t0 - 20_000) }));
  });
});

describe("releasedLease", () => {
  test("empties the holder, lasts 1 s, keeps transitions and resourceVersion; then anyone acquires at once", () => {
    const mine = heldBy(me, { transitions: 2 });
    const r = releasedLease(mine, t0);
    assert.deepEqual(r.spec, { holderIdentity: "", leaseDurationSeconds: 1, acquireTime: microTime(t0), renewTime: microTime(t0), leaseTransitions: 2 });
    assert.equal(r.metadata.resourceVersion, "7");
    const next = decideLease(input({ lease: r, identity: other, previous: seenAt(heldBy(me), t0 - 1) }));
    assert.deepEqual(summary(next, { action: "acquire", holder: other, transitions: 3 }), { action: "acquire", holder: other, transitions: 3 });
  });
});

describe("observe", () => {
  test("keeps the first sighting while the spec is unchanged, restarts on any change", () => {
    const a = observe(undefined, heldBy(other), t0);
    assert.equal(observe(a, heldBy(other), t0 + 5_000), a);
    const b = observe(a, heldBy(other, { renewedAt: t0 + 2_000 }), t0 + 5_000);
    assert.deepEqual({ at: b.at, holder: b.holder }, { at: t0 + 5_000, holder: other });
  });
});
