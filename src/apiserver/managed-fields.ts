// Records which manager last wrote which fields (metadata.managedFields), for every create,
// update and patch, so that server-side apply can detect conflicts with other writers.

import type { JsonObject } from "../api/json.js";
import type { KubeObject } from "../api/types.js";
import { updateManagedFields } from "./patch/index.js";
import type { ResourceContext } from "./resource-handler.js";

export const trackManagedFields: NonNullable<ResourceContext["trackManagedFields"]> = (input) => {
  const updated = updateManagedFields(input.old as unknown as JsonObject | undefined, input.obj as unknown as JsonObject, {
    manager: input.manager,
    operation: input.operation,
    subresource: input.subresource,
    apiVersion: input.apiVersion,
    now: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
  });
  (input.obj as KubeObject).metadata.managedFields = (updated.metadata as KubeObject["metadata"]).managedFields;
};
