// The fields of apps/v1 ReplicaSets and Deployments that their printers read. svcnet does not
// serve these kinds yet; the printers exist so that a future apps/v1 registry prints them
// exactly as Kubernetes does.

import type { KubeObject, PodTemplateSpec } from "../types.js";
import type { LabelSelector } from "./format-labels.js";

/** apps/v1 ReplicaSet (printer view). */
export interface ReplicaSet extends KubeObject {
  spec?: { replicas?: number; selector?: LabelSelector | null; template?: PodTemplateSpec };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
}

/** apps/v1 Deployment (printer view). */
export interface Deployment extends KubeObject {
  spec?: { replicas?: number; selector?: LabelSelector | null; template?: PodTemplateSpec };
  status?: { replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number };
}
