// The PEM and X.509 checks behind CertificateSigningRequest validation and admission, with the
// error texts Go's pem/x509 packages give (Kubernetes shows them as field error details):
// spec.request must hold a PKCS#10 "CERTIFICATE REQUEST" whose self-signature verifies, and
// status.certificate only "CERTIFICATE" blocks without headers. The request is walked with
// node-forge's ASN.1 reader (its certificationRequestFromPem knows RSA keys only, and joining
// machines may use ECDSA or Ed25519) and the signature checked with node:crypto, which knows
// every key type. This is the project's one request parser: the certificate controllers read
// the subject, SANs and public key a request carries from it too.

import { createPublicKey, verify, X509Certificate } from "node:crypto";
import type { Asn1 } from "./der.js";
import { UNIVERSAL_CLASS, children, contentBytes, isContext, oidOf, readDer, writeDer } from "./der.js";
import type { SubjectAltNames } from "./subject-alt-names.js";
import { parseSubjectAltNames } from "./subject-alt-names.js";

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

/** The public key algorithms Go's x509 parses a request's key as (DSA, which Go cannot sign for, counts as unknown). */
export type PublicKeyAlgorithm = "RSA" | "ECDSA" | "Ed25519";

export interface ParsedCertificateRequest extends SubjectAltNames {
  /** Subject common name ("" when absent; the first when there are several, as TLS peers read it). */
  commonName: string;
  /** Subject organizations (the groups a client certificate carries). */
  organizations: string[];
  /** The subject Name, DER, as the request carries it. */
  subjectDer: Buffer;
  /** The SubjectPublicKeyInfo, DER, as the request carries it. */
  publicKeyDer: Buffer;
  /** The key's algorithm; undefined for one Go does not know (which no signer can certify). */
  publicKeyAlgorithm: PublicKeyAlgorithm | undefined;
  /** The key's algorithm OID (for messages about keys of an unknown algorithm). */
  publicKeyAlgorithmOid: string;
  /** Go's CheckSignature: undefined when the self-signature verifies, else the error text. */
  checkSignature(): string | undefined;
}

/** Thrown by parseCertificateRequest with Go's (Kubernetes' ParseCSR) wording. */
export class CertificateRequestError extends Error {}

const OID_COMMON_NAME = "2.5.4.3";
const OID_ORGANIZATION = "2.5.4.10";
const OID_EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
const OID_SUBJECT_ALT_NAME = "2.5.29.17";
const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";

/** Key algorithms by SPKI OID. */
const keyAlgorithms: ReadonlyMap<string, PublicKeyAlgorithm> = new Map([
  ["1.2.840.113549.1.1.1", "RSA"],
  [OID_EC_PUBLIC_KEY, "ECDSA"],
  ["1.3.101.112", "Ed25519"],
]);

/** The named curves Go's x509 knows: P-224, P-256, P-384 and P-521. */
const goCurves: ReadonlySet<string> = new Set(["1.3.132.0.33", "1.2.840.10045.3.1.7", "1.3.132.0.34", "1.3.132.0.35"]);

/** How Go's %T prints a parsed key, for its mismatch error. */
const goKeyTypes: Record<PublicKeyAlgorithm, string> = { RSA: "*rsa.PublicKey", ECDSA: "*ecdsa.PublicKey", Ed25519: "ed25519.PublicKey" };

