// Table tests of `svcnet server`'s --audit-log-* flags: defaults, off, standard output, bad values.

import { test } from "node:test";
import assert from "node:assert/strict";
import type { AuditLogFlags } from "./audit-log-flags.js";
import { auditLogFlagDefaults, parseAuditLogFlags } from "./audit-log-flags.js";

const defaults: AuditLogFlags = { path: undefined, ...auditLogFlagDefaults };

const cases: { name: string; flags: Partial<AuditLogFlags>; want: ReturnType<typeof parseAuditLogFlags> }[] = [
  { name: "defaults: the data dir's audit.log, 100 MB, 10 files, no age limit", flags: {}, want: { ok: true, value: { maxSizeMB: 100, maxBackups: 10, maxAgeDays: 0 } } },
  { name: "a path of one's own", flags: { path: "/var/log/svcnet/audit.log" }, want: { ok: true, value: { path: "/var/log/svcnet/audit.log", maxSizeMB: 100, maxBackups: 10, maxAgeDays: 0 } } },
  { name: "standard output", flags: { path: "-" }, want: { ok: true, value: { path: "-", maxSizeMB: 100, maxBackups: 10, maxAgeDays: 0 } } },
  { name: "off", flags: { path: "" }, want: { ok: true, value: { path: "", maxSizeMB: 100, maxBackups: 10, maxAgeDays: 0 } } },
  { name: "limits", flags: { maxsize: "1", maxbackup: "0", maxage: "30" }, want: { ok: true, value: { maxSizeMB: 1, maxBackups: 0, maxAgeDays: 30 } } },
  { name: "negative size, in kube-apiserver's words", flags: { maxsize: "-1" }, want: { ok: false, error: "--audit-log-maxsize -1 can't be a negative number" } },
  { name: "negative age", flags: { maxage: "-7" }, want: { ok: false, error: "--audit-log-maxage -7 can't be a negative number" } },
  { name: "a fraction", flags: { maxsize: "1.5" }, want: { ok: false, error: '--audit-log-maxsize must be a whole number of megabytes, got "1.5"' } },
  { name: "a unit", flags: { maxage: "7d" }, want: { ok: false, error: '--audit-log-maxage must be a whole number of days, got "7d"' } },
  { name: "empty", flags: { maxbackup: "" }, want: { ok: false, error: '--audit-log-maxbackup must be a whole number of files, got ""' } },
];

for (const c of cases) {
  test(`parseAuditLogFlags: ${c.name}`, () => {
    assert.deepEqual(parseAuditLogFlags({ ...defaults, ...c.flags }), c.want);
  });
}
