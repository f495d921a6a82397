// Table tests of speaker liveness from Leases: alive strictly before renewTime + duration, other
// Leases ignored, and the next expiry the speaker loop must wake up for.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { microTime } from "../../api/time.js";
import type { Lease } from "../../api/types.js";
import { speakerLeaseName, speakerLiveness } from "./speaker-liveness.js";

const t0 = Date.UTC(2026, 0, 1, 12);

function lease(node: string, renewedAt: number, edit: (l: Lease) => void = () => undefined): Lease {
  const l: Lease = {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name: speakerLeaseName(node), namespace: "kube-system" },
    spec: { holderIdentity: node, leaseDurationSeconds: 2, renewTime: microTime(renewedAt) },
  };
  edit(l);
  return l;
}

describe("speakerLiveness", () => {
  const cases: { name: string; leases: Lease[]; now: number; alive: string[]; nextExpiry: number | undefined }[] = [
    { name: "no leases: nobody", leases: [], now: t0, alive: [], nextExpiry: undefined },
    { name: "renewed just now: alive", leases: [lease("a", t0)], now: t0, alive: ["a"], nextExpiry: t0 + 2000 },
    { name: "one millisecond before expiry: alive", leases: [lease("a", t0)], now: t0 + 1999, alive: ["a"], nextExpiry: t0 + 2000 },
    { name: "at expiry: dead", leases: [lease("a", t0)], now: t0 + 2000, alive: [], nextExpiry: undefined },
    {
      name: "the next expiry is the earliest among the live",
      leases: [lease("a", t0 - 500), lease("b", t0 - 1500), lease("c", t0 - 2500)],
      now: t0,
      alive: ["a", "b"],
      nextExpiry: t0 + 500,
    },
    { name: "microsecond renew times count", leases: [lease("a", t0, (l) => void (l.spec = { ...l.spec, renewTime: "2026-01-01T12:00:00.123456Z" }))], now: t0 + 2122, alive: ["a"], nextExpiry: t0 + 2123 },
    { name: "a lease in another namespace is not a speaker's", leases: [lease("a", t0, (l) => void (l.metadata.namespace = "kube-node-lease"))], now: t0, alive: [], nextExpiry: undefined },
    { name: "a holder that does not match the name is ignored", leases: [lease("a", t0, (l) => void (l.metadata.name = speakerLeaseName("b")))], now: t0, alive: [], nextExpiry: undefined },
    { name: "no renewTime: not alive", leases: [lease("a", t0, (l) => void delete l.spec?.renewTime)], now: t0, alive: [], nextExpiry: undefined },
    { name: "no duration: not alive", leases: [lease("a", t0, (l) => void delete l.spec?.leaseDurationSeconds)], now: t0, alive: [], nextExpiry: undefined },
    { name: "a longer duration keeps it longer", leases: [lease("a", t0, (l) => void (l.spec = { ...l.spec, leaseDurationSeconds: 10 }))], now: t0 + 9000, alive: ["a"], nextExpiry: t0 + 10_000 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = speakerLiveness(c.leases.map((l) => Object.freeze(l)), c.now);
      assert.deepEqual([...got.alive].sort(), c.alive);
      assert.equal(got.nextExpiry, c.nextExpiry);
    });
  }
});
