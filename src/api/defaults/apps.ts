// apps/v1 Deployment and ReplicaSet defaults (SetDefaults_Deployment, SetDefaults_ReplicaSet):
// replicas 1; for Deployments a RollingUpdate strategy of 25%/25%, revisionHistoryLimit 10 and
// progressDeadlineSeconds 600; pod-template defaults. Mutates the object it is given.

import { isJsonObject, type JsonObject } from "../json.js";
import type { KubeObject, PodSpec } from "../types.js";
import { defaultPodSpec } from "./pod.js";

function specOf(obj: KubeObject): JsonObject {
  if (!isJsonObject(obj.spec)) obj.spec = {};
  return obj.spec as JsonObject;
}

function defaultTemplate(spec: JsonObject): void {
  const template = spec.template;
  if (isJsonObject(template) && isJsonObject(template.spec)) defaultPodSpec(template.spec as unknown as PodSpec);
}

/** Defaults an apps/v1 Deployment. */
export function defaultDeployment(obj: KubeObject): void {
  const spec = specOf(obj);
  if (typeof spec.replicas !== "number") spec.replicas = 1;
  const strategy = isJsonObject(spec.strategy) ? spec.strategy : {};
  spec.strategy = strategy;
  if (!strategy.type) strategy.type = "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const ru = isJsonObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
    ru.maxUnavailable ??= "25%";
    ru.maxSurge ??= "25%";
    strategy.rollingUpdate = ru;
  }
  if (typeof spec.revisionHistoryLimit !== "number") spec.revisionHistoryLimit = 10;
  if (typeof spec.progressDeadlineSeconds !== "number") spec.progressDeadlineSeconds = 600;
  defaultTemplate(spec);
}

/** Defaults an apps/v1 ReplicaSet. */
export function defaultReplicaSet(obj: KubeObject): void {
  const spec = specOf(obj);
  if (typeof spec.replicas !== "number") spec.replicas = 1;
  defaultTemplate(spec);
}
