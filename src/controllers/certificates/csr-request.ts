// What the certificate controllers read from a CertificateSigningRequest: the PKCS#10 request
// inside spec.request (its subject, subject alternative names and public key), and the checks
// Kubernetes makes of node client requests (pkg/apis/certificates/v1 helpers; its fields and
// conditions are read with src/api/certificates-helpers.ts). Pure: no I/O, no clock.
//
// Requests are read with the API's own parser (certificate-pem.ts), which knows RSA, ECDSA and
// Ed25519 keys. As Kubernetes' controllers do, they do not check the self-signature again: API
// validation did when the request was created, and spec is immutable after that.

import { bytesField } from "../../api/certificates-helpers.js";
import type { ParsedCertificateRequest } from "../../api/validation/certificate-pem.js";
import { CertificateRequestError, parseCertificateRequest } from "../../api/validation/certificate-pem.js";

/** The parts of a PKCS#10 request the approver and signer look at. */
export type ParsedCsr = ParsedCertificateRequest;

/** Parses spec.request (base64 of a PEM "CERTIFICATE REQUEST") as Kubernetes' ParseCSR, with its error texts. */
export function parseCsr(request: string): { ok: true; csr: ParsedCsr } | { ok: false; error: string } {
  try {
    return { ok: true, csr: parseCertificateRequest(bytesField(request)) };
  } catch (e) {
    if (e instanceof CertificateRequestError) return { ok: false, error: e.message };
    throw e;
  }
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
