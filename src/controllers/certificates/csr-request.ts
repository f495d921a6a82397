// What the certificate controllers read from a CertificateSigningRequest: the PKCS#10 request
// inside spec.request (its subject, subject alternative names and public key), the conditions
// people and approvers set, and the checks Kubernetes makes of node client requests
// (pkg/apis/certificates/v1 helpers). Pure: no I/O, no clock.
//
// Requests are read with the API's own parser (certificate-pem.ts), which knows RSA, ECDSA and
// Ed25519 keys. As Kubernetes' controllers do, they do not check the self-signature again: API
// validation did when the request was created, and spec is immutable after that.

import type { CertificateSigningRequest, CertificateSigningRequestConditionType } from "../../api/certificates-types.js";
import type { ParsedCertificateRequest } from "../../api/validation/certificate-pem.js";
import { CertificateRequestError, parseCertificateRequest } from "../../api/validation/certificate-pem.js";

/** The parts of a PKCS#10 request the approver and signer look at. */
export type ParsedCsr = ParsedCertificateRequest;

/** The PEM text of a []byte field (base64 in JSON), such as spec.request or status.certificate. */
export function pemOfBytes(field: string): string {
  return Buffer.from(field, "base64").toString("utf8");
}

/** The []byte encoding (base64) of PEM text, as spec.request and status.certificate carry it. */
export function bytesOfPem(pem: string): string {
  return Buffer.from(pem, "utf8").toString("base64");
}

/** Parses spec.request (base64 of a PEM "CERTIFICATE REQUEST") as Kubernetes' ParseCSR, with its error texts. */
export function parseCsr(request: string): { ok: true; csr: ParsedCsr } | { ok: false; error: string } {
  try {
    return { ok: true, csr: parseCertificateRequest(Buffer.from(request, "base64")) };
  } catch (e) {
    if (e instanceof CertificateRequestError) return { ok: false, error: e.message };
    throw e;
  }
}

/** Whether the CSR has a condition of `type` with status True. */
export function hasTrueCondition(csr: CertificateSigningRequest, type: CertificateSigningRequestConditionType): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === type && c.status === "True");
}

/** Approved and not Denied, as Kubernetes' IsCertificateRequestApproved. */
export function isApproved(csr: CertificateSigningRequest): boolean {
  return hasTrueCondition(csr, "Approved") && !hasTrueCondition(csr, "Denied");
}

/** Whether anyone has decided (an Approved or Denied condition, whatever its status). */
export function isDecided(csr: CertificateSigningRequest): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === "Approved" || c.type === "Denied");
}

const kubeletClientUsages = ["client auth", "digital signature", "key encipherment"];
const kubeletClientUsagesNoRSA = ["client auth", "digital signature"];

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const s = new Set(a);
  return s.size === b.length && b.every((x) => s.has(x));
}

/**
 * Why a request is not a node client certificate request (Kubernetes' ValidateKubeletClientCSR):
 * O exactly [system:nodes], no SANs, CN system:node:<name>, usages {digital signature, client auth}
 * with or without key encipherment. Undefined when it is one.
 */
export function kubeletClientCsrError(csr: ParsedCsr, usages: readonly string[]): string | undefined {
  if (csr.organizations.length !== 1 || csr.organizations[0] !== "system:nodes") return "subject organization is not system:nodes";
  if (csr.dnsNames.length > 0) return "DNS subjectAltNames are not allowed";
  if (csr.emailAddresses.length > 0) return "Email subjectAltNames are not allowed";
  if (csr.ipAddresses.length > 0) return "IP subjectAltNames are not allowed";
  if (csr.uris.length > 0) return "URI subjectAltNames are not allowed";
  if (!csr.commonName.startsWith("system:node:")) return "subject common name does not begin with system:node:";
  if (!sameSet(usages, kubeletClientUsages) && !sameSet(usages, kubeletClientUsagesNoRSA)) return `usages did not match [${kubeletClientUsages.join(" ")}]`;
  return undefined;
}

/** Why usages do not fit a kube-apiserver client certificate (client auth, optionally digital signature and key encipherment). */
export function apiServerClientUsagesError(usages: readonly string[]): string | undefined {
  for (const u of usages) {
    if (u !== "digital signature" && u !== "key encipherment" && u !== "client auth") return `invalid usage for client certificate: ${u}`;
  }
  if (!usages.includes("client auth")) return "missing required usage for client certificate: client auth";
  return undefined;
}
