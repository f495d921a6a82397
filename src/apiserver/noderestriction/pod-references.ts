// Which Secrets, ConfigMaps and ServiceAccounts a pod refers to (Kubernetes' Node authorizer
// builds its graph from the same edges): volumes (secret, configMap, projected sources), env
// valueFrom and envFrom of every container and init container, imagePullSecrets, and the pod's
// service account. A node may read an object only through such an edge from a pod bound to it.

import type { JsonObject, JsonValue } from "../../api/json.js";
import { isJsonObject } from "../../api/json.js";
import type { Pod } from "../../api/types.js";

export type ReferencedKind = "secrets" | "configmaps" | "serviceaccounts";

export interface PodReferences {
  secrets: Set<string>;
  configmaps: Set<string>;
  serviceaccounts: Set<string>;
}

const str = (v: JsonValue | undefined): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const objects = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);

/** The names (in the pod's namespace) of what `pod` refers to, by kind. */
export function podReferences(pod: Pod): PodReferences {
  const refs: PodReferences = { secrets: new Set(), configmaps: new Set(), serviceaccounts: new Set() };
  const add = (kind: ReferencedKind, name: string | undefined): void => {
    if (name) refs[kind].add(name);
  };
  const spec = pod.spec as unknown as JsonObject;
  add("serviceaccounts", str(spec.serviceAccountName) ?? str(spec.serviceAccount) ?? "default");
  for (const s of objects(spec.imagePullSecrets)) add("secrets", str(s.name));
  for (const v of objects(spec.volumes)) {
    if (isJsonObject(v.secret)) add("secrets", str(v.secret.secretName));
    if (isJsonObject(v.configMap)) add("configmaps", str(v.configMap.name));
    if (isJsonObject(v.projected)) {
      for (const source of objects(v.projected.sources)) {
        if (isJsonObject(source.secret)) add("secrets", str(source.secret.name));
        if (isJsonObject(source.configMap)) add("configmaps", str(source.configMap.name));
      }
    }
  }
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers), ...objects(spec.ephemeralContainers)]) {
    for (const e of objects(c.env)) {
      const from = isJsonObject(e.valueFrom) ? e.valueFrom : undefined;
      if (from && isJsonObject(from.secretKeyRef)) add("secrets", str(from.secretKeyRef.name));
      if (from && isJsonObject(from.configMapKeyRef)) add("configmaps", str(from.configMapKeyRef.name));
    }
    for (const e of objects(c.envFrom)) {
      if (isJsonObject(e.secretRef)) add("secrets", str(e.secretRef.name));
      if (isJsonObject(e.configMapRef)) add("configmaps", str(e.configMapRef.name));
    }
  }
  return refs;
}
