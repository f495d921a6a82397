// Protobuf field table: core/v1 pod templates: PodSpec, containers and what they reference (env,
// ports, resources, mounts).
// Field numbers and wire types follow Kubernetes 1.32 (and 1.33 additions); JSON names and
// zero-value handling follow the Go types. Notation: see ../message-schema.ts.

import type { MessageSpec } from "../message-schema.js";
import { defineMessages } from "../message-schema.js";

/** Messages of k8s.io.api.core.v1 in this table. */
export const coreV1PodMessages: MessageSpec[] = defineMessages("k8s.io.api.core.v1", {
  PodTemplateSpec: "1 metadata meta.ObjectMeta; 2 spec PodSpec",
  PodSpec:
    "1 volumes Volume[]; 20 initContainers Container[]; 2 containers Container[]; " +
    "34 ephemeralContainers EphemeralContainer[]; 3 restartPolicy string; 4 terminationGracePeriodSeconds int64?; " +
    "5 activeDeadlineSeconds int64?; 6 dnsPolicy string; 7 nodeSelector map<string>; 8 serviceAccountName string; " +
    "9 serviceAccount string; 21 automountServiceAccountToken bool?; 10 nodeName string; 11 hostNetwork bool; " +
    "12 hostPID bool; 13 hostIPC bool; 27 shareProcessNamespace bool?; 14 securityContext PodSecurityContext; " +
    "15 imagePullSecrets LocalObjectReference[]; 16 hostname string; 17 subdomain string; 18 affinity Affinity; " +
    "19 schedulerName string; 22 tolerations Toleration[]; 23 hostAliases HostAlias[]; " +
    "24 priorityClassName string; 25 priority int32?; 26 dnsConfig PodDNSConfig; " +
    "28 readinessGates PodReadinessGate[]; 29 runtimeClassName string?; 30 enableServiceLinks bool?; " +
    "31 preemptionPolicy string?; 32 overhead map<resource.Quantity>; " +
    "33 topologySpreadConstraints TopologySpreadConstraint[]; 35 setHostnameAsFQDN bool?; 36 os PodOS; " +
    "37 hostUsers bool?; 38 schedulingGates PodSchedulingGate[]; 39 resourceClaims PodResourceClaim[]; " +
    "40 resources ResourceRequirements",
  Container:
    "1 name string!; 2 image string; 3 command string[]; 4 args string[]; 5 workingDir string; " +
    "6 ports ContainerPort[]; 19 envFrom EnvFromSource[]; 7 env EnvVar[]; 8 resources ResourceRequirements; " +
    "23 resizePolicy ContainerResizePolicy[]; 24 restartPolicy string?; 9 volumeMounts VolumeMount[]; " +
    "21 volumeDevices VolumeDevice[]; 10 livenessProbe Probe; 11 readinessProbe Probe; 22 startupProbe Probe; " +
    "12 lifecycle Lifecycle; 13 terminationMessagePath string; 20 terminationMessagePolicy string; " +
    "14 imagePullPolicy string; 15 securityContext SecurityContext; 16 stdin bool; 17 stdinOnce bool; 18 tty bool",
  EphemeralContainer: "1 ephemeralContainerCommon ...EphemeralContainerCommon; 2 targetContainerName string",
  EphemeralContainerCommon:
    "1 name string!; 2 image string; 3 command string[]; 4 args string[]; 5 workingDir string; " +
    "6 ports ContainerPort[]; 19 envFrom EnvFromSource[]; 7 env EnvVar[]; 8 resources ResourceRequirements; " +
    "23 resizePolicy ContainerResizePolicy[]; 24 restartPolicy string?; 9 volumeMounts VolumeMount[]; " +
    "21 volumeDevices VolumeDevice[]; 10 livenessProbe Probe; 11 readinessProbe Probe; 22 startupProbe Probe; " +
    "12 lifecycle Lifecycle; 13 terminationMessagePath string; 20 terminationMessagePolicy string; " +
    "14 imagePullPolicy string; 15 securityContext SecurityContext; 16 stdin bool; 17 stdinOnce bool; 18 tty bool",
  ContainerPort: "1 name string; 2 hostPort int32; 3 containerPort int32!; 4 protocol string; 5 hostIP string",
  EnvFromSource: "1 prefix string; 2 configMapRef ConfigMapEnvSource; 3 secretRef SecretEnvSource",
  ConfigMapEnvSource: "1 localObjectReference ...LocalObjectReference; 2 optional bool?",
  SecretEnvSource: "1 localObjectReference ...LocalObjectReference; 2 optional bool?",
  EnvVar: "1 name string!; 2 value string; 3 valueFrom EnvVarSource",
  EnvVarSource:
    "1 fieldRef ObjectFieldSelector; 2 resourceFieldRef ResourceFieldSelector; " +
    "3 configMapKeyRef ConfigMapKeySelector; 4 secretKeyRef SecretKeySelector",
  ConfigMapKeySelector: "1 localObjectReference ...LocalObjectReference; 2 key string!; 3 optional bool?",
  SecretKeySelector: "1 localObjectReference ...LocalObjectReference; 2 key string!; 3 optional bool?",
  ObjectFieldSelector: "1 apiVersion string; 2 fieldPath string!",
  ResourceFieldSelector: "1 containerName string; 2 resource string!; 3 divisor resource.Quantity",
  LocalObjectReference: "1 name string",
  ResourceRequirements: "1 limits map<resource.Quantity>; 2 requests map<resource.Quantity>; 3 claims ResourceClaim[]",
  ResourceClaim: "1 name string!; 2 request string",
  ContainerResizePolicy: "1 resourceName string!; 2 restartPolicy string!",
  VolumeMount:
    "1 name string!; 2 readOnly bool; 7 recursiveReadOnly string?; 3 mountPath string!; 4 subPath string; " +
    "5 mountPropagation string?; 6 subPathExpr string",
  VolumeDevice: "1 name string!; 2 devicePath string!",
  HostAlias: "1 ip string!; 2 hostnames string[]",
  PodDNSConfig: "1 nameservers string[]; 2 searches string[]; 3 options PodDNSConfigOption[]",
  PodDNSConfigOption: "1 name string; 2 value string?",
  PodReadinessGate: "1 conditionType string!",
  PodOS: "1 name string!",
  PodSchedulingGate: "1 name string!",
  PodResourceClaim: "1 name string!; 3 resourceClaimName string?; 4 resourceClaimTemplateName string?",
});
