// Protobuf field table: certificates.k8s.io/v1 CertificateSigningRequest (what `kubectl
// certificate approve|deny` sends to /approval through the typed client). ExtraValue is a
// well-known decoder (a list of strings in JSON). Field numbers follow Kubernetes 1.32's
// generated.proto; JSON names and zero-value handling follow the Go types. Notation: see
// ../message-schema.ts.

import type { MessageSpec } from "../message-schema.js";
import { defineMessages } from "../message-schema.js";

/** Messages of k8s.io.api.certificates.v1 in this table. */
export const certificatesV1Messages: MessageSpec[] = defineMessages("k8s.io.api.certificates.v1", {
  CertificateSigningRequest: "1 metadata meta.ObjectMeta; 2 spec CertificateSigningRequestSpec; 3 status CertificateSigningRequestStatus",
  CertificateSigningRequestSpec:
    "1 request bytes!; 7 signerName string!; 8 expirationSeconds int32?; 5 usages string[]; 2 username string; 3 uid string; 4 groups string[]; 6 extra map<ExtraValue>",
  CertificateSigningRequestStatus: "1 conditions CertificateSigningRequestCondition[]; 2 certificate bytes",
  CertificateSigningRequestCondition: "1 type string!; 6 status string!; 2 reason string; 3 message string; 4 lastUpdateTime meta.Time; 5 lastTransitionTime meta.Time",
});
