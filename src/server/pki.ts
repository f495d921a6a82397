// The cluster's certificate authority and the API server's serving certificate, created on
// first start in the data dir and reused after (regenerated only if the SANs changed); or, for
// tests, made in memory. Also the client certificates the CA signs: components', and the API
// server's own for node agents.

import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import forge from "node-forge";
import { KUBELET_CLIENT_USER } from "../apiserver/user-groups.js";

export interface ServingPki {
  caCert: string;
  /** The CA's private key: csrsigning signs with it, and a test may sign client certificates. */
  caKey: string;
  cert: string;
  key: string;
}

/** Key size of the CA and serving keys (tests may ask for smaller, faster keys). */
const defaultModulusLength = 2048;

function rsaKeyPair(modulusLength = defaultModulusLength): { forgeKey: forge.pki.rsa.PrivateKey; forgePub: forge.pki.rsa.PublicKey; pem: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  const forgePub = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  return { forgeKey, forgePub, pem };
}

function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString("hex");
}

function writePrivate(path: string, data: string): void {
  writeFileSync(path, data, { mode: 0o600 });
}

/** A CA to sign with: certificate and key for forge, and the key as PEM. */
interface LoadedCa {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  keyPem: string;
}

/** A new self-signed CA (ten years), in memory. */
function newCa(modulusLength?: number): LoadedCa {
  const kp = rsaKeyPair(modulusLength);
  const cert = forge.pki.createCertificate();
  cert.publicKey = kp.forgePub;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600_000);
  const subject = [{ name: "commonName", value: "svcnet-ca" }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(kp.forgeKey, forge.md.sha256.create());
  return { cert, key: kp.forgeKey, keyPem: kp.pem };
}

/**
 * The files in a data dir that make up a cluster's identity besides the service account key
 * (service-account-key.ts): the CA and the admin token. API servers of one cluster share them.
 */
export const clusterIdentityFiles = { caCert: "ca.crt", caKey: "ca.key", adminToken: "admin.token" } as const;

/** Loads or creates only the CA in `dir` (no serving certificate); returns its certificate (PEM). */
export function ensureCa(dir: string): string {
  const ca = existsSync(join(dir, "ca.crt")) && existsSync(join(dir, "ca.key")) ? loadCa(dir) : makeCa(dir);
  return forge.pki.certificateToPem(ca.cert);
}

/** A new CA made in memory only, for tests (certificate and key, PEM): what csrsigning signs with. */
export function inMemoryCa(o: { modulusLength?: number } = {}): { cert: string; key: string } {
  const ca = newCa(o.modulusLength);
  return { cert: forge.pki.certificateToPem(ca.cert), key: ca.keyPem };
}

function makeCa(dir: string): LoadedCa {
  const ca = newCa();
  writeFileSync(join(dir, "ca.crt"), forge.pki.certificateToPem(ca.cert));
  writePrivate(join(dir, "ca.key"), ca.keyPem);
  return ca;
}

/** A serving certificate for the SANs (one year), signed by `ca`, in memory. */
function newServingCert(
  ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey },
  sans: { dns: readonly string[]; ips: readonly string[] },
  modulusLength?: number,
): { cert: string; key: string } {
  const kp = rsaKeyPair(modulusLength);
  const cert = forge.pki.createCertificate();
  cert.publicKey = kp.forgePub;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  cert.setSubject([{ name: "commonName", value: "kube-apiserver" }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: [...sans.dns.map((value) => ({ type: 2, value })), ...sans.ips.map((ip) => ({ type: 7, ip }))] },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: kp.pem };
}

/**
 * A CA and a serving certificate made in memory only, for tests (which may pass a smaller
 * `modulusLength`, e.g. 1024, to make them fast). Nothing is written.
 */
export function inMemoryServingPki(sans: { dns: readonly string[]; ips: readonly string[] }, o: { modulusLength?: number } = {}): ServingPki {
  const ca = newCa(o.modulusLength);
  return { caCert: forge.pki.certificateToPem(ca.cert), caKey: ca.keyPem, ...newServingCert(ca, sans, o.modulusLength) };
}

/** The CA in `dir` (which must exist), PEM. */
function readCa(dir: string): { caCert: string; caKey: string } {
  return { caCert: readFileSync(join(dir, clusterIdentityFiles.caCert), "utf8"), caKey: readFileSync(join(dir, clusterIdentityFiles.caKey), "utf8") };
}

function parseCa(ca: { caCert: string; caKey: string }): LoadedCa {
  return { cert: forge.pki.certificateFromPem(ca.caCert), key: forge.pki.privateKeyFromPem(ca.caKey) as forge.pki.rsa.PrivateKey, keyPem: ca.caKey };
}

function loadCa(dir: string): LoadedCa {
  return parseCa(readCa(dir));
}

function certHasSans(pem: string, dns: readonly string[], ips: readonly string[]): boolean {
  const san = new X509Certificate(pem).subjectAltName ?? "";
  const have = new Set(san.split(",").map((s) => s.trim()));
  return dns.every((d) => have.has(`DNS:${d}`)) && ips.every((i) => have.has(`IP Address:${i}`));
}

/**
 * Loads or creates the CA and a serving certificate for the given names and IPs; a certificate
 * kept must still name them, come from the CA and belong to the key beside it. The CA's key is
 * returned for csrsigning; it stays in the server's process.
 */
