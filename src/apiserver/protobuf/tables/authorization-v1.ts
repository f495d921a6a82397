// Protobuf field table: authorization.k8s.io/v1 access reviews (what `kubectl auth can-i` sends:
// a SelfSubjectAccessReview, or with --list a SelfSubjectRulesReview), and the other reviews a
// client may post. Field numbers follow Kubernetes 1.32's generated.proto; JSON names and
// zero-value handling follow the Go types. ExtraValue is a well-known decoder (a list of strings
// in JSON). Notation: see ../message-schema.ts.

import type { MessageSpec } from "../message-schema.js";
import { defineMessages } from "../message-schema.js";

/** Messages of k8s.io.api.authorization.v1 in this table. */
export const authorizationV1Messages: MessageSpec[] = defineMessages("k8s.io.api.authorization.v1", {
  SelfSubjectAccessReview: "1 metadata meta.ObjectMeta; 2 spec SelfSubjectAccessReviewSpec; 3 status SubjectAccessReviewStatus",
  SelfSubjectAccessReviewSpec: "1 resourceAttributes ResourceAttributes; 2 nonResourceAttributes NonResourceAttributes",
  SubjectAccessReview: "1 metadata meta.ObjectMeta; 2 spec SubjectAccessReviewSpec; 3 status SubjectAccessReviewStatus",
  LocalSubjectAccessReview: "1 metadata meta.ObjectMeta; 2 spec SubjectAccessReviewSpec; 3 status SubjectAccessReviewStatus",
  SubjectAccessReviewSpec:
    "1 resourceAttributes ResourceAttributes; 2 nonResourceAttributes NonResourceAttributes; 3 user string; " +
    "4 groups string[]; 5 extra map<ExtraValue>; 6 uid string",
  ResourceAttributes:
    "1 namespace string; 2 verb string; 3 group string; 4 version string; 5 resource string; 6 subresource string; " +
    "7 name string; 8 fieldSelector FieldSelectorAttributes; 9 labelSelector LabelSelectorAttributes",
  FieldSelectorAttributes: "1 rawSelector string; 2 requirements meta.FieldSelectorRequirement[]",
  LabelSelectorAttributes: "1 rawSelector string; 2 requirements meta.LabelSelectorRequirement[]",
  NonResourceAttributes: "1 path string; 2 verb string",
  SubjectAccessReviewStatus: "1 allowed bool!; 4 denied bool; 2 reason string; 3 evaluationError string",
  SelfSubjectRulesReview: "1 metadata meta.ObjectMeta; 2 spec SelfSubjectRulesReviewSpec; 3 status SubjectRulesReviewStatus",
  SelfSubjectRulesReviewSpec: "1 namespace string",
  SubjectRulesReviewStatus: "1 resourceRules ResourceRule[]; 2 nonResourceRules NonResourceRule[]; 3 incomplete bool!; 4 evaluationError string",
  ResourceRule: "1 verbs string[]; 2 apiGroups string[]; 3 resources string[]; 4 resourceNames string[]",
  NonResourceRule: "1 verbs string[]; 2 nonResourceURLs string[]",
});
