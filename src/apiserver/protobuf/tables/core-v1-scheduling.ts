// Protobuf field table: core/v1 scheduling constraints of a pod: affinity, tolerations, topology
// spread.
// Field numbers and wire types follow Kubernetes 1.32 (and 1.33 additions); JSON names and
// zero-value handling follow the Go types. Notation: see ../message-schema.ts.

import type { MessageSpec } from "../message-schema.js";
import { defineMessages } from "../message-schema.js";

/** Messages of k8s.io.api.core.v1 in this table. */
export const coreV1SchedulingMessages: MessageSpec[] = defineMessages("k8s.io.api.core.v1", {
  Affinity: "1 nodeAffinity NodeAffinity; 2 podAffinity PodAffinity; 3 podAntiAffinity PodAntiAffinity",
  NodeAffinity:
    "1 requiredDuringSchedulingIgnoredDuringExecution NodeSelector; " +
    "2 preferredDuringSchedulingIgnoredDuringExecution PreferredSchedulingTerm[]",
  NodeSelector: "1 nodeSelectorTerms NodeSelectorTerm[]",
  NodeSelectorTerm: "1 matchExpressions NodeSelectorRequirement[]; 2 matchFields NodeSelectorRequirement[]",
  NodeSelectorRequirement: "1 key string!; 2 operator string!; 3 values string[]",
  PreferredSchedulingTerm: "1 weight int32!; 2 preference NodeSelectorTerm",
  PodAffinity:
    "1 requiredDuringSchedulingIgnoredDuringExecution PodAffinityTerm[]; " +
    "2 preferredDuringSchedulingIgnoredDuringExecution WeightedPodAffinityTerm[]",
  PodAntiAffinity:
    "1 requiredDuringSchedulingIgnoredDuringExecution PodAffinityTerm[]; " +
    "2 preferredDuringSchedulingIgnoredDuringExecution WeightedPodAffinityTerm[]",
  PodAffinityTerm:
    "1 labelSelector meta.LabelSelector; 2 namespaces string[]; 3 topologyKey string!; " +
    "4 namespaceSelector meta.LabelSelector; 5 matchLabelKeys string[]; 6 mismatchLabelKeys string[]",
  WeightedPodAffinityTerm: "1 weight int32!; 2 podAffinityTerm PodAffinityTerm",
  Toleration: "1 key string; 2 operator string; 3 value string; 4 effect string; 5 tolerationSeconds int64?",
  TopologySpreadConstraint:
    "1 maxSkew int32!; 2 topologyKey string!; 3 whenUnsatisfiable string!; 4 labelSelector meta.LabelSelector; " +
    "5 minDomains int32?; 6 nodeAffinityPolicy string?; 7 nodeTaintsPolicy string?; 8 matchLabelKeys string[]",
});