export function ensureServingPki(dir: string, sans: { dns: readonly string[]; ips: readonly string[] }): ServingPki {
  const ca = existsSync(join(dir, "ca.crt")) && existsSync(join(dir, "ca.key")) ? loadCa(dir) : makeCa(dir);
  const certPath = join(dir, "apiserver.crt");
  const keyPath = join(dir, "apiserver.key");
  if (existsSync(certPath) && existsSync(keyPath)) {
    const pem = readFileSync(certPath, "utf8");
    const key = readFileSync(keyPath, "utf8");
    const x = new X509Certificate(pem);
    if (certHasSans(pem, sans.dns, sans.ips) && x.checkIssued(new X509Certificate(forge.pki.certificateToPem(ca.cert))) && isKeyOf(x, key)) {
      return { caCert: forge.pki.certificateToPem(ca.cert), caKey: ca.keyPem, cert: pem, key };
    }
  }
  const serving = newServingCert(ca, sans);
  writeFileSync(certPath, serving.cert);
  writePrivate(keyPath, serving.key);
  return { caCert: forge.pki.certificateToPem(ca.cert), caKey: ca.keyPem, ...serving };
}

/** Who a client certificate names: the user (common name) and its groups (organizations). */
export interface ClientSubject {
  commonName: string;
  organizations?: readonly string[];
}

/**
 * A client certificate for `subject` signed by the CA in `dir` (which must exist), in memory:
 * `CN=system:node:core-v2-01, O=system:nodes` authenticates as that node. Valid for a year
 * unless `validityDays` says otherwise; tests may ask for a smaller `modulusLength`.
 */
export function issueClientCertificate(dir: string, subject: ClientSubject, o: { validityDays?: number; modulusLength?: number } = {}): { cert: string; key: string } {
  return issueClientCertificateWith(readCa(dir), subject, o);
}

/** As issueClientCertificate, with a CA given in PEM (an in-memory test PKI's). */
export function issueClientCertificateWith(ca: { caCert: string; caKey: string }, subject: ClientSubject, o: { validityDays?: number; modulusLength?: number } = {}): { cert: string; key: string } {
  return signClientCertificate(parseCa(ca), subject, o);
}

function signClientCertificate(
  ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey },
  subject: ClientSubject,
  o: { validityDays?: number; modulusLength?: number },
): { cert: string; key: string } {
  const kp = rsaKeyPair(o.modulusLength);
  const cert = forge.pki.createCertificate();
  cert.publicKey = kp.forgePub;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + (o.validityDays ?? 365) * 24 * 3600_000);
  cert.setSubject([{ name: "commonName", value: subject.commonName }, ...(subject.organizations ?? []).map((value) => ({ name: "organizationName", value }))]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", clientAuth: true },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: kp.pem };
}

/**
 * The API server's client certificate for node agents (kube-apiserver's
 * --kubelet-client-certificate; kubeadm's apiserver-kubelet-client.crt and .key), issued by the
 * CA in `dir` and reused while it is for `subject`, issued by that CA, valid for at least
 * another 30 days and the certificate of the key beside it (a pair left half-replaced would make
 * every TLS handshake with an agent fail). Each API server keeps its own in its own data dir. The subject is kubeadm's
 * today: CN kube-apiserver-kubelet-client and no group, so that it is worth no more than the
 * system:kubelet-api-admin role RBAC binds to that user.
 */
export function ensureKubeletClientCertificate(dir: string, subject: ClientSubject = { commonName: KUBELET_CLIENT_USER }): { cert: string; key: string } {
  const certPath = join(dir, "apiserver-kubelet-client.crt");
  const keyPath = join(dir, "apiserver-kubelet-client.key");
  if (existsSync(certPath) && existsSync(keyPath)) {
    const pem = readFileSync(certPath, "utf8");
    const x = new X509Certificate(pem);
    const ca = new X509Certificate(readFileSync(join(dir, "ca.crt"), "utf8"));
    const wanted = [`CN=${subject.commonName}`, ...(subject.organizations ?? []).map((o) => `O=${o}`)].sort().join("\n");
    const fresh = new Date(x.validTo).getTime() - Date.now() > 30 * 24 * 3600_000;
    const key = readFileSync(keyPath, "utf8");
    if (x.checkIssued(ca) && x.verify(ca.publicKey) && fresh && x.subject.split("\n").sort().join("\n") === wanted && isKeyOf(x, key)) {
      return { cert: pem, key };
    }
  }
  const issued = issueClientCertificate(dir, subject);
  writeFileSync(certPath, issued.cert);
  writePrivate(keyPath, issued.key);
  return issued;
}

/** Whether `keyPem` is the private key of `cert`'s public key; false for a key that does not parse. */
function isKeyOf(cert: X509Certificate, keyPem: string): boolean {
  try {
    return cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

/** The admin bearer token, created once (64 hex characters) and kept 0600 in the data dir. */
export function ensureAdminToken(dir: string): string {
  const p = join(dir, "admin.token");
  if (existsSync(p)) return readFileSync(p, "utf8").trim();
  const token = randomBytes(32).toString("hex");
  writePrivate(p, `${token}\n`);
  return token;
}
