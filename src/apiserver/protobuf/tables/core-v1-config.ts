// Protobuf field table: core/v1 ServiceAccount, ConfigMap and Secret (what `kubectl create
// serviceaccount`, `kubectl create configmap` and `kubectl create secret` send). Field numbers follow Kubernetes 1.32's
// generated.proto; JSON names and zero-value handling follow the Go types. Notation: see
// ../message-schema.ts.

import type { MessageSpec } from "../message-schema.js";
import { defineMessages } from "../message-schema.js";

/** Messages of k8s.io.api.core.v1 in this table. */
export const coreV1ConfigMessages: MessageSpec[] = defineMessages("k8s.io.api.core.v1", {
  ServiceAccount:
    "1 metadata meta.ObjectMeta; 2 secrets ObjectReference[]; 3 imagePullSecrets LocalObjectReference[]; " +
    "4 automountServiceAccountToken bool?",
  ObjectReference:
    "1 kind string; 2 namespace string; 3 name string; 4 uid string; 5 apiVersion string; 6 resourceVersion string; 7 fieldPath string",
  ConfigMap: "1 metadata meta.ObjectMeta; 2 data map<string>; 3 binaryData map<bytes>; 4 immutable bool?",
  Secret: "1 metadata meta.ObjectMeta; 2 data map<bytes>; 3 type string; 4 stringData map<string>; 5 immutable bool?",
});
