// Table tests of `svcnet server`'s --leader-elect* flags: defaults, off, bad values with the fix.

import { test } from "node:test";
import assert from "node:assert/strict";
import { parseLeaderElectionFlags } from "./server-command.js";

const defaults = { elect: "true", lease: "15s", renew: "10s", retry: "2s" };

const cases: { name: string; flags: Partial<typeof defaults>; want: ReturnType<typeof parseLeaderElectionFlags> }[] = [
  { name: "defaults as kube-controller-manager", flags: {}, want: { ok: true, value: { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 } } },
  { name: "--leader-elect=false runs controllers without a Lease", flags: { elect: "false" }, want: { ok: true, value: undefined } },
  { name: "short durations for tests", flags: { lease: "4s", renew: "3s", retry: "500ms" }, want: { ok: true, value: { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 } } },
  { name: "not a bool", flags: { elect: "yes" }, want: { ok: false, error: '--leader-elect must be true or false, got "yes"' } },
  { name: "not a duration", flags: { retry: "2" }, want: { ok: false, error: '--leader-elect-retry-period must be a positive duration like "15s" or "500ms", got "2"' } },
  {
    name: "renew deadline not shorter than the lease",
    flags: { lease: "10s" },
    want: { ok: false, error: "--leader-elect-*: the lease duration must be greater than the renew deadline (lease 10s, renew deadline 10s, retry period 2s)" },
  },
  {
    name: "retry period too close to the renew deadline",
    flags: { retry: "9s" },
    want: { ok: false, error: "--leader-elect-*: the renew deadline must be greater than 1.2 × the retry period (lease 15s, renew deadline 10s, retry period 9s)" },
  },
];

for (const c of cases) {
  test(`parseLeaderElectionFlags: ${c.name}`, () => {
    assert.deepEqual(parseLeaderElectionFlags({ ...defaults, ...c.flags }), c.want);
  });
}
