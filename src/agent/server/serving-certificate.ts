// The kubelet endpoint's serving certificate: self-signed, made in memory at every start, as
// kubelet makes one when it is given no --tls-cert-file. Nobody can verify it against a CA; the
// API server instead pins the hash the agent publishes with its Node (node-annotations.ts).

import { generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { servingCertHash } from "../../api/node-annotations.js";

export interface ServingCertificate {
  cert: string;
  key: string;
  /** sha256:<hex> of the certificate, as the agent publishes it. */
  hash: string;
}

/**
 * A self-signed certificate for `host` (an IP address) valid for a year, CN `<node>@<epoch
 * seconds>` as kubelet names its own. Tests may ask for a smaller `modulusLength` (default 2048).
 */
export function selfSignedServingCertificate(node: string, host: string, o: { modulusLength?: number; now?: Date } = {}): ServingCertificate {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: o.modulusLength ?? 2048 });
  const key = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(key) as forge.pki.rsa.PrivateKey;
  const now = o.now ?? new Date();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  cert.serialNumber = serial.toString("hex");
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 365 * 24 * 3600_000);
  const subject = [{ name: "commonName", value: `${node}@${Math.floor(now.getTime() / 1000)}` }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: [{ type: 7, ip: host }] },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  return { cert: pem, key, hash: servingCertHash(new X509Certificate(pem).raw) };
}
