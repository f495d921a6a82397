import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeClock } from "../../client/clock.js";
import type { NodeCredential } from "./certificate-rotation.js";
import { CertificateRotation } from "./certificate-rotation.js";
import { issueNodeCertificate } from "./node-certificate-fixtures.js";

const minute = 60_000;
const hour = 60 * minute;
const t0 = Date.UTC(2026, 0, 1);

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Moves the fake clock on by `ms` in steps, letting the loop's promises settle between them. */
async function tick(clock: FakeClock, ms: number, step = minute): Promise<void> {
  for (let left = ms; left > 0; left -= step) {
    clock.advance(Math.min(step, left));
    await flush();
  }
  await flush();
}

/** A rotation on a fake clock whose renewals are scripted: each call takes the next outcome. */
function harness(outcomes: ("ok" | "renew fails" | "persist fails")[]) {
  const clock = new FakeClock(t0);
  // A ten-hour certificate, valid from five minutes before t0: random 0 renews it 7 h after that.
  const initial = issueNodeCertificate("n1", { nowMs: t0, ttlMs: 10 * hour });
  const seen: { renewedWith: NodeCredential[]; persisted: NodeCredential[]; currentAtPersist: NodeCredential[]; lines: string[] } = { renewedWith: [], persisted: [], currentAtPersist: [], lines: [] };
  let i = 0;
  let next: "ok" | "renew fails" | "persist fails" = "ok";
  const rotation: CertificateRotation = new CertificateRotation({
    initial,
    clock,
    random: () => 0,
    log: (l) => seen.lines.push(l),
    async renew(current) {
      seen.renewedWith.push(current);
      next = outcomes[i++] ?? "ok";
      if (next === "renew fails") throw new Error("the server is away");
      return issueNodeCertificate("n1", { nowMs: clock.now(), ttlMs: 10 * hour });
    },
    persist(c) {
      if (next === "persist fails") throw new Error("disk full");
      seen.currentAtPersist.push(rotation.current());
      seen.persisted.push(c);
    },
  });
  return { clock, initial, rotation, seen };
}

test("CertificateRotation: renews at 70 % of the lifetime, with the current certificate, persisting first", async () => {
  const { clock, initial, rotation, seen } = harness(["ok"]);
  const stop = new AbortController();
  const running = rotation.run(stop.signal);
  await tick(clock, 7 * hour - 5 * minute - minute);
  assert.equal(seen.renewedWith.length, 0, "not before the deadline");
  assert.equal(rotation.current(), initial);
  await tick(clock, minute);
  assert.deepEqual(seen.renewedWith, [initial], "the request goes out with the certificate in use");
  assert.equal(seen.persisted.length, 1);
  assert.deepEqual(seen.currentAtPersist, [initial], "nothing uses the new certificate before it is written");
  assert.equal(rotation.current(), seen.persisted[0]);
  assert.notEqual(rotation.current().keyPem, initial.keyPem, "a new key");
  assert.equal(rotation.rotations, 1);
  assert.match(seen.lines[0] ?? "", /^svcnet agent: renewed the node's client certificate \(valid until 2026-01-01T16:50:00Z\); new connections use it$/);
  // The next deadline is the new certificate's: 7 h after its notBefore, not at once.
  await tick(clock, hour);
  assert.equal(seen.renewedWith.length, 1);
  stop.abort();
  await running;
});

test("CertificateRotation: a failed attempt is tried again after 2 s, then 4 s; the old certificate stays meanwhile", async () => {
  const { clock, initial, rotation, seen } = harness(["renew fails", "persist fails", "ok"]);
  const stop = new AbortController();
  const running = rotation.run(stop.signal);
  await tick(clock, 7 * hour - 5 * minute);
  assert.equal(seen.renewedWith.length, 1);
  assert.equal(rotation.current(), initial);
  assert.deepEqual(seen.lines, ["svcnet agent: renewing the node's client certificate failed: the server is away; trying again in 2 s"]);
  await tick(clock, 1_999, 1_000);
  assert.equal(seen.renewedWith.length, 1);
  await tick(clock, 1, 1);
  assert.equal(seen.renewedWith.length, 2);
  assert.equal(rotation.current(), initial, "a certificate that could not be written is not used");
  assert.equal(seen.lines[1], "svcnet agent: renewing the node's client certificate failed: disk full; trying again in 4 s");
  await tick(clock, 4_000, 1_000);
  assert.equal(seen.renewedWith.length, 3);
  assert.deepEqual(seen.renewedWith, [initial, initial, initial]);
  assert.equal(rotation.current(), seen.persisted[0]);
  assert.equal(rotation.rotations, 1);
  stop.abort();
  await running;
});

test("CertificateRotation: a certificate already past its deadline is renewed at once; stopping ends the loop", async () => {
  const clock = new FakeClock(t0 + 9 * hour);
  const initial = issueNodeCertificate("n1", { nowMs: t0, ttlMs: 10 * hour });
  let renewals = 0;
  const rotation = new CertificateRotation({
    initial,
    clock,
    random: () => 0.5,
    renew: async () => {
      renewals++;
      return issueNodeCertificate("n1", { nowMs: clock.now(), ttlMs: 10 * hour });
    },
    persist: () => {},
  });
  const stop = new AbortController();
  const running = rotation.run(stop.signal);
  await flush();
  await flush();
  assert.equal(renewals, 1);
  stop.abort();
  await running;
  assert.equal(clock.pendingTimers, 0, "no timer left behind");
});
