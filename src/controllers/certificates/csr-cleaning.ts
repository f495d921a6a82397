// When kube-controller-manager's `csrcleaner` deletes a CertificateSigningRequest, without I/O:
// requests pile up (every node asks again before its certificate runs out), so an issued one
// goes an hour after its approval or once its certificate has expired, a denied or failed one an
// hour after that decision, and one nobody decided a day after it was made. A time in the future
// (a client's clock ahead) is taken as written, as Kubernetes does: such a request stays until an
// hour after it, which may be weeks away; the cleaner's queue can wait that long.

import { X509Certificate } from "node:crypto";
import { pemOfBytes } from "../../api/certificates-helpers.js";
import type { CertificateSigningRequest } from "../../api/certificates-types.js";

const hourMs = 3600_000;
const approvedExpirationMs = hourMs;
const deniedExpirationMs = hourMs;
const failedExpirationMs = hourMs;
const pendingExpirationMs = 24 * hourMs;

/** When `csr` is due for deletion and why; undefined when it never is (e.g. approved, not yet issued). */
export function cleanupDue(csr: CertificateSigningRequest): { atMs: number; why: string } | undefined {
  const conditions = csr.status?.conditions ?? [];
  const certificate = csr.status?.certificate;
  const due: { atMs: number; why: string }[] = [];
  const at = (t: string | null | undefined): number | undefined => (t ? Date.parse(t) : undefined);
  for (const c of conditions) {
    const updated = at(c.lastUpdateTime);
    if (c.type === "Approved" && certificate && updated !== undefined) due.push({ atMs: updated + approvedExpirationMs, why: "more than 1h0m0s old and approved" });
    if (c.type === "Denied" && updated !== undefined) due.push({ atMs: updated + deniedExpirationMs, why: "more than 1h0m0s old and denied" });
    if (c.type === "Failed" && updated !== undefined) due.push({ atMs: updated + failedExpirationMs, why: "more than 1h0m0s old and failed" });
  }
  if (conditions.some((c) => c.type === "Approved") && certificate) {
    const notAfter = certificateNotAfter(certificate);
    if (notAfter !== undefined) due.push({ atMs: notAfter, why: "the associated certificate is expired" });
  }
  const created = at(csr.metadata.creationTimestamp);
  if (conditions.length === 0 && created !== undefined) due.push({ atMs: created + pendingExpirationMs, why: "more than 24h0m0s old and unhandled" });
  const valid = due.filter((d) => Number.isFinite(d.atMs));
  return valid.length === 0 ? undefined : valid.reduce((a, b) => (b.atMs < a.atMs ? b : a));
}

function certificateNotAfter(field: string): number | undefined {
  try {
    return Date.parse(new X509Certificate(pemOfBytes(field)).validTo);
  } catch {
    return undefined;
  }
}
