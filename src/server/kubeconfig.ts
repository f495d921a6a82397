// The kubeconfig `svcnet server` writes for kubectl and client libraries: the cluster's CA,
// the server URL, and a credential (the admin token, or a client certificate and its key for a
// node agent); written 0600 because it holds that credential, and atomically (a new file renamed
// over the old) because a renewing node agent replaces its own while it runs, and a crash midway
// must leave the old one whole.

import { chmodSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";

export type KubeconfigInput = {
  server: string;
  caCert: string;
  clusterName?: string;
  userName?: string;
} & ({ token: string; clientCertificate?: undefined } | { token?: undefined; clientCertificate: { cert: string; key: string } });

export function renderKubeconfig(k: KubeconfigInput): string {
  const cluster = k.clusterName ?? "svcnet";
  const user = k.userName ?? "admin";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: cluster, cluster: { server: k.server, "certificate-authority-data": Buffer.from(k.caCert).toString("base64") } }],
    users: [{ name: user, user: k.clientCertificate ? { "client-certificate-data": b64(k.clientCertificate.cert), "client-key-data": b64(k.clientCertificate.key) } : { token: k.token } }],
    contexts: [{ name: cluster, context: { cluster, user, namespace: "default" } }],
    "current-context": cluster,
    preferences: {},
  });
}

function b64(text: string): string {
  return Buffer.from(text).toString("base64");
}

export function writeKubeconfig(path: string, k: KubeconfigInput): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, renderKubeconfig(k), { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
