// Records which manager last wrote which fields (metadata.managedFields) for every create,
// update and patch, so that server-side apply can detect conflicts with other writers. The
// registry calls it after defaulting (see FieldTracker).

import type { JsonObject } from "../api/json.js";
import type { KubeObject } from "../api/types.js";
import type { FieldTracker } from "../registry/registry.js";
import { rfc3339 } from "../api/time.js";
import { updateManagedFields } from "./patch/index.js";

/**
 * The fields an endpoint does not own: the main resource not status, /status not spec,
 * /approval (CertificateSigningRequests) neither spec nor the issued certificate.
 */
export function resetFieldsOf(subresource: string): string[] {
  if (subresource === "status") return ["spec"];
  if (subresource === "approval") return ["spec", "status.certificate"];
  return ["status"];
}

export const trackManagedFields: FieldTracker = (input) => {
  const updated = updateManagedFields(input.old as unknown as JsonObject | undefined, input.obj as unknown as JsonObject, {
    manager: input.manager,
    operation: "Update",
    subresource: input.subresource,
    apiVersion: input.apiVersion,
    now: rfc3339(input.now),
    resetFields: resetFieldsOf(input.subresource),
  });
  input.obj.metadata.managedFields = (updated.metadata as KubeObject["metadata"]).managedFields;
};
