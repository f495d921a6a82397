// The audit ID of a request: the one the client (or a front proxy) sent in Audit-ID, when it is
// well formed, else a new UUID. kube-apiserver echoes it in the Audit-Id response header so a
// client can find its request in the log. It accepts what the client sends; the shape checked
// here is the one its validating variant requires (letters, digits and inner hyphens, at most
// 256 characters). A malformed one is replaced rather than refused, so that a header nobody
// needs never turns into a failure.

import { randomUUID } from "node:crypto";

/** The response header (lower case, as our headers are kept; HTTP names are case-insensitive). */
export const auditIdHeader = "audit-id";

const maxAuditIdLength = 256;
const auditIdPattern = /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/;

/** The request's audit ID: its own Audit-ID header if well formed, else `newId()`. */
export function auditIdOf(headers: Record<string, string | undefined>, newId: () => string = randomUUID): string {
  const given = headers[auditIdHeader];
  if (given !== undefined && given.length <= maxAuditIdLength && auditIdPattern.test(given)) return given;
  return newId();
}
