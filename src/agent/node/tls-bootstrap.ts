// Kubelet TLS bootstrap, the steps without I/O: a joining node makes a key and a certificate
// signing request for CN system:node:<name>, O system:nodes (what the API server's client
// certificate authentication turns into that node's user in the group system:nodes), sends it
// as a CertificateSigningRequest for the kubernetes.io/kube-apiserver-client-kubelet signer with
// its bootstrap token, and waits until the request is issued, denied or failed. A node that
// already holds a valid certificate for itself from this cluster's CA uses it again instead.

import { createHash, createPrivateKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { bytesOfPem, isApproved, pemOfBytes, trueCondition } from "../../api/certificates-helpers.js";
import type { CertificateSigningRequest, KeyUsage } from "../../api/certificates-types.js";
import { KUBE_APISERVER_CLIENT_KUBELET_SIGNER } from "../../api/certificates-types.js";

/** The user a node's certificate names. */
const nodeUserPrefix = "system:node:";
/** The group a node's certificate names. */
const nodesOrganization = "system:nodes";
/** What kubelet asks for with an RSA key. */
export const nodeClientUsages: readonly KeyUsage[] = ["digital signature", "key encipherment", "client auth"];

/** The subject of node `nodeName`'s requests, in the order the CSR writes it. */
function nodeSubject(nodeName: string): { name: string; value: string }[] {
  return [
    { name: "organizationName", value: nodesOrganization },
    { name: "commonName", value: `${nodeUserPrefix}${nodeName}` },
  ];
}

/**
 * A new RSA key (PEM, PKCS#1) and a CSR (PEM) for node `nodeName`, signed with it; also the
 * public key (SubjectPublicKeyInfo, DER), which names the request (nodeCsrName).
 */
export function nodeClientCsr(nodeName: string, o: { modulusLength?: number } = {}): { keyPem: string; csrPem: string; publicKeyDer: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: o.modulusLength ?? 2048 });
  const keyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  csr.setSubject(nodeSubject(nodeName));
  csr.sign(key, forge.md.sha256.create());
  return { keyPem, csrPem: forge.pki.certificationRequestToPem(csr), publicKeyDer: publicKey.export({ type: "spki", format: "der" }) };
}

/**
 * The name of node `nodeName`'s request for `publicKeyDer` (nodeClientCsr's), as kubelet names
 * it: node-csr- and a digest of the public key, the subject and the usages, so the same request
 * sent twice is one object.
 */
export function nodeCsrName(request: { nodeName: string; publicKeyDer: Buffer }, usages: readonly string[] = nodeClientUsages): string {
  const h = createHash("sha512");
  // Each part is length-prefixed, so that no two different inputs hash alike.
  const part = (label: string, value: Buffer): void => {
    h.update(`${label}:${value.length}:`);
    h.update(value);
  };
  part("PublicKey", request.publicKeyDer);
  for (const a of nodeSubject(request.nodeName)) part(`Subject.${a.name}`, Buffer.from(a.value));
  for (const u of usages) part("Usage", Buffer.from(u));
  return `node-csr-${h.digest("base64url")}`;
}

/** The CertificateSigningRequest object a joining node creates. */
export function nodeClientCsrObject(o: { name: string; csrPem: string; expirationSeconds?: number }): CertificateSigningRequest {
  return {
    apiVersion: "certificates.k8s.io/v1",
    kind: "CertificateSigningRequest",
    metadata: { name: o.name },
    spec: {
      request: bytesOfPem(o.csrPem),
      signerName: KUBE_APISERVER_CLIENT_KUBELET_SIGNER,
      usages: [...nodeClientUsages],
      ...(o.expirationSeconds !== undefined && { expirationSeconds: o.expirationSeconds }),
    },
  };
}

/** Where a request stands, as kubelet reads it: denial and failure first, then the certificate. */
export type CsrOutcome =
  | { state: "pending"; approved: boolean }
  | { state: "issued"; certPem: string }
  | { state: "denied" | "failed"; reason: string; message: string };

