// What a joining machine needs to find and trust a cluster, as kubeadm's token discovery does:
// the `cluster-info` ConfigMap in kube-public (a kubeconfig with the server and the CA, readable
// without credentials) and the CA pin `sha256:<hex>` — the SHA-256 of the CA certificate's DER
// SubjectPublicKeyInfo, kubeadm's --discovery-token-ca-cert-hash. Pure.

import { createHash, X509Certificate } from "node:crypto";
import { parse, stringify } from "yaml";
import type { ConfigMap } from "../api/types.js";

export const clusterInfoNamespace = "kube-public";
export const clusterInfoName = "cluster-info";
/** The ConfigMap key holding the kubeconfig. */
export const clusterInfoKey = "kubeconfig";
/** The one request anonymous clients may make beyond health and version. */
export const clusterInfoPath = `/api/v1/namespaces/${clusterInfoNamespace}/configmaps/${clusterInfoName}`;

/** Is this request the unauthenticated read of cluster-info (GET of that one object)? */
export function isClusterInfoRead(method: string, path: string): boolean {
  return (method === "GET" || method === "HEAD") && path === clusterInfoPath;
}

/** kubeadm's CA pin of a PEM certificate: "sha256:" + hex SHA-256 of its DER SubjectPublicKeyInfo. */
export function caCertHash(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return `sha256:${createHash("sha256").update(spki).digest("hex")}`;
}

/** A --ca-cert-hash value, normalised to lower case; or why it is not one. */
export function parseCaCertHash(text: string): { ok: true; hash: string } | { ok: false; error: string } {
  const m = /^sha256:([0-9a-f]{64})$/i.exec(text.trim());
  if (!m) return { ok: false, error: `--ca-cert-hash must be sha256:<64 hex digits> (as 'svcnet server' prints it), got ${JSON.stringify(text)}` };
  return { ok: true, hash: `sha256:${m[1].toLowerCase()}` };
}

/** The cluster-info ConfigMap: a kubeconfig naming the server and carrying the CA, no user. */
export function clusterInfoConfigMap(o: { server: string; caCert: string }): ConfigMap {
  const kubeconfig = stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "", cluster: { server: o.server, "certificate-authority-data": Buffer.from(o.caCert).toString("base64") } }],
    contexts: [],
    "current-context": "",
    preferences: {},
    users: [],
  });
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: clusterInfoName, namespace: clusterInfoNamespace }, data: { [clusterInfoKey]: kubeconfig } };
}

/** The server and CA a cluster-info ConfigMap (as JSON from the API) announces; or what is wrong with it. */
export function readClusterInfo(body: unknown): { ok: true; server: string; caCert: string } | { ok: false; error: string } {
  const data = (body as { data?: Record<string, unknown> } | null)?.data;
  const text = data?.[clusterInfoKey];
  if (typeof text !== "string") return { ok: false, error: `${clusterInfoNamespace}/${clusterInfoName} has no ${clusterInfoKey}` };
  let config: unknown;
  try {
    config = parse(text);
  } catch {
    return { ok: false, error: `${clusterInfoNamespace}/${clusterInfoName}: its kubeconfig is not YAML` };
  }
  const clusters = (config as { clusters?: unknown } | null)?.clusters;
  const cluster = Array.isArray(clusters) ? (clusters[0] as { cluster?: Record<string, unknown> } | undefined)?.cluster : undefined;
  const server = cluster?.server;
  const ca = cluster?.["certificate-authority-data"];
  if (typeof server !== "string" || typeof ca !== "string") return { ok: false, error: `${clusterInfoNamespace}/${clusterInfoName}: its kubeconfig lacks a cluster with server and certificate-authority-data` };
  const caCert = Buffer.from(ca, "base64").toString("utf8");
  try {
    new X509Certificate(caCert);
  } catch {
    return { ok: false, error: `${clusterInfoNamespace}/${clusterInfoName}: its CA is not a certificate` };
  }
  return { ok: true, server, caCert };
}
