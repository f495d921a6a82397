// The names and shape Kubernetes gives a pod's service account token volume, shared by the
// admission that adds it (registry), the controller that publishes its CA (controllers) and the
// agent that fills it (agent): the projected volume `kube-api-access-<5 random>` with a bound
// token, ca.crt from the ConfigMap kube-root-ca.crt and the pod's namespace, mounted read-only
// at /var/run/secrets/kubernetes.io/serviceaccount.

import { defaultVolumeMode } from "./defaults/pod.js";
import type { JsonObject } from "./json.js";

/** The service account of a pod that names none. */
export const defaultServiceAccountName = "default";
/** The prefix of the token volume's name. */
export const tokenVolumePrefix = "kube-api-access-";
/** Where containers find token, ca.crt and namespace. */
export const tokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
/** The ConfigMap holding the cluster CA in every namespace (root-ca-cert-publisher). */
export const rootCAConfigMapName = "kube-root-ca.crt";
/**
 * The token lifetime the volume asks for: an hour and seven seconds, which the API server
 * recognises (see apiserver/serviceaccount/claims.ts).
 */
export const projectedTokenExpirationSeconds = 60 * 60 + 7;

/** The projected volume source of the token volume, as the admission plugin writes it. */
export function tokenVolumeSource(): JsonObject {
  return {
    defaultMode: defaultVolumeMode,
    sources: [
      { serviceAccountToken: { expirationSeconds: projectedTokenExpirationSeconds, path: "token" } },
      { configMap: { name: rootCAConfigMapName, items: [{ key: "ca.crt", path: "ca.crt" }] } },
      { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
    ],
  };
}
