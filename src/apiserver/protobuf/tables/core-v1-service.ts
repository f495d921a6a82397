// Protobuf field table: core/v1 Namespace and Service with their specs and statuses.
// Field numbers and wire types follow Kubernetes 1.32 (and 1.33 additions); JSON names and
// zero-value handling follow the Go types. Notation: see ../message-schema.ts.

import type { MessageSpec } from "../message-schema.js";
import { defineMessages } from "../message-schema.js";

/** Messages of k8s.io.api.core.v1 in this table. */
export const coreV1ServiceMessages: MessageSpec[] = defineMessages("k8s.io.api.core.v1", {
  Namespace: "1 metadata meta.ObjectMeta; 2 spec NamespaceSpec; 3 status NamespaceStatus",
  NamespaceSpec: "1 finalizers string[]",
  NamespaceStatus: "1 phase string; 2 conditions NamespaceCondition[]",
  NamespaceCondition: "1 type string!; 2 status string!; 4 lastTransitionTime meta.Time; 5 reason string; 6 message string",
  Service: "1 metadata meta.ObjectMeta; 2 spec ServiceSpec; 3 status ServiceStatus",
  ServiceSpec:
    "1 ports ServicePort[]; 2 selector map<string>; 3 clusterIP string; 18 clusterIPs string[]; 4 type string; " +
    "5 externalIPs string[]; 7 sessionAffinity string; 8 loadBalancerIP string; " +
    "9 loadBalancerSourceRanges string[]; 10 externalName string; 11 externalTrafficPolicy string; " +
    "12 healthCheckNodePort int32; 13 publishNotReadyAddresses bool; " +
    "14 sessionAffinityConfig SessionAffinityConfig; 19 ipFamilies string[]; 17 ipFamilyPolicy string?; " +
    "20 allocateLoadBalancerNodePorts bool?; 21 loadBalancerClass string?; 22 internalTrafficPolicy string?; " +
    "23 trafficDistribution string?",
  ServicePort:
    "1 name string; 2 protocol string; 6 appProtocol string?; 3 port int32!; 4 targetPort intstr.IntOrString; " +
    "5 nodePort int32",
  SessionAffinityConfig: "1 clientIP ClientIPConfig",
  ClientIPConfig: "1 timeoutSeconds int32?",
  ServiceStatus: "1 loadBalancer LoadBalancerStatus; 2 conditions meta.Condition[]",
  LoadBalancerStatus: "1 ingress LoadBalancerIngress[]",
  LoadBalancerIngress: "1 ip string; 2 hostname string; 3 ipMode string?; 4 ports PortStatus[]",
  PortStatus: "1 port int32!; 2 protocol string!; 3 error string?",
});
