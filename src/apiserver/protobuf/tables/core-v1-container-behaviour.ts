// Protobuf field table: core/v1 probes, lifecycle hooks and security contexts of containers and
// pods.
// Field numbers and wire types follow Kubernetes 1.32 (and 1.33 additions); JSON names and
// zero-value handling follow the Go types. Notation: see ../message-schema.ts.

import type { MessageSpec } from "../message-schema.js";
import { defineMessages } from "../message-schema.js";

/** Messages of k8s.io.api.core.v1 in this table. */
export const coreV1ContainerBehaviourMessages: MessageSpec[] = defineMessages("k8s.io.api.core.v1", {
  Probe:
    "1 handler ...ProbeHandler; 2 initialDelaySeconds int32; 3 timeoutSeconds int32; 4 periodSeconds int32; " +
    "5 successThreshold int32; 6 failureThreshold int32; 7 terminationGracePeriodSeconds int64?",
  ProbeHandler: "1 exec ExecAction; 2 httpGet HTTPGetAction; 3 tcpSocket TCPSocketAction; 4 grpc GRPCAction",
  ExecAction: "1 command string[]",
  HTTPGetAction: "1 path string; 2 port intstr.IntOrString; 3 host string; 4 scheme string; 5 httpHeaders HTTPHeader[]",
  HTTPHeader: "1 name string!; 2 value string!",
  TCPSocketAction: "1 port intstr.IntOrString; 2 host string",
  GRPCAction: "1 port int32!; 2 service string?",
  Lifecycle: "1 postStart LifecycleHandler; 2 preStop LifecycleHandler; 3 stopSignal string?",
  LifecycleHandler: "1 exec ExecAction; 2 httpGet HTTPGetAction; 3 tcpSocket TCPSocketAction; 4 sleep SleepAction",
  SleepAction: "1 seconds int64!",
  SecurityContext:
    "1 capabilities Capabilities; 2 privileged bool?; 3 seLinuxOptions SELinuxOptions; " +
    "10 windowsOptions WindowsSecurityContextOptions; 4 runAsUser int64?; 8 runAsGroup int64?; " +
    "5 runAsNonRoot bool?; 6 readOnlyRootFilesystem bool?; 7 allowPrivilegeEscalation bool?; 9 procMount string?; " +
    "11 seccompProfile SeccompProfile; 12 appArmorProfile AppArmorProfile",
  Capabilities: "1 add string[]; 2 drop string[]",
  SELinuxOptions: "1 user string; 2 role string; 3 type string; 4 level string",
  WindowsSecurityContextOptions:
    "1 gmsaCredentialSpecName string?; 2 gmsaCredentialSpec string?; 3 runAsUserName string?; 4 hostProcess bool?",
  SeccompProfile: "1 type string!; 2 localhostProfile string?",
  AppArmorProfile: "1 type string!; 2 localhostProfile string?",
  PodSecurityContext:
    "1 seLinuxOptions SELinuxOptions; 8 windowsOptions WindowsSecurityContextOptions; 2 runAsUser int64?; " +
    "6 runAsGroup int64?; 3 runAsNonRoot bool?; 4 supplementalGroups int64[]; 12 supplementalGroupsPolicy string?; " +
    "5 fsGroup int64?; 7 sysctls Sysctl[]; 9 fsGroupChangePolicy string?; 10 seccompProfile SeccompProfile; " +
    "11 appArmorProfile AppArmorProfile; 13 seLinuxChangePolicy string?",
  Sysctl: "1 name string!; 2 value string!",
});
