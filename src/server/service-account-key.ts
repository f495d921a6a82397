// The key service account tokens are signed with, created once in the data dir next to the
// cluster CA, as kubeadm keeps sa.key and sa.pub beside its PKI: an RSA 2048 private key
// (PKCS#8 PEM, 0600) and its public key (SPKI PEM) for anyone who verifies tokens elsewhere.
// Reused on every later start, so tokens survive restarts of the server.

import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** File names in the data dir. */
export const serviceAccountKeyFiles = { privateKey: "sa.key", publicKey: "sa.pub" } as const;

/** Loads the service account signing key from `dir`, creating it (and sa.pub) on first use. */
export function ensureServiceAccountKey(dir: string): KeyObject {
  const keyPath = join(dir, serviceAccountKeyFiles.privateKey);
  const pubPath = join(dir, serviceAccountKeyFiles.publicKey);
  if (existsSync(keyPath)) {
    const key = createPrivateKey(readFileSync(keyPath, "utf8"));
    if (!existsSync(pubPath)) writeFileSync(pubPath, createPublicKey(key).export({ type: "spki", format: "pem" }).toString());
    return key;
  }
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(keyPath, privateKey.export({ type: "pkcs8", format: "pem" }).toString(), { mode: 0o600 });
  writeFileSync(pubPath, publicKey.export({ type: "spki", format: "pem" }).toString());
  return privateKey;
}
