// Every message the decoder knows, gathered from the tables, with each reference between them
// checked when the module loads: a table naming a message no table defines is a programming
// error and fails fast.

import type { MessageSpec } from "./message-schema.js";
import { appsV1Messages } from "./tables/apps-v1.js";
import { authenticationV1Messages } from "./tables/authentication-v1.js";
import { authorizationV1Messages } from "./tables/authorization-v1.js";
import { certificatesV1Messages } from "./tables/certificates-v1.js";
import { coreV1ConfigMessages } from "./tables/core-v1-config.js";
import { coreV1ContainerBehaviourMessages } from "./tables/core-v1-container-behaviour.js";
import { coreV1PodMessages } from "./tables/core-v1-pod.js";
import { coreV1SchedulingMessages } from "./tables/core-v1-scheduling.js";
import { coreV1ServiceMessages } from "./tables/core-v1-service.js";
import { coreV1VolumeMessages } from "./tables/core-v1-volume.js";
import { metaV1Messages } from "./tables/meta-v1.js";
import { policyV1Messages } from "./tables/policy-v1.js";
import { rbacV1Messages } from "./tables/rbac-v1.js";
import { wellKnownDecoders } from "./well-known.js";

function build(tables: readonly MessageSpec[][]): ReadonlyMap<string, MessageSpec> {
  const all = new Map<string, MessageSpec>();
  for (const m of tables.flat()) {
    if (all.has(m.name)) throw new Error(`protobuf table: ${m.name} defined twice`);
    all.set(m.name, m);
  }
  for (const m of all.values()) {
    for (const f of m.fields.values()) {
      if (!f.scalar && !all.has(f.type) && !wellKnownDecoders.has(f.type)) {
        throw new Error(`protobuf table: ${m.name}.${f.name} refers to unknown message ${f.type}`);
      }
    }
  }
  return all;
}

/** All table messages by full name (k8s.io.api.core.v1.Service). Read-only. */
export const messages: ReadonlyMap<string, MessageSpec> = build([
  metaV1Messages,
  coreV1ServiceMessages,
  coreV1PodMessages,
  coreV1ContainerBehaviourMessages,
  coreV1SchedulingMessages,
  coreV1VolumeMessages,
  appsV1Messages,
  policyV1Messages,
  coreV1ConfigMessages,
  authenticationV1Messages,
  authorizationV1Messages,
  rbacV1Messages,
  certificatesV1Messages,
]);
