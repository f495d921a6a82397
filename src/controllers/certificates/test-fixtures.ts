// Certificate signing requests for the certificates controllers' tests: a PKCS#10 request with
// the subject and SANs a case needs (1024-bit keys: fast), one for an RSA, ECDSA or Ed25519 key
// (made by `openssl req` where it is installed, as people make them), and the
// CertificateSigningRequest object around it.

import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import forge from "node-forge";
import { makeKeyCsrPem } from "../../api/validation/certificate-fixtures.js";
import { bytesOfPem } from "../../api/certificates-helpers.js";
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

export type KeyKind = "rsa" | "ecdsa" | "ed25519";

const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;

/** openssl's -newkey argument and options per kind. */
const opensslKeys: Record<KeyKind, string[]> = {
  rsa: ["-newkey", "rsa:1024"],
  ecdsa: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
  ed25519: ["-newkey", "ed25519"],
};

/**
 * A new key of `kind` and a request for node n1's (or `s`'s) subject signed with it: made by
 * `openssl req` when openssl is installed, else written here (makeKeyCsrPem).
 */
export function makeKeyCsr(kind: KeyKind, s: { cn?: string; orgs?: string[] } = {}): { csrPem: string; keyPem: string; madeBy: "openssl" | "node" } {
  const cn = s.cn ?? "system:node:n1";
  const orgs = s.orgs ?? ["system:nodes"];
  if (hasOpenssl) {
    const dir = mkdtempSync(join(tmpdir(), "svcnet-csr-"));
    try {
      const subj = [...orgs.map((o) => `/O=${o}`), `/CN=${cn}`].join("");
      execFileSync("openssl", ["req", "-new", ...opensslKeys[kind], "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "csr.pem"), "-subj", subj], { stdio: "ignore" });
      return { csrPem: readFileSync(join(dir, "csr.pem"), "utf8"), keyPem: readFileSync(join(dir, "key.pem"), "utf8"), madeBy: "openssl" };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const key =
    kind === "rsa"
      ? generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey
      : kind === "ecdsa"
        ? generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey
        : generateKeyPairSync("ed25519").privateKey;
  return { csrPem: makeKeyCsrPem({ key, commonName: cn, organizations: orgs }), keyPem: key.export({ type: "pkcs8", format: "pem" }).toString(), madeBy: "node" };
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
      request: bytesOfPem(makeCsrPem(subject)),
      signerName: KUBE_APISERVER_CLIENT_KUBELET_SIGNER,
      usages: ["digital signature", "key encipherment", "client auth"],
      username: "system:bootstrap:abcdef",
      groups: ["system:bootstrappers", "system:bootstrappers:svcnet:default-node-token", "system:authenticated"],
    },
  };
  edit(c);
  return c;
}
