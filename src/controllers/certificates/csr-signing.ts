// What kube-controller-manager's csrsigning controller decides and makes, without I/O: which
// CertificateSigningRequests it signs, which it marks Failed, and the certificate itself — the
// CSR's subject, SANs and public key (RSA, ECDSA or Ed25519: certificate-builder.ts writes the
// certificate for any of them), the key usages spec.usages asks for, no CA rights, valid from
// five minutes ago (clocks differ) for the shorter of the cluster signing duration and
// spec.expirationSeconds, and never past the CA's own end.

import { randomBytes } from "node:crypto";
import { hasTrueCondition, isApproved } from "../../api/certificates-helpers.js";
import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { KUBE_APISERVER_CLIENT_KUBELET_SIGNER, KUBE_APISERVER_CLIENT_SIGNER } from "../../api/certificates-types.js";
import type { CertificateAuthority, KeyUsageBit } from "./certificate-builder.js";
import { buildCertificate, readCertificateAuthority } from "./certificate-builder.js";
import type { ParsedCsr } from "./csr-request.js";
import { apiServerClientUsagesError, kubeletClientCsrError, parseCsr } from "./csr-request.js";

/** The signers csrsigning serves. */
const signedSigners: readonly string[] = [KUBE_APISERVER_CLIENT_KUBELET_SIGNER, KUBE_APISERVER_CLIENT_SIGNER];

/** kube-controller-manager's --cluster-signing-duration default: one year. */
export const defaultClusterSigningDurationMs = 365 * 24 * 3600_000;

const backdateMs = 5 * 60_000;
/** Certificates shorter than this keep their full lifetime after now (5 minutes is about 1% of 8 hours). */
const shortLivedMs = 8 * 3600_000;
/** The least a request may ask for: twice the backdate. */
const minDurationMs = 2 * backdateMs;

/** The lifetime a request gets: the cluster's, or less if spec.expirationSeconds asks (at least 10 minutes). */
export function signingDurationMs(clusterMs: number, expirationSeconds: number | undefined): number {
  if (expirationSeconds === undefined) return clusterMs;
  const asked = expirationSeconds * 1000;
  if (asked > clusterMs) return clusterMs;
  return Math.max(asked, minDurationMs);
}

/**
 * notBefore five minutes before `nowMs`; notAfter `ttlMs` after notBefore, or after now for
 * short-lived certificates; cut to the CA's notAfter. An error once the CA itself has expired.
 */
export function certificateValidity(nowMs: number, ttlMs: number, caNotAfterMs: number): { notBefore: Date; notAfter: Date } | { error: string } {
  const notBefore = nowMs - backdateMs;
  let notAfter = ttlMs < shortLivedMs ? nowMs + ttlMs : nowMs + ttlMs - backdateMs;
  if (notAfter >= caNotAfterMs) notAfter = caNotAfterMs;
  if (nowMs >= caNotAfterMs) return { error: `refusing to sign a certificate that expired in the past: NotAfter=${new Date(caNotAfterMs).toISOString()}` };
  return { notBefore: new Date(notBefore), notAfter: new Date(notAfter) };
}

/** The reason of the Failed condition for a request the signer's rules refuse. */
export const signerValidationFailureReason = "SignerValidationFailure";

/**
 * The reason of the Failed condition for a request whose key no certificate can be made for.
 * Kubernetes' signer retries such a request for ever ("x509: unsupported public key type"); a
 * condition tells the requester instead.
 */
export const unsupportedPublicKeyReason = "UnsupportedPublicKeyAlgorithm";

/** What csrsigning does with a CSR it sees. */
export type SigningDecision = { action: "skip" } | { action: "fail"; reason: string; message: string } | { action: "sign"; csr: ParsedCsr } | { action: "error"; message: string };

/**
 * Only approved, not failed, not yet issued requests for the two client signers are signed; a
 * request the signer's rules refuse, or with a key of an algorithm Go does not know, is marked
 * Failed; one that does not parse is an error (retried, as Kubernetes does). Others are not this
 * controller's.
 */
