// An X.509 v3 certificate (RFC 5280) for a public key of any type, written as DER and signed by
// a CA with node:crypto: node-forge's certificate builder knows RSA keys only, and a joining
// machine may hold an ECDSA or Ed25519 key. The subject and the SubjectPublicKeyInfo are taken
// as the request carries them; the extensions are the ones Go's x509.CreateCertificate writes
// for Kubernetes' signer, in its order: key usage and basic constraints (critical), extended key
// usage, the CA's key identifier and the SANs (critical only under an empty subject).

import type { KeyObject } from "node:crypto";
import { createPrivateKey, sign, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { pemBlocks } from "../../api/validation/certificate-pem.js";
import type { Asn1 } from "../../api/validation/der.js";
import { children, context, contentBytes, isContext, oid, oidOf, primitive, readDer, sequence, writeDer } from "../../api/validation/der.js";
import type { SubjectAltNames } from "../../api/validation/subject-alt-names.js";
import { hasSubjectAltNames, subjectAltNamesDer } from "../../api/validation/subject-alt-names.js";

/** The bits of the keyUsage extension, by their RFC 5280 names. */
const keyUsageBits = {
  digitalSignature: 0,
  contentCommitment: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

export type KeyUsageBit = keyof typeof keyUsageBits;

/** What the certificate says. */
export interface CertificateTemplate {
  /** Random bytes; written as a positive INTEGER. */
  serialNumber: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** The subject Name, DER. */
  subjectDer: Buffer;
  /** The SubjectPublicKeyInfo, DER. */
  publicKeyDer: Buffer;
  keyUsage: readonly KeyUsageBit[];
  extKeyUsageOids: readonly string[];
  subjectAltNames: SubjectAltNames;
}

/** The CA as signing needs it. */
export interface CertificateAuthority {
  subjectDer: Buffer;
  /** The CA certificate's subjectKeyIdentifier, which the certificates it issues name. */
  subjectKeyId: Buffer | undefined;
  notAfterMs: number;
  key: KeyObject;
}

const oids = {
  subjectKeyId: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyId: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
};

const a = forge.asn1;

/** Reads the CA's certificate and key (PEM); throws when either does not parse. */
export function readCertificateAuthority(ca: { cert: string; key: string }): CertificateAuthority {
  const block = pemBlocks(ca.cert).find((b) => b.type === "CERTIFICATE");
  if (!block) throw new Error("no CERTIFICATE block in the CA certificate");
  const notAfterMs = Date.parse(new X509Certificate(block.bytes).validTo);
  const tbs = children(children(readDer(block.bytes))[0]);
  // The version ([0]) comes first when present; then serial, signature, issuer, validity, subject.
  const fields = isContext(tbs[0], 0) ? tbs.slice(1) : tbs;
  const subject = fields[4];
  if (!subject) throw new Error("the CA certificate has no subject");
  const extensions = children(children(tbs.find((n) => isContext(n, 3)))[0]);
  const skid = extensions.map(children).find((e) => oidOf(e[0]) === oids.subjectKeyId);
  return {
    subjectDer: writeDer(subject),
    subjectKeyId: skid ? contentBytes(readDer(contentBytes(skid[skid.length - 1]))) : undefined,
    notAfterMs,
    key: createPrivateKey(ca.key),
  };
}

/** The signature algorithm for the CA's key, as Go picks it: SHA-256 for RSA, the curve's hash for ECDSA. */
function signatureAlgorithm(key: KeyObject): { hash: string | null; id: Asn1 } {
  const ecdsa = (hash: string, dotted: string) => ({ hash, id: sequence(oid(dotted)) });
  switch (key.asymmetricKeyType) {
    case "rsa":
      return { hash: "sha256", id: sequence(oid("1.2.840.113549.1.1.11"), primitive(a.Type.NULL, Buffer.alloc(0))) };
    case "ec":
      if (key.asymmetricKeyDetails?.namedCurve === "secp384r1") return ecdsa("sha384", "1.2.840.10045.4.3.3");
      if (key.asymmetricKeyDetails?.namedCurve === "secp521r1") return ecdsa("sha512", "1.2.840.10045.4.3.4");
      return ecdsa("sha256", "1.2.840.10045.4.3.2");
    case "ed25519":
      return { hash: null, id: sequence(oid("1.3.101.112")) };
    default:
      throw new Error(`the CA's ${key.asymmetricKeyType ?? "unknown"} key cannot sign certificates`);
  }
}

/** A positive INTEGER from unsigned big-endian bytes, minimally encoded. */
function positiveInteger(bytes: Buffer): Asn1 {
  const first = bytes.findIndex((x) => x !== 0);
  let b = first < 0 ? Buffer.alloc(1) : bytes.subarray(first);
  if (b[0] >= 0x80) b = Buffer.concat([Buffer.alloc(1), b]);
  return primitive(a.Type.INTEGER, b);
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
function time(d: Date): Asn1 {
  const year = d.getUTCFullYear();
  if (year >= 1950 && year < 2050) return primitive(a.Type.UTCTIME, Buffer.from(a.dateToUtcTime(d), "latin1"));
  return primitive(a.Type.GENERALIZEDTIME, Buffer.from(a.dateToGeneralizedTime(d), "latin1"));
}

/** A BIT STRING of the named bits, without trailing zero bits (DER). */
function namedBits(bits: readonly number[]): Asn1 {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3] |= 0x80 >> (bit & 7);
  const unused = bytes.length * 8 - (highest + 1);
  return primitive(a.Type.BITSTRING, Buffer.concat([Buffer.from([unused]), bytes]));
}

function extension(id: string, critical: boolean, value: Asn1 | Buffer): Asn1 {
  const der = Buffer.isBuffer(value) ? value : writeDer(value);
  return sequence(oid(id), ...(critical ? [primitive(a.Type.BOOLEAN, Buffer.from([0xff]))] : []), primitive(a.Type.OCTETSTRING, der));
}

function extensions(t: CertificateTemplate, ca: CertificateAuthority): Asn1[] {
  const out: Asn1[] = [];
  if (t.keyUsage.length > 0) out.push(extension(oids.keyUsage, true, namedBits(t.keyUsage.map((u) => keyUsageBits[u]))));
  if (t.extKeyUsageOids.length > 0) out.push(extension(oids.extKeyUsage, false, sequence(...t.extKeyUsageOids.map(oid))));
  // Not a CA: cA and pathLenConstraint both left at their defaults, which DER omits.
  out.push(extension(oids.basicConstraints, true, sequence()));
  // Lets clients pick the right CA when the cluster's is rotated.
  if (ca.subjectKeyId) out.push(extension(oids.authorityKeyId, false, sequence(context(0, ca.subjectKeyId))));
  if (hasSubjectAltNames(t.subjectAltNames)) {
    const emptySubject = children(readDer(t.subjectDer)).length === 0;
    out.push(extension(oids.subjectAltName, emptySubject, subjectAltNamesDer(t.subjectAltNames)));
  }
  return out;
}

/** The certificate (PEM) for `t`, issued and signed by `ca`. */
export function buildCertificate(t: CertificateTemplate, ca: CertificateAuthority): string {
  const algorithm = signatureAlgorithm(ca.key);
  const tbs = sequence(
    context(0, positiveInteger(Buffer.from([2]))),
    positiveInteger(t.serialNumber),
    algorithm.id,
    readDer(ca.subjectDer),
    sequence(time(t.notBefore), time(t.notAfter)),
    readDer(t.subjectDer),
    readDer(t.publicKeyDer),
    context(3, sequence(...extensions(t, ca))),
  );
  const tbsDer = writeDer(tbs);
  const signature = sign(algorithm.hash, tbsDer, ca.key);
  const cert = sequence(tbs, algorithm.id, primitive(a.Type.BITSTRING, Buffer.concat([Buffer.alloc(1), signature])));
  return forge.pem.encode({ type: "CERTIFICATE", body: writeDer(cert).toString("binary") });
}
