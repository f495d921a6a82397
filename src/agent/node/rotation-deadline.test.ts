import assert from "node:assert/strict";
import { test } from "node:test";
import { retryDelayMs, rotationDeadline, validityOf } from "./rotation-deadline.js";
import { issueNodeCertificate } from "./node-certificate-fixtures.js";

const hour = 3600_000;
const year = 365 * 24 * hour;
const t0 = Date.UTC(2026, 0, 1);

test("rotationDeadline: between 70 % and 90 % of the lifetime", async (t) => {
  const cases: { name: string; notBeforeMs: number; notAfterMs: number; random: number; want: number }[] = [
    { name: "the earliest point", notBeforeMs: t0, notAfterMs: t0 + 100 * hour, random: 0, want: t0 + 70 * hour },
    { name: "halfway through the window", notBeforeMs: t0, notAfterMs: t0 + 100 * hour, random: 0.5, want: t0 + 80 * hour },
    { name: "the latest point (to the millisecond)", notBeforeMs: t0, notAfterMs: t0 + 100 * hour, random: 0.9999999999, want: t0 + 90 * hour },
    { name: "a year's certificate", notBeforeMs: t0, notAfterMs: t0 + year, random: 0, want: t0 + 0.7 * year },
    // csrsigning backdates notBefore by five minutes: that counts as lifetime, as in kubelet.
    { name: "a backdated ten-minute certificate", notBeforeMs: t0 - 5 * 60_000, notAfterMs: t0 + 10 * 60_000, random: 0, want: t0 - 5 * 60_000 + 0.7 * 15 * 60_000 },
    { name: "not after before not before: at once", notBeforeMs: t0, notAfterMs: t0 - 1, random: 0.5, want: t0 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(rotationDeadline({ notBeforeMs: c.notBeforeMs, notAfterMs: c.notAfterMs }, c.random), c.want));
  }
});

test("retryDelayMs: 2 s doubling to at most 5 minutes, with up to 10 % jitter", async (t) => {
  const cases: { name: string; failures: number; random: number; want: number }[] = [
    { name: "first failure", failures: 1, random: 0, want: 2_000 },
    { name: "second", failures: 2, random: 0, want: 4_000 },
    { name: "fifth", failures: 5, random: 0, want: 32_000 },
    { name: "capped", failures: 9, random: 0, want: 300_000 },
    { name: "far on, still capped", failures: 1_000, random: 0, want: 300_000 },
    { name: "jitter adds up to a tenth", failures: 1, random: 0.5, want: 2_100 },
    { name: "zero failures counts as the first", failures: 0, random: 0, want: 2_000 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(retryDelayMs(c.failures, c.random), c.want));
  }
});

test("validityOf reads a certificate's dates (to the second)", () => {
  const { certPem } = issueNodeCertificate("n1", { nowMs: t0, ttlMs: 10 * hour });
  assert.deepEqual(validityOf(certPem), { notBeforeMs: t0 - 5 * 60_000, notAfterMs: t0 + 10 * hour - 5 * 60_000 });
  assert.throws(() => validityOf("not a certificate"));
});
