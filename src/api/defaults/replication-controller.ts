// ReplicationController defaults (Kubernetes' SetDefaults_ReplicationController): replicas 1,
// selector and object labels taken from the template's labels when unset, and pod-template
// defaults. Mutates the object it is given.

import { isJsonObject } from "../json.js";
import type { ReplicationController } from "../types.js";
import { defaultPodSpec } from "./pod.js";

/**
 * Defaults an RC. Note that Kubernetes copies template labels into an empty selector (and
 * into empty object labels), never the other way round: a template without labels stays so
 * and fails validation.
 */
export function defaultReplicationController(rc: ReplicationController): void {
  if (!isJsonObject(rc.spec)) rc.spec = {};
  const spec = rc.spec;
  const template = isJsonObject(spec.template) ? spec.template : undefined;
  const raw = template && isJsonObject(template.metadata) && isJsonObject(template.metadata.labels) ? template.metadata.labels : undefined;
  const labels = raw ? Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string")) : undefined;
  if (labels) {
    if (!isJsonObject(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    if (!isJsonObject(rc.metadata.labels) || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...labels };
  }
  if (typeof spec.replicas !== "number") spec.replicas = 1;
  if (template && isJsonObject(template.spec)) defaultPodSpec(template.spec);
}
