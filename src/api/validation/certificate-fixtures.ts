// Test utilities for certificate requests: a real PKCS#10 request signed with node-forge (the
// way a joining machine makes one), a self-signed certificate, and a CertificateSigningRequest
// object around them. Keys are small RSA keys made once per process, to keep tests fast.

import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";
import type { CertificateSigningRequest, KeyUsage } from "../certificates-types.js";

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

function subjectOf(o: { commonName: string; organizations?: string[] }): forge.pki.CertificateField[] {
  return [...(o.organizations ?? []).map((value) => ({ name: "organizationName", value })), { name: "commonName", value: o.commonName }];
}

/** A PEM "CERTIFICATE REQUEST" for CN=commonName, O=each organization, signed with SHA-256. */
export function makeCsrPem(o: { commonName: string; organizations?: string[] }): string {
  const key = testKey();
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = publicKeyOf(key);
  csr.setSubject(subjectOf(o));
  csr.sign(key, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
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
