// Protobuf field table: authentication.k8s.io/v1 TokenRequest (what `kubectl create token`
// sends) and SelfSubjectReview (`kubectl auth whoami`). ExtraValue is a well-known decoder (a
// list of strings in JSON). Field numbers follow Kubernetes 1.32's generated.proto; JSON names and zero-value
// handling follow the Go types. Notation: see ../message-schema.ts.

import type { MessageSpec } from "../message-schema.js";
import { defineMessages } from "../message-schema.js";

/** Messages of k8s.io.api.authentication.v1 in this table. */
export const authenticationV1Messages: MessageSpec[] = defineMessages("k8s.io.api.authentication.v1", {
  TokenRequest: "1 metadata meta.ObjectMeta; 2 spec TokenRequestSpec; 3 status TokenRequestStatus",
  TokenRequestSpec: "1 audiences string[]; 4 expirationSeconds int64?; 3 boundObjectRef BoundObjectReference",
  BoundObjectReference: "1 kind string; 2 apiVersion string; 3 name string; 4 uid string",
  TokenRequestStatus: "1 token string!; 2 expirationTimestamp meta.Time",
  SelfSubjectReview: "1 metadata meta.ObjectMeta; 2 status SelfSubjectReviewStatus",
  SelfSubjectReviewStatus: "1 userInfo UserInfo",
  UserInfo: "1 username string; 2 uid string; 3 groups string[]; 4 extra map<ExtraValue>",
});