export function signingDecision(csr: CertificateSigningRequest): SigningDecision {
  if (!isApproved(csr) || hasTrueCondition(csr, "Failed")) return { action: "skip" };
  if (csr.status?.certificate) return { action: "skip" };
  if (!signedSigners.includes(csr.spec.signerName)) return { action: "skip" };
  const parsed = parseCsr(csr.spec.request);
  if (!parsed.ok) return { action: "error", message: `unable to parse csr "${csr.metadata.name ?? ""}": ${parsed.error}` };
  const usages = csr.spec.usages ?? [];
  const refused = csr.spec.signerName === KUBE_APISERVER_CLIENT_KUBELET_SIGNER ? kubeletClientCsrError(parsed.csr, usages) : apiServerClientUsagesError(usages);
  if (refused) return { action: "fail", reason: signerValidationFailureReason, message: refused };
  if (!parsed.csr.publicKeyAlgorithm) {
    const message = `x509: unsupported public key algorithm ${parsed.csr.publicKeyAlgorithmOid || "(none)"}: only RSA, ECDSA (P-224, P-256, P-384, P-521) and Ed25519 keys can be certified`;
    return { action: "fail", reason: unsupportedPublicKeyReason, message };
  }
  return { action: "sign", csr: parsed.csr };
}

/** The signing CA: its certificate and private key, PEM. */
export interface SigningCA {
  cert: string;
  key: string;
}

const keyUsages: Record<string, KeyUsageBit> = {
  signing: "digitalSignature",
  "digital signature": "digitalSignature",
  "content commitment": "contentCommitment",
  "key encipherment": "keyEncipherment",
  "key agreement": "keyAgreement",
  "data encipherment": "dataEncipherment",
  "cert sign": "keyCertSign",
  "crl sign": "cRLSign",
  "encipher only": "encipherOnly",
  "decipher only": "decipherOnly",
};

/** Extended key usages by OID, in the order Go's x509 sorts them. */
const extKeyUsageOids: [string, string][] = [
  ["any", "2.5.29.37.0"],
  ["server auth", "1.3.6.1.5.5.7.3.1"],
  ["client auth", "1.3.6.1.5.5.7.3.2"],
  ["code signing", "1.3.6.1.5.5.7.3.3"],
  ["email protection", "1.3.6.1.5.5.7.3.4"],
  ["s/mime", "1.3.6.1.5.5.7.3.4"],
  ["ipsec end system", "1.3.6.1.5.5.7.3.5"],
  ["ipsec tunnel", "1.3.6.1.5.5.7.3.6"],
  ["ipsec user", "1.3.6.1.5.5.7.3.7"],
  ["timestamping", "1.3.6.1.5.5.7.3.8"],
  ["ocsp signing", "1.3.6.1.5.5.7.3.9"],
  ["microsoft sgc", "1.3.6.1.4.1.311.10.3.3"],
  ["netscape sgc", "2.16.840.1.113730.4.1"],
];

/**
 * The signing CA read once for all the certificates signCertificate makes with it, or why it
 * cannot be read (csrsigning reports that for each request it would sign).
 */
export function readSigningCa(ca: SigningCA): { ok: true; ca: CertificateAuthority } | { ok: false; error: string } {
  try {
    return { ok: true, ca: readCertificateAuthority(ca) };
  } catch (e) {
    return { ok: false, error: `unable to read the signing CA: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * Signs `csr` with `ca` (see the file comment); returns the certificate (PEM) or why it cannot be
 * signed (an expired CA, a usage Kubernetes does not know).
 */
export function signCertificate(o: { ca: CertificateAuthority; csr: ParsedCsr; usages: readonly string[]; ttlMs: number; nowMs: number }): { ok: true; cert: string } | { ok: false; error: string } {
  const { ca } = o;
  const validity = certificateValidity(o.nowMs, o.ttlMs, ca.notAfterMs);
  if ("error" in validity) return { ok: false, error: validity.error };
  const unknown = o.usages.filter((u) => !keyUsages[u] && !extKeyUsageOids.some(([name]) => name === u));
  if (unknown.length > 0) return { ok: false, error: `unrecognized usage values: [${unknown.map((u) => JSON.stringify(u)).join(" ")}]` };
  const keyUsage = [...new Set(o.usages.flatMap((u) => keyUsages[u] ?? []))];
  // "email protection" and "s/mime" are one OID, written once.
  const extKeyUsage = [...new Set(extKeyUsageOids.filter(([name]) => o.usages.includes(name)).map(([, oid]) => oid))];
  const { dnsNames, emailAddresses, ipAddresses, uris } = o.csr;
  try {
    const cert = buildCertificate(
      {
        serialNumber: randomBytes(16),
        notBefore: validity.notBefore,
        notAfter: validity.notAfter,
        subjectDer: o.csr.subjectDer,
        publicKeyDer: o.csr.publicKeyDer,
        keyUsage,
        extKeyUsageOids: extKeyUsage,
        subjectAltNames: { dnsNames, emailAddresses, ipAddresses, uris },
      },
      ca,
    );
    return { ok: true, cert };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