/** Signature algorithms Go verifies, by OID: the hash (null for Ed25519), the key algorithm and the verification failure text. */
const signatureAlgorithms: ReadonlyMap<string, { hash: string | null; key: PublicKeyAlgorithm; failure: string }> = new Map([
  ["1.2.840.113549.1.1.5", { hash: "sha1", key: "RSA", failure: "crypto/rsa: verification error" }],
  ["1.2.840.113549.1.1.11", { hash: "sha256", key: "RSA", failure: "crypto/rsa: verification error" }],
  ["1.2.840.113549.1.1.12", { hash: "sha384", key: "RSA", failure: "crypto/rsa: verification error" }],
  ["1.2.840.113549.1.1.13", { hash: "sha512", key: "RSA", failure: "crypto/rsa: verification error" }],
  ["1.2.840.10045.4.1", { hash: "sha1", key: "ECDSA", failure: "x509: ECDSA verification failure" }],
  ["1.2.840.10045.4.3.2", { hash: "sha256", key: "ECDSA", failure: "x509: ECDSA verification failure" }],
  ["1.2.840.10045.4.3.3", { hash: "sha384", key: "ECDSA", failure: "x509: ECDSA verification failure" }],
  ["1.2.840.10045.4.3.4", { hash: "sha512", key: "ECDSA", failure: "x509: ECDSA verification failure" }],
  ["1.3.101.112", { hash: null, key: "Ed25519", failure: "x509: Ed25519 verification failure" }],
]);

const unsupportedAlgorithm = "x509: cannot verify signature: algorithm unimplemented";

/** The string types X.509 names may use, as Go's parser knows them (universal tags). */
const STRING_TAGS = { utf8: 12, numeric: 18, printable: 19, t61: 20, ia5: 22, bmp: 30 } as const;

/**
 * An attribute value of a name, decoded as Go's parser does; any other type (UniversalString,
 * say) or a malformed one is refused. Refusing matters: OpenSSL, which the API server's TLS uses,
 * decodes more types than this parser would read, so a value read wrongly here (O=system:masters
 * as a UniversalString) would slip past the subject checks and into a certificate.
 */
function asn1String(node: Asn1): string {
  const bytes = contentBytes(node);
  const invalid = (what: string): CertificateRequestError => new CertificateRequestError(`x509: invalid RDNSequence: invalid attribute value: ${what}`);
  if (node.tagClass !== UNIVERSAL_CLASS) throw invalid(`unsupported string type: ${node.type}`);
  switch (node.type as number) {
    case STRING_TAGS.utf8: {
      const text = bytes.toString("utf8");
      if (!Buffer.from(text, "utf8").equals(bytes)) throw invalid("invalid UTF-8 string");
      return text;
    }
    case STRING_TAGS.numeric:
      if (!/^[0-9 ]*$/.test(bytes.toString("latin1"))) throw invalid("invalid NumericString");
      return bytes.toString("latin1");
    case STRING_TAGS.printable:
      if (!/^[A-Za-z0-9 '()+,\-./:=?*&]*$/.test(bytes.toString("latin1"))) throw invalid("invalid PrintableString");
      return bytes.toString("latin1");
    case STRING_TAGS.t61:
      return bytes.toString("latin1");
    case STRING_TAGS.ia5:
      if (bytes.some((b) => b > 0x7f)) throw invalid("invalid IA5String");
      return bytes.toString("latin1");
    case STRING_TAGS.bmp: {
      if (bytes.length % 2 !== 0) throw invalid("invalid BMPString");
      // UTF-16 big-endian: swapped into the little-endian order Buffer decodes.
      return Buffer.from(bytes).swap16().toString("utf16le");
    }
    default:
      throw invalid(`unsupported string type: ${node.type}`);
  }
}

function subjectOf(name: Asn1 | undefined): { commonName: string; organizations: string[] } {
  let commonName = "";
  const organizations: string[] = [];
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      if (!type || !value) continue;
      const oid = oidOf(type);
      const decoded = asn1String(value);
      if (oid === OID_COMMON_NAME && !commonName) commonName = decoded;
      if (oid === OID_ORGANIZATION) organizations.push(decoded);
    }
  }
  return { commonName, organizations };
}

/** The key's algorithm, refusing EC keys on curves Go does not know as Go's parser does. */
function keyAlgorithmOf(spki: Asn1): { algorithm: PublicKeyAlgorithm | undefined; oid: string } {
  const [algorithm] = children(spki);
  const [id, params] = children(algorithm);
  const oid = oidOf(id);
  if (oid === OID_EC_PUBLIC_KEY) {
    const curve = oidOf(params);
    if (!curve) throw new CertificateRequestError("x509: invalid ECDSA parameters");
    if (!goCurves.has(curve)) throw new CertificateRequestError("x509: unsupported elliptic curve");
  }
  return { algorithm: keyAlgorithms.get(oid), oid };
}

