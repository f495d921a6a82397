// Protobuf field table: policy/v1 Eviction, which kubectl drain posts when the server offers the
// pods/eviction subresource. Notation: see ../message-schema.ts.

import type { MessageSpec } from "../message-schema.js";
import { defineMessages } from "../message-schema.js";

/** Messages of k8s.io.api.policy.v1 in this table. */
export const policyV1Messages: MessageSpec[] = defineMessages("k8s.io.api.policy.v1", {
  Eviction: "1 metadata meta.ObjectMeta; 2 deleteOptions meta.DeleteOptions",
});
