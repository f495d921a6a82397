// The ServiceAccount admission plugin's behaviour on pod create (Kubernetes 1.32): a pod runs as
// `default` unless it names a service account; that account must exist (a missing `default` is
// looked for a few more times, since the controller creates it right after the namespace);
// unless the pod or the account turns automounting off, every container gets the projected
// volume `kube-api-access-<5 random>` (a bound token, the cluster CA from kube-root-ca.crt, the
// namespace) read-only at /var/run/secrets/kubernetes.io/serviceaccount; and a pod without
// imagePullSecrets takes the account's. The decisions are pure; the lookup is injected. The
// volume's names and shape are in api/service-account-volume.ts.

import { setTimeout as sleep } from "node:timers/promises";
import { ApiError } from "../api/errors.js";
import type { JsonObject } from "../api/json.js";
import { isJsonObject } from "../api/json.js";
import { defaultServiceAccountName, tokenMountPath, tokenVolumePrefix, tokenVolumeSource } from "../api/service-account-volume.js";
import type { Container, Pod, ServiceAccount } from "../api/types.js";

/** The pod's choice wins, then the account's; by default tokens are mounted. */
export function shouldAutomount(sa: ServiceAccount, pod: Pod): boolean {
  if (typeof pod.spec.automountServiceAccountToken === "boolean") return pod.spec.automountServiceAccountToken;
  if (typeof sa.automountServiceAccountToken === "boolean") return sa.automountServiceAccountToken;
  return true;
}

const objects = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);

/**
 * Adds the token volume and its mount: a container that already mounts something at the token
 * path is left alone; an existing `kube-api-access-*` volume is reused; the volume is added only
 * when some container mounts it. `volumeName` makes the name (generateName of the prefix).
 */
export function mountServiceAccountToken(pod: Pod, volumeName: (prefix: string) => string): void {
  const volumes = objects(pod.spec.volumes);
  const existing = volumes.find((v) => typeof v.name === "string" && v.name.startsWith(tokenVolumePrefix));
  const name = typeof existing?.name === "string" ? existing.name : volumeName(tokenVolumePrefix);
  let needed = false;
  const containers: Container[] = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  for (const c of containers) {
    const mounts = objects(c.volumeMounts);
    if (mounts.some((m) => m.mountPath === tokenMountPath)) continue;
    c.volumeMounts = [...mounts, { name, readOnly: true, mountPath: tokenMountPath }];
    needed = true;
  }
  if (!existing && needed) pod.spec.volumes = [...volumes, { name, projected: tokenVolumeSource() }];
}

/** Applies the plugin to a pod whose service account `sa` exists. Mutates the pod. */
export function admitPodServiceAccount(pod: Pod, sa: ServiceAccount, volumeName: (prefix: string) => string): void {
  pod.spec.serviceAccountName ||= defaultServiceAccountName;
  pod.spec.serviceAccount = pod.spec.serviceAccountName;
  if (shouldAutomount(sa, pod)) mountServiceAccountToken(pod, volumeName);
  const pullSecrets = objects(pod.spec.imagePullSecrets);
  if (pullSecrets.length === 0 && (sa.imagePullSecrets ?? []).length > 0) {
    pod.spec.imagePullSecrets = (sa.imagePullSecrets ?? []).map((s) => ({ name: s.name ?? "" }));
  }
}

export interface ServiceAccountLookupOptions {
  /** Tries for the `default` account (others get one); default 10, as Kubernetes. */
  defaultAttempts?: number;
  /** Pause between tries; default a random 100–200 ms, as Kubernetes. */
  retryMs?: () => number;
  wait?: (ms: number) => Promise<void>;
}

/**
 * Finds the pod's service account, or throws Kubernetes' 403: `pods "<name>" is forbidden: error
 * looking up service account <ns>/<sa>: serviceaccount "<sa>" not found`.
 */
export async function requireServiceAccount(
  find: (namespace: string, name: string) => Promise<ServiceAccount | undefined>,
  pod: Pod,
  o: ServiceAccountLookupOptions = {},
): Promise<ServiceAccount> {
  const ns = pod.metadata.namespace ?? "";
  const name = pod.spec.serviceAccountName || defaultServiceAccountName;
  const attempts = name === defaultServiceAccountName ? (o.defaultAttempts ?? 10) : 1;
  const pause = o.retryMs ?? (() => 100 + Math.floor(Math.random() * 100));
  const wait = o.wait ?? ((ms: number) => sleep(ms));
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await wait(pause());
    const sa = await find(ns, name);
    if (sa) return sa;
  }
  throw ApiError.forbidden(
    { group: "", resource: "pods" },
    pod.metadata.name ?? "",
    `error looking up service account ${ns}/${name}: serviceaccount "${name}" not found`,
  );
}
