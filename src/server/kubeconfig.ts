// The kubeconfig `svcnet server` writes for kubectl and client libraries: the cluster's CA,
// the server URL, and the admin token; written 0600 because it holds a credential.

import { writeFileSync, chmodSync } from "node:fs";
import { stringify } from "yaml";

export interface KubeconfigInput {
  server: string;
  caCert: string;
  token: string;
  clusterName?: string;
  userName?: string;
}

export function renderKubeconfig(k: KubeconfigInput): string {
  const cluster = k.clusterName ?? "svcnet";
  const user = k.userName ?? "admin";
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: cluster, cluster: { server: k.server, "certificate-authority-data": Buffer.from(k.caCert).toString("base64") } }],
    users: [{ name: user, user: { token: k.token } }],
    contexts: [{ name: cluster, context: { cluster, user, namespace: "default" } }],
    "current-context": cluster,
    preferences: {},
  });
}

export function writeKubeconfig(path: string, k: KubeconfigInput): void {
  writeFileSync(path, renderKubeconfig(k), { mode: 0o600 });
  chmodSync(path, 0o600);
}
