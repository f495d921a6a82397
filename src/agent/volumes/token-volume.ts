// The service account token volume of a pod, as the agent fills it: which projected volume the
// containers mount at /var/run/secrets/kubernetes.io/serviceaccount, what it is made of (a
// token for an audience and lifetime, keys of ConfigMaps, downward API fields), the files that
// result, and when the token must be refreshed. Pure; token-volumes.ts does the I/O.
//
// svcnet supports projected volumes only at that path (the one ServiceAccount admission adds);
// other volumes are not mounted.

import { isJsonObject } from "../../api/json.js";
import type { JsonObject } from "../../api/json.js";
import { tokenMountPath } from "../../api/service-account-volume.js";
import type { ConfigMap, Pod } from "../../api/types.js";
import { fieldRefValue } from "../envvars/field-ref.js";

/** The token part of a projected volume. */
export interface TokenSource {
  path: string;
  /** "" for the API server's own audiences. */
  audience: string;
  expirationSeconds: number;
}

/** A projected volume reduced to what the agent needs. */
export interface TokenVolume {
  name: string;
  token?: TokenSource;
  configMaps: { name: string; optional: boolean; items: { key: string; path: string }[] }[];
  downwardAPI: { path: string; fieldPath: string }[];
}

const objects = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** The default lifetime of a projected token when the volume gives none (an hour). */
const defaultProjectedExpirationSeconds = 3600;

/**
 * The projected volume some container of `pod` mounts at the token path, or undefined when none
 * does (automounting off, or a pod from before service accounts).
 */
export function tokenVolumeOf(pod: Pod): TokenVolume | undefined {
  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  const mount = containers.flatMap((c) => objects(c.volumeMounts)).find((m) => m.mountPath === tokenMountPath);
  if (!mount) return undefined;
  const volume = objects(pod.spec.volumes).find((v) => v.name === mount.name);
  if (!volume || !isJsonObject(volume.projected)) return undefined;
  const out: TokenVolume = { name: str(volume.name), configMaps: [], downwardAPI: [] };
  for (const source of objects(volume.projected.sources)) {
    const sat = source.serviceAccountToken;
    if (isJsonObject(sat)) {
      const exp = typeof sat.expirationSeconds === "number" ? sat.expirationSeconds : defaultProjectedExpirationSeconds;
      out.token = { path: str(sat.path), audience: str(sat.audience), expirationSeconds: exp };
    }
    const cm = source.configMap;
    if (isJsonObject(cm)) {
      out.configMaps.push({
        name: str(cm.name),
        optional: cm.optional === true,
        items: objects(cm.items).map((i) => ({ key: str(i.key), path: str(i.path) })),
      });
    }
    const dapi = source.downwardAPI;
    if (isJsonObject(dapi)) {
      for (const item of objects(dapi.items)) {
        if (isJsonObject(item.fieldRef)) out.downwardAPI.push({ path: str(item.path), fieldPath: str(item.fieldRef.fieldPath) });
      }
    }
  }
  return out;
}

/** The body of the TokenRequest for `pod`'s token source, bound to the pod as kubelet binds it. */
export function tokenRequestFor(pod: Pod, source: TokenSource): JsonObject {
  return {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    metadata: {},
    spec: {
      audiences: source.audience ? [source.audience] : null,
      expirationSeconds: source.expirationSeconds,
      boundObjectRef: { apiVersion: "v1", kind: "Pod", name: pod.metadata.name ?? "", uid: pod.metadata.uid ?? "" },
    },
  };
}

export type ProjectedFiles = { ok: true; files: Record<string, string> } | { ok: false; error: string };

/**
 * The files of the volume: the token, the ConfigMaps' keys (every key when no items are listed)
 * and the downward API fields. A missing ConfigMap that is not optional, or a key it lacks, is
 * an error in kubelet's words (the container then waits).
 */
export function projectedFiles(pod: Pod, vol: TokenVolume, o: { token?: string; configMaps: ReadonlyMap<string, ConfigMap | undefined> }): ProjectedFiles {
  const files: Record<string, string> = {};
  if (vol.token) {
    if (o.token === undefined) return { ok: false, error: "no token" };
    files[vol.token.path] = o.token;
  }
  for (const src of vol.configMaps) {
    const cm = o.configMaps.get(src.name);
    if (!cm) {
      if (src.optional) continue;
      return { ok: false, error: `configmap "${src.name}" not found` };
    }
    const data = cm.data ?? {};
    const items = src.items.length > 0 ? src.items : Object.keys(data).sort().map((key) => ({ key, path: key }));
    for (const item of items) {
      if (!(item.key in data)) {
        if (src.optional) continue;
        return { ok: false, error: `configmap references non-existent config key: ${item.key}` };
      }
      files[item.path] = data[item.key];
    }
  }
  for (const item of vol.downwardAPI) {
    try {
      files[item.path] = fieldRefValue(pod, item.fieldPath);
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }
  return { ok: true, files };
}

/** Tokens are refreshed once this share of their lifetime has passed (kubelet: 80 %). */
export const refreshAfterShare = 0.8;
/** …and at the latest once they are this old, whatever their lifetime (kubelet: 24 h). */
export const maxTokenAgeMs = 24 * 3600 * 1000;

/**
 * When a token must be replaced: 80 % into the lifetime the TokenRequest asked for
 * (expirationTimestamp minus 20 % of the requested seconds), and no later than 24 h after issue.
 * Returns epoch ms.
 */
export function tokenRefreshAt(t: { expirationTimestamp: string; expirationSeconds: number }): number {
  const exp = Date.parse(t.expirationTimestamp);
  const ttlMs = t.expirationSeconds * 1000;
  const issued = exp - ttlMs;
  return Math.min(issued + ttlMs * refreshAfterShare, issued + maxTokenAgeMs);
}
