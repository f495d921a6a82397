// What kube-controller-manager's csrsigning controller decides and makes, without I/O: which
// CertificateSigningRequests it signs, which it marks Failed, and the certificate itself — the
// CSR's subject, SANs and public key, the key usages spec.usages asks for, no CA rights, valid
// from five minutes ago (clocks differ) for the shorter of the cluster signing duration and
// spec.expirationSeconds, and never past the CA's own end.

import { randomBytes } from "node:crypto";
import forge from "node-forge";
import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { KUBE_APISERVER_CLIENT_KUBELET_SIGNER, KUBE_APISERVER_CLIENT_SIGNER } from "../../api/certificates-types.js";
import type { ParsedCsr } from "./csr-request.js";
import { apiServerClientUsagesError, hasTrueCondition, isApproved, kubeletClientCsrError, parseCsr } from "./csr-request.js";

/** The signers csrsigning serves. */
export const signedSigners: readonly string[] = [KUBE_APISERVER_CLIENT_KUBELET_SIGNER, KUBE_APISERVER_CLIENT_SIGNER];

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

/** What csrsigning does with a CSR it sees. */
export type SigningDecision = { action: "skip" } | { action: "fail"; message: string } | { action: "sign"; csr: ParsedCsr } | { action: "error"; message: string };

/**
 * Only approved, not failed, not yet issued requests for the two client signers are signed; a
 * request the signer's rules refuse is marked Failed; one that does not parse is an error (retried,
 * as Kubernetes does). Others are not this controller's.
 */
export function signingDecision(csr: CertificateSigningRequest): SigningDecision {
  if (!isApproved(csr) || hasTrueCondition(csr, "Failed")) return { action: "skip" };
  if (csr.status?.certificate) return { action: "skip" };
  if (!signedSigners.includes(csr.spec.signerName)) return { action: "skip" };
  const parsed = parseCsr(csr.spec.request);
  if (!parsed.ok) return { action: "error", message: `unable to parse csr "${csr.metadata.name ?? ""}": ${parsed.error}` };
  const usages = csr.spec.usages ?? [];
  const refused = csr.spec.signerName === KUBE_APISERVER_CLIENT_KUBELET_SIGNER ? kubeletClientCsrError(parsed.csr, usages) : apiServerClientUsagesError(usages);
  return refused ? { action: "fail", message: refused } : { action: "sign", csr: parsed.csr };
}

/** The signing CA: its certificate and private key, PEM. */
export interface SigningCA {
  cert: string;
  key: string;
}

const keyUsageBits: Record<string, string> = {
  signing: "digitalSignature",
  "digital signature": "digitalSignature",
  "content commitment": "nonRepudiation",
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

function serialNumber(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString("hex");
}

/**
 * Signs `csr` with `ca` (see the file comment); returns the certificate (PEM) or why it cannot be
 * signed (an expired CA, a usage Kubernetes does not know).
 */
export function signCertificate(o: { ca: SigningCA; csr: ParsedCsr; usages: readonly string[]; ttlMs: number; nowMs: number }): { ok: true; cert: string } | { ok: false; error: string } {
  const caCert = forge.pki.certificateFromPem(o.ca.cert);
  const caKey = forge.pki.privateKeyFromPem(o.ca.key);
  const validity = certificateValidity(o.nowMs, o.ttlMs, caCert.validity.notAfter.getTime());
  if ("error" in validity) return { ok: false, error: validity.error };
  const keyUsage: Record<string, boolean> = {};
  const ext: Record<string, boolean> = {};
  const unknown: string[] = [];
  for (const u of o.usages) {
    if (keyUsageBits[u]) keyUsage[keyUsageBits[u]] = true;
    else if (!extKeyUsageOids.some(([name]) => name === u)) unknown.push(u);
  }
  if (unknown.length > 0) return { ok: false, error: `unrecognized usage values: [${unknown.map((u) => JSON.stringify(u)).join(" ")}]` };
  // node-forge takes an extended usage by its name where it has one, by OID where not.
  const oidNames = forge.pki.oids as Record<string, string>;
  for (const [name, oid] of extKeyUsageOids) if (o.usages.includes(name)) ext[oidNames[oid] ?? oid] = true;
  const cert = forge.pki.createCertificate();
  cert.publicKey = o.csr.request.publicKey as forge.pki.rsa.PublicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = validity.notBefore;
  cert.validity.notAfter = validity.notAfter;
  cert.setSubject(o.csr.request.subject.attributes);
  cert.setIssuer(caCert.subject.attributes);
  const sans = [
    ...o.csr.dnsNames.map((value) => ({ type: 2, value })),
    ...o.csr.emailAddresses.map((value) => ({ type: 1, value })),
    ...o.csr.ipAddresses.map((ip) => ({ type: 7, ip })),
    ...o.csr.uris.map((value) => ({ type: 6, value })),
  ];
  const caKeyId = caCert.getExtension("subjectKeyIdentifier") as { subjectKeyIdentifier?: string } | null;
  cert.setExtensions([
    ...(Object.keys(keyUsage).length > 0 ? [{ name: "keyUsage", critical: true, ...keyUsage }] : []),
    ...(Object.keys(ext).length > 0 ? [{ name: "extKeyUsage", ...ext }] : []),
    { name: "basicConstraints", cA: false, critical: true },
    // Lets clients pick the right CA when the cluster's is rotated.
    ...(caKeyId?.subjectKeyIdentifier ? [{ name: "authorityKeyIdentifier", keyIdentifier: forge.util.hexToBytes(caKeyId.subjectKeyIdentifier) }] : []),
    ...(sans.length > 0 ? [{ name: "subjectAltName", altNames: sans }] : []),
  ]);
  cert.sign(caKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { ok: true, cert: forge.pki.certificateToPem(cert) };
}
