// Test utilities for certificate requests: a real PKCS#10 request signed with node-forge (the
// way a joining machine makes one), one for a key of any type (written with forge's ASN.1 writer
// and signed by node:crypto, as forge signs with RSA keys only), a self-signed certificate, and
// a CertificateSigningRequest object around them. Keys are small RSA keys made once per process,
// to keep tests fast.

import type { KeyObject } from "node:crypto";
import { createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import forge from "node-forge";
import type { CertificateSigningRequest, KeyUsage } from "../certificates-types.js";
import { oid, primitive, readDer, sequence, writeDer } from "./der.js";
import type { SubjectAltNames } from "./subject-alt-names.js";
import { subjectAltNamesDer } from "./subject-alt-names.js";

let sharedKey: forge.pki.rsa.PrivateKey | undefined;

function testKey(): forge.pki.rsa.PrivateKey {
  if (!sharedKey) {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    sharedKey = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString()) as forge.pki.rsa.PrivateKey;
  }
  return sharedKey;
}

function publicKeyOf(key: forge.pki.rsa.PrivateKey): forge.pki.rsa.PublicKey {
  return forge.pki.setRsaPublicKey(key.n, key.e);
}

function subjectOf(o: { commonName: string; organizations?: string[]; stringTag?: number }): forge.pki.CertificateField[] {
  // A string type forge writes as given (UniversalString is 28, BMPString 30), for the organizations.
  const tag = o.stringTag === undefined ? {} : { valueTagClass: o.stringTag as forge.asn1.Class };
  return [...(o.organizations ?? []).map((value) => ({ name: "organizationName", value, ...tag })), { name: "commonName", value: o.commonName }];
}

/**
 * A PEM "CERTIFICATE REQUEST" for CN=commonName, O=each organization (as `stringTag`'s string
 * type when given; forge writes the value's bytes as they are), signed with SHA-256.
 */
export function makeCsrPem(o: { commonName: string; organizations?: string[]; stringTag?: number }): string {
  const key = testKey();
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = publicKeyOf(key);
  csr.setSubject(subjectOf(o));
  csr.sign(key, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}

/** The signature algorithm a request signed by `key` names: SHA-256 for RSA and ECDSA, and Ed25519. */
function signatureAlgorithmOf(key: KeyObject): { hash: string | null; oid: string } {
  if (key.asymmetricKeyType === "rsa") return { hash: "sha256", oid: "1.2.840.113549.1.1.11" };
  if (key.asymmetricKeyType === "ec") return { hash: "sha256", oid: "1.2.840.10045.4.3.2" };
  if (key.asymmetricKeyType === "ed25519") return { hash: null, oid: "1.3.101.112" };
  throw new Error(`no signature algorithm for ${key.asymmetricKeyType ?? "?"} keys here`);
}

/**
 * A PEM "CERTIFICATE REQUEST" signed by the private `key` (RSA, ECDSA or Ed25519), for
 * O=each organization, CN=commonName (each left out when not given), asking for `sans` and any
 * `extensions` (OID and DER value). `publicKeyDer` puts another SubjectPublicKeyInfo in the
 * request than the key's own (its signature then does not verify).
 */
export function makeKeyCsrPem(o: {
  key: KeyObject;
  commonName?: string;
  organizations?: string[];
  sans?: Partial<SubjectAltNames>;
  extensions?: { oid: string; value: Buffer }[];
  publicKeyDer?: Buffer;
}): string {
  const a = forge.asn1;
  const atv = (type: string, value: string) => a.create(a.Class.UNIVERSAL, a.Type.SET, true, [sequence(oid(type), primitive(a.Type.UTF8, Buffer.from(value)))]);
  const name = sequence(...(o.organizations ?? []).map((v) => atv("2.5.4.10", v)), ...(o.commonName === undefined ? [] : [atv("2.5.4.3", o.commonName)]));
  const sans = { dnsNames: [], emailAddresses: [], ipAddresses: [], uris: [], ...o.sans };
  const extensions = [...(Object.values(sans).some((l) => l.length > 0) ? [{ oid: "2.5.29.17", value: subjectAltNamesDer(sans) }] : []), ...(o.extensions ?? [])];
  const requested = extensions.map((e) => sequence(oid(e.oid), primitive(a.Type.OCTETSTRING, e.value)));
  const attributes =
    requested.length === 0 ? [] : [sequence(oid("1.2.840.113549.1.9.14"), a.create(a.Class.UNIVERSAL, a.Type.SET, true, [sequence(...requested)]))];
  const spki = o.publicKeyDer ?? createPublicKey(o.key).export({ type: "spki", format: "der" });
  const info = sequence(primitive(a.Type.INTEGER, Buffer.alloc(1)), name, readDer(spki), a.create(a.Class.CONTEXT_SPECIFIC, 0, true, attributes));
  const algorithm = signatureAlgorithmOf(o.key);
  const signature = sign(algorithm.hash, writeDer(info), o.key);
  const csr = sequence(info, sequence(oid(algorithm.oid)), primitive(a.Type.BITSTRING, Buffer.concat([Buffer.alloc(1), signature])));
  return forge.pem.encode({ type: "CERTIFICATE REQUEST", body: writeDer(csr).toString("binary") });
}

/** A PEM "CERTIFICATE", self-signed, valid for a day. */
export function makeCertificatePem(commonName: string): string {
  const key = testKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKeyOf(key);
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject(subjectOf({ commonName }));
  cert.setIssuer(subjectOf({ commonName }));
  cert.sign(key, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** base64 of text, as a []byte field travels in JSON. */
export function b64(text: string): string {
  return Buffer.from(text).toString("base64");
}

/** A valid client-certificate request for example.com/signer, changed by `mutate`. */
export function makeCsr(name: string, mutate?: (csr: CertificateSigningRequest) => void): CertificateSigningRequest {
  const usages: KeyUsage[] = ["digital signature", "key encipherment", "client auth"];
  const csr: CertificateSigningRequest = {
    apiVersion: "certificates.k8s.io/v1",
    kind: "CertificateSigningRequest",
    metadata: { name },
    spec: { request: b64(makeCsrPem({ commonName: name, organizations: ["devs"] })), signerName: "example.com/signer", usages },
  };
  mutate?.(csr);
  return csr;
}