export function csrOutcome(csr: CertificateSigningRequest): CsrOutcome {
  for (const type of ["Denied", "Failed"] as const) {
    const c = trueCondition(csr, type);
    if (c) return { state: type === "Denied" ? "denied" : "failed", reason: c.reason ?? "", message: c.message ?? "" };
  }
  const cert = csr.status?.certificate;
  if (cert) return { state: "issued", certPem: pemOfBytes(cert) };
  // Not Denied (above), so approved exactly when an Approved condition is True.
  return { state: "pending", approved: isApproved(csr) };
}

/**
 * The join's one line for a request that did not end in a certificate, with the fix. `waitedMs`
 * is how long the join waited (for a request still pending), `lastReadError` why its latest
 * read of the request failed, if it did: then the request's state is not known, and that
 * failure, not the approval, is what the line is about.
 */
export function bootstrapFailure(name: string, outcome: Exclude<CsrOutcome, { state: "issued" }>, waitedMs: number, lastReadError?: string): string {
  const why = (o: { reason: string; message: string }): string => [o.reason, o.message].filter(Boolean).join(": ") || "no reason given";
  switch (outcome.state) {
    case "denied":
      return `the certificate signing request ${name} for this node was denied (${why(outcome)}): see 'kubectl describe csr ${name}'; joining again makes a new request, which someone may approve with 'kubectl certificate approve'`;
    case "failed":
      return `the signer refused the certificate signing request ${name} for this node (${why(outcome)}): see 'kubectl describe csr ${name}' and the server's log`;
    case "pending": {
      const s = Math.round(waitedMs / 1000);
      if (lastReadError !== undefined) {
        return `no word on the certificate signing request ${name} for this node within ${s} s: the last attempt to read it failed (${lastReadError}); check that this machine still reaches the API server and see the server's log, then join again (--bootstrap-timeout waits longer)`;
      }
      return outcome.approved
        ? `the certificate signing request ${name} was approved but no certificate came within ${s} s: check that the server runs the csrsigning controller (see its log); --bootstrap-timeout waits longer`
        : `the certificate signing request ${name} was not approved within ${s} s: approve it with 'kubectl certificate approve ${name}' (the server's csrapproving controller approves requests made with a join token on its own), or wait longer with --bootstrap-timeout`;
    }
  }
}

/**
 * Why a certificate and key (PEM) cannot be used again by node `nodeName` of the cluster with CA
 * `caPem` at `nowMs`: another node's or another CA's, expired (or nearly: less than `marginMs`
 * left, default a minute), not yet valid, or not the key's. Undefined when it can.
 */
export function clientCertificateUnusable(o: { certPem: string; keyPem: string; caPem: string; nodeName: string; nowMs: number; marginMs?: number }): string | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(o.certPem);
  } catch {
    return "the certificate does not parse";
  }
  const subject = new Map<string, string[]>();
  for (const line of cert.subject.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) subject.set(line.slice(0, i), [...(subject.get(line.slice(0, i)) ?? []), line.slice(i + 1)]);
  }
  if (subject.get("CN")?.[0] !== `${nodeUserPrefix}${o.nodeName}`) return `it is for ${subject.get("CN")?.[0] ?? "nobody"}, not ${nodeUserPrefix}${o.nodeName}`;
  if (!(subject.get("O") ?? []).includes(nodesOrganization)) return `it is not in ${nodesOrganization}`;
  try {
    const ca = new X509Certificate(o.caPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return "another CA issued it";
  } catch {
    return "the cluster CA does not parse";
  }
  if (Date.parse(cert.validFrom) > o.nowMs) return `it is valid only from ${cert.validFrom}`;
  if (Date.parse(cert.validTo) - (o.marginMs ?? 60_000) <= o.nowMs) return `it expired (or is about to) at ${cert.validTo}`;
  try {
    if (!cert.checkPrivateKey(createPrivateKey(o.keyPem))) return "the key is not the certificate's";
  } catch {
    return "the key does not parse";
  }
  return undefined;
}
