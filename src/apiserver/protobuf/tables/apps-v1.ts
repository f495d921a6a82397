// Protobuf field table: apps/v1 Deployment with its spec and status.
// Field numbers and wire types follow Kubernetes 1.32 (and 1.33 additions); JSON names and
// zero-value handling follow the Go types. Notation: see ../message-schema.ts.

import type { MessageSpec } from "../message-schema.js";
import { defineMessages } from "../message-schema.js";

/** Messages of k8s.io.api.apps.v1 in this table. */
export const appsV1Messages: MessageSpec[] = defineMessages("k8s.io.api.apps.v1", {
  Deployment: "1 metadata meta.ObjectMeta; 2 spec DeploymentSpec; 3 status DeploymentStatus",
  DeploymentSpec:
    "1 replicas int32?; 2 selector meta.LabelSelector; 3 template core.PodTemplateSpec; " +
    "4 strategy DeploymentStrategy; 5 minReadySeconds int32; 6 revisionHistoryLimit int32?; 7 paused bool; " +
    "9 progressDeadlineSeconds int32?",
  DeploymentStrategy: "1 type string; 2 rollingUpdate RollingUpdateDeployment",
  RollingUpdateDeployment: "1 maxUnavailable intstr.IntOrString; 2 maxSurge intstr.IntOrString",
  DeploymentStatus:
    "1 observedGeneration int64; 2 replicas int32; 3 updatedReplicas int32; 7 readyReplicas int32; " +
    "4 availableReplicas int32; 5 unavailableReplicas int32; 6 conditions DeploymentCondition[]; " +
    "8 collisionCount int32?; 9 terminatingReplicas int32?",
  DeploymentCondition:
    "1 type string!; 2 status string!; 6 lastUpdateTime meta.Time; 7 lastTransitionTime meta.Time; " +
    "4 reason string; 5 message string",
});
