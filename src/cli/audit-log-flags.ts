// `svcnet server`'s --audit-log-* flags, named and read as kube-apiserver's: a path ("-" for
// standard output, "" for none; by default audit.log in the data dir), and the rotation limits
// in whole megabytes, files and days, with svcnet's defaults (open-audit-log.ts).

import type { AuditLogSettings } from "../apiserver/audit/open-audit-log.js";
import { defaultAuditLogLimits } from "../apiserver/audit/open-audit-log.js";

/** The flags' defaults, as parseArgs takes them (the path's depends on --data-dir). */
export const auditLogFlagDefaults = {
  maxsize: String(defaultAuditLogLimits.maxSizeMB),
  maxbackup: String(defaultAuditLogLimits.maxBackups),
  maxage: String(defaultAuditLogLimits.maxAgeDays),
} as const;

export interface AuditLogFlags {
  /** --audit-log-path; undefined: not given. */
  path: string | undefined;
  maxsize: string;
  maxbackup: string;
  maxage: string;
}

function wholeNumber(flag: string, text: string, unit: string): { ok: true; value: number } | { ok: false; error: string } {
  if (/^-\d+$/.test(text)) return { ok: false, error: `${flag} ${text} can't be a negative number` };
  if (!/^\d+$/.test(text)) return { ok: false, error: `${flag} must be a whole number of ${unit}, got ${JSON.stringify(text)}` };
  return { ok: true, value: Number(text) };
}

/** --audit-log-* values → settings, or a one-line error with the fix. */
export function parseAuditLogFlags(f: AuditLogFlags): { ok: true; value: AuditLogSettings } | { ok: false; error: string } {
  const size = wholeNumber("--audit-log-maxsize", f.maxsize, "megabytes");
  if (!size.ok) return size;
  const backups = wholeNumber("--audit-log-maxbackup", f.maxbackup, "files");
  if (!backups.ok) return backups;
  const age = wholeNumber("--audit-log-maxage", f.maxage, "days");
  if (!age.ok) return age;
  return {
    ok: true,
    value: { ...(f.path !== undefined ? { path: f.path } : {}), maxSizeMB: size.value, maxBackups: backups.value, maxAgeDays: age.value },
  };
}
