// The PEM and X.509 checks behind CertificateSigningRequest validation and admission, with the
// error texts Go's pem/x509 packages give (Kubernetes shows them as field error details):
// spec.request must hold a PKCS#10 "CERTIFICATE REQUEST" whose self-signature verifies, and
// status.certificate only "CERTIFICATE" blocks without headers. The request is walked with
// node-forge's ASN.1 reader (its certificationRequestFromPem knows RSA keys only, and joining
// machines may use ECDSA) and the signature checked with node:crypto, which knows every key type.

import { createPublicKey, verify, X509Certificate } from "node:crypto";
import forge from "node-forge";

export interface PemBlock {
  type: string;
  /** True when the block carries RFC 1421 headers (`Proc-Type: …`), which Kubernetes refuses. */
  hasHeaders: boolean;
  bytes: Buffer;
}

/** The PEM blocks in `data`, in order, skipping text around them (as repeated pem.Decode calls do). */
export function pemBlocks(data: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([^\r\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(data); m; m = re.exec(data)) {
    const body = m[2];
    const blank = body.search(/\r?\n\r?\n/);
    const head = blank >= 0 ? body.slice(0, blank) : "";
    const hasHeaders = head.split(/\r?\n/).some((l) => l.includes(":"));
    const base64 = (hasHeaders ? body.slice(blank) : body).replace(/\s+/g, "");
    out.push({ type: m[1], hasHeaders, bytes: Buffer.from(base64, "base64") });
  }
  return out;
}

export interface ParsedCertificateRequest {
  /** Subject common name ("" when absent). */
  commonName: string;
  /** Subject organizations (the groups a client certificate carries). */
  organizations: string[];
  /** Go's CheckSignature: undefined when the self-signature verifies, else the error text. */
  checkSignature(): string | undefined;
}

/** Thrown by parseCertificateRequest with Go's (Kubernetes' ParseCSR) wording. */
export class CertificateRequestError extends Error {}

const OID_COMMON_NAME = "2.5.4.3";
const OID_ORGANIZATION = "2.5.4.10";

/** Signature algorithms Go verifies, by OID: the hash (null for Ed25519) and the verification failure text. */
const signatureAlgorithms: ReadonlyMap<string, { hash: string | null; failure: string }> = new Map([
  ["1.2.840.113549.1.1.5", { hash: "sha1", failure: "crypto/rsa: verification error" }],
  ["1.2.840.113549.1.1.11", { hash: "sha256", failure: "crypto/rsa: verification error" }],
  ["1.2.840.113549.1.1.12", { hash: "sha384", failure: "crypto/rsa: verification error" }],
  ["1.2.840.113549.1.1.13", { hash: "sha512", failure: "crypto/rsa: verification error" }],
  ["1.2.840.10045.4.1", { hash: "sha1", failure: "x509: ECDSA verification failure" }],
  ["1.2.840.10045.4.3.2", { hash: "sha256", failure: "x509: ECDSA verification failure" }],
  ["1.2.840.10045.4.3.3", { hash: "sha384", failure: "x509: ECDSA verification failure" }],
  ["1.2.840.10045.4.3.4", { hash: "sha512", failure: "x509: ECDSA verification failure" }],
  ["1.3.101.112", { hash: null, failure: "x509: Ed25519 verification failure" }],
]);

/**
 * forge's DER reader with its options object (the typings know only the `strict` flag): BIT
 * STRINGs are kept as bytes, not guessed to hold ASN.1, so the signature stays as signed.
 */
const fromDer = forge.asn1.fromDer as unknown as (bytes: forge.util.ByteStringBuffer, options: { decodeBitStrings: boolean }) => forge.asn1.Asn1;

function children(node: forge.asn1.Asn1 | undefined): forge.asn1.Asn1[] {
  return node && Array.isArray(node.value) ? node.value : [];
}

function text(node: forge.asn1.Asn1 | undefined): string {
  return node && typeof node.value === "string" ? node.value : "";
}

function subjectOf(name: forge.asn1.Asn1 | undefined): { commonName: string; organizations: string[] } {
  let commonName = "";
  const organizations: string[] = [];
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      if (!type || !value) continue;
      const oid = forge.asn1.derToOid(forge.util.createBuffer(text(type)));
      const decoded = Buffer.from(text(value), "binary").toString("utf8");
      if (oid === OID_COMMON_NAME && !commonName) commonName = decoded;
      if (oid === OID_ORGANIZATION) organizations.push(decoded);
    }
  }
  return { commonName, organizations };
}

/** Kubernetes' certificates.ParseCSR: the first PEM block must be a CERTIFICATE REQUEST that parses as PKCS#10. */
export function parseCertificateRequest(pem: Buffer): ParsedCertificateRequest {
  const [block] = pemBlocks(pem.toString("latin1"));
  if (!block || block.type !== "CERTIFICATE REQUEST") throw new CertificateRequestError("PEM block type must be CERTIFICATE REQUEST");
  let root: forge.asn1.Asn1;
  try {
    root = fromDer(forge.util.createBuffer(block.bytes.toString("binary")), { decodeBitStrings: false });
  } catch {
    throw new CertificateRequestError("x509: malformed certificate request");
  }
  const [info, algorithm, signature] = children(root);
  const [, subject, spki] = children(info);
  if (!info || !algorithm || !signature || !subject || !spki || typeof signature.value !== "string") {
    throw new CertificateRequestError("x509: malformed certificate request");
  }
  const toDer = (n: forge.asn1.Asn1): Buffer => Buffer.from(forge.asn1.toDer(n).getBytes(), "binary");
  const algorithmOid = forge.asn1.derToOid(forge.util.createBuffer(text(children(algorithm)[0])));
  return {
    ...subjectOf(subject),
    checkSignature() {
      const alg = signatureAlgorithms.get(algorithmOid);
      if (!alg) return "x509: cannot verify signature: algorithm unimplemented";
      try {
        const key = createPublicKey({ key: toDer(spki), format: "der", type: "spki" });
        // A BIT STRING's first byte counts its unused bits; the signature follows it.
        const sig = Buffer.from(text(signature), "binary").subarray(1);
        return verify(alg.hash, toDer(info), key, sig) ? undefined : alg.failure;
      } catch {
        return alg.failure;
      }
    },
  };
}

/** Kubernetes' validateCertificate for status.certificate: "" (unset) passes; else only CERTIFICATE blocks, each an X.509 certificate. */
export function certificateBlocksError(pem: Buffer): string | undefined {
  if (pem.length === 0) return undefined;
  const blocks = pemBlocks(pem.toString("latin1"));
  for (const b of blocks) {
    if (b.type !== "CERTIFICATE") return `only CERTIFICATE PEM blocks are allowed, found ${JSON.stringify(b.type)}`;
    if (b.hasHeaders) return "no PEM block headers are permitted";
    try {
      new X509Certificate(b.bytes);
    } catch {
      return "x509: malformed certificate";
    }
  }
  return blocks.length === 0 ? "must contain at least one CERTIFICATE PEM block" : undefined;
}

/** A []byte field's JSON value (base64) as bytes; what does not decode is empty, as a Go decoder would have refused it earlier. */
export function bytesField(value: unknown): Buffer {
  return typeof value === "string" ? Buffer.from(value, "base64") : Buffer.alloc(0);
}

/** Go's %#v of a []byte, as a field error shows a bad spec.request: `[]byte{0x2d, 0x2d}`. */
export function goBytes(b: Buffer): string {
  return `[]byte{${[...b].map((x) => `0x${x.toString(16)}`).join(", ")}}`;
}
