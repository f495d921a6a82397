// Certificate signing requests for the certificates controllers' tests: a PKCS#10 request with
// the subject and SANs a case needs (1024-bit keys: fast), and the CertificateSigningRequest
// object around it.

import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";
import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { KUBE_APISERVER_CLIENT_KUBELET_SIGNER } from "../../api/certificates-types.js";

export interface CsrSubject {
  cn?: string;
  orgs?: string[];
  dns?: string[];
  emails?: string[];
  ips?: string[];
  uris?: string[];
}

let sharedKey: { pem: string; key: forge.pki.rsa.PrivateKey } | undefined;

/** One key for every request of the process (the tests look at subjects, not keys). */
function testKey(): { pem: string; key: forge.pki.rsa.PrivateKey } {
  if (!sharedKey) {
    const pem = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    sharedKey = { pem, key: forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey };
  }
  return sharedKey;
}

/** A signed PEM request for `s` (default: node n1's client request). */
export function makeCsrPem(s: CsrSubject = {}): string {
  const { key } = testKey();
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  csr.setSubject([...(s.orgs ?? ["system:nodes"]).map((value) => ({ name: "organizationName", value })), ...(s.cn === "" ? [] : [{ name: "commonName", value: s.cn ?? "system:node:n1" }])]);
  const altNames = [
    ...(s.dns ?? []).map((value) => ({ type: 2, value })),
    ...(s.emails ?? []).map((value) => ({ type: 1, value })),
    ...(s.ips ?? []).map((ip) => ({ type: 7, ip })),
    ...(s.uris ?? []).map((value) => ({ type: 6, value })),
  ];
  if (altNames.length > 0) csr.setAttributes([{ name: "extensionRequest", extensions: [{ name: "subjectAltName", altNames }] }]);
  csr.sign(key, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}

/** The private key (PEM) of every makeCsrPem request. */
export function testCsrKeyPem(): string {
  return testKey().pem;
}

/** A CertificateSigningRequest `name` for node n1's client certificate, changed by `edit`. */
export function makeCsr(name: string, edit: (c: CertificateSigningRequest) => void = () => {}, subject: CsrSubject = {}): CertificateSigningRequest {
  const c: CertificateSigningRequest = {
    apiVersion: "certificates.k8s.io/v1",
    kind: "CertificateSigningRequest",
    metadata: { name },
    spec: {
      request: Buffer.from(makeCsrPem(subject)).toString("base64"),
      signerName: KUBE_APISERVER_CLIENT_KUBELET_SIGNER,
      usages: ["digital signature", "key encipherment", "client auth"],
      username: "system:bootstrap:abcdef",
      groups: ["system:bootstrappers", "system:bootstrappers:svcnet:default-node-token", "system:authenticated"],
    },
  };
  edit(c);
  return c;
}