/**
 * The SANs of the extensionRequest attribute (Go's parseCSRExtensions): attributes that do not
 * parse are skipped, an extension asked for twice is an error.
 */
function subjectAltNamesOf(attributes: Asn1 | undefined): SubjectAltNames {
  const seen = new Set<string>();
  let names: SubjectAltNames = { dnsNames: [], emailAddresses: [], ipAddresses: [], uris: [] };
  for (const attribute of children(attributes)) {
    const [type, values] = children(attribute);
    const [requested] = children(values);
    if (oidOf(type) !== OID_EXTENSION_REQUEST || !requested) continue;
    if (!Array.isArray(requested.value)) throw new CertificateRequestError("x509: malformed extension request");
    for (const extension of children(requested)) {
      const parts = children(extension);
      const id = oidOf(parts[0]);
      if (!id || parts.length < 2) throw new CertificateRequestError("x509: malformed extension request");
      if (seen.has(id)) throw new CertificateRequestError("x509: certificate request contains duplicate requested extensions");
      seen.add(id);
      if (id !== OID_SUBJECT_ALT_NAME) continue;
      const parsed = parseSubjectAltNames(contentBytes(parts[parts.length - 1]));
      if ("error" in parsed) throw new CertificateRequestError(parsed.error);
      names = parsed;
    }
  }
  return names;
}

/** Kubernetes' certificates.ParseCSR: the first PEM block must be a CERTIFICATE REQUEST that parses as PKCS#10. */
export function parseCertificateRequest(pem: Buffer): ParsedCertificateRequest {
  const [block] = pemBlocks(pem.toString("latin1"));
  if (!block || block.type !== "CERTIFICATE REQUEST") throw new CertificateRequestError("PEM block type must be CERTIFICATE REQUEST");
  try {
    return parseDer(block.bytes);
  } catch (e) {
    // forge's own errors (an OID or a length it cannot read) mean the same as a wrong structure.
    if (e instanceof CertificateRequestError) throw e;
    throw new CertificateRequestError("x509: malformed certificate request");
  }
}

function parseDer(der: Buffer): ParsedCertificateRequest {
  const root = readDer(der);
  const [info, algorithm, signature] = children(root);
  const [, subject, spki, attributes] = children(info);
  if (!info || !algorithm || !signature || !subject || !spki || typeof signature.value !== "string") {
    throw new CertificateRequestError("x509: malformed certificate request");
  }
  const key = keyAlgorithmOf(spki);
  const publicKeyDer = writeDer(spki);
  const algorithmOid = oidOf(children(algorithm)[0]);
  return {
    ...subjectOf(subject),
    ...subjectAltNamesOf(isContext(attributes, 0) ? attributes : undefined),
    subjectDer: writeDer(subject),
    publicKeyDer,
    publicKeyAlgorithm: key.algorithm,
    publicKeyAlgorithmOid: key.oid,
    checkSignature() {
      const alg = signatureAlgorithms.get(algorithmOid);
      if (!alg || !key.algorithm) return unsupportedAlgorithm;
      if (alg.key !== key.algorithm) return `x509: signature algorithm specifies an ${alg.key} public key, but have public key of type ${goKeyTypes[key.algorithm]}`;
      try {
        const publicKey = createPublicKey({ key: publicKeyDer, format: "der", type: "spki" });
        // A BIT STRING's first byte counts its unused bits; the signature follows it.
        const sig = contentBytes(signature).subarray(1);
        return verify(alg.hash, writeDer(info), publicKey, sig) ? undefined : alg.failure;
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

/** Go's %#v of a []byte, as a field error shows a bad spec.request: `[]byte{0x2d, 0x2d}`. */
export function goBytes(b: Buffer): string {
  return `[]byte{${[...b].map((x) => `0x${x.toString(16)}`).join(", ")}}`;
}
