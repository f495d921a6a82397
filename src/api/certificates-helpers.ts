// Reading a CertificateSigningRequest as Kubernetes' certificates/v1 helpers do, for the API
// server, the certificate controllers and the joining node alike: its []byte fields (spec.request,
// status.certificate: base64 in JSON) as the PEM text they carry, and its conditions.

import type { CertificateSigningRequest, CertificateSigningRequestCondition, CertificateSigningRequestConditionType } from "./certificates-types.js";

/** A []byte field's JSON value (base64) as bytes; what does not decode is empty, as a Go decoder would have refused it earlier. */
export function bytesField(value: unknown): Buffer {
  return typeof value === "string" ? Buffer.from(value, "base64") : Buffer.alloc(0);
}

/** The PEM text of a []byte field (base64 in JSON), such as spec.request or status.certificate. */
export function pemOfBytes(field: string): string {
  return bytesField(field).toString("utf8");
}

/** The []byte encoding (base64) of PEM text, as spec.request and status.certificate carry it. */
export function bytesOfPem(pem: string): string {
  return Buffer.from(pem, "utf8").toString("base64");
}

/** The first condition of `type` with status True, if there is one. */
export function trueCondition(csr: CertificateSigningRequest, type: CertificateSigningRequestConditionType): CertificateSigningRequestCondition | undefined {
  return (csr.status?.conditions ?? []).find((c) => c.type === type && c.status === "True");
}

/** Whether the CSR has a condition of `type` with status True. */
export function hasTrueCondition(csr: CertificateSigningRequest, type: CertificateSigningRequestConditionType): boolean {
  return trueCondition(csr, type) !== undefined;
}

/** Approved and not Denied, as Kubernetes' IsCertificateRequestApproved. */
export function isApproved(csr: CertificateSigningRequest): boolean {
  return hasTrueCondition(csr, "Approved") && !hasTrueCondition(csr, "Denied");
}

/** Whether anyone has decided (an Approved or Denied condition, whatever its status). */
export function isDecided(csr: CertificateSigningRequest): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === "Approved" || c.type === "Denied");
}
