// The one entry the API server calls for PATCH: decodes the body by content type and applies it.
// Also re-exports what other parts of the server need (field ownership for writes, the patch
// strategy tables).

import { rfc3339 } from "../../api/time.js";
import { ApiError } from "../../api/errors.js";
import type { JsonObject, JsonValue } from "../../api/json.js";
import { isJsonObject } from "../../api/json.js";
import type { Decoded } from "./decode.js";
import { bodyText, decodeJson, decodeYaml, goKindOf } from "./decode.js";
import { applyJsonPatch } from "./json-patch.js";
import { applyMergePatch } from "./merge-patch.js";
import { decodeError } from "./patch-errors.js";
import type { PatchMeta } from "./patch-meta.js";
import { patchMetaFor } from "./patch-meta.js";
import { applyConflictError, applyServerSide } from "./server-side-apply.js";
import { applyStrategicMergePatch } from "./strategic-merge-patch.js";

export { applyJsonPatch } from "./json-patch.js";
export { applyMergePatch, createMergePatch } from "./merge-patch.js";
export type { ListMeta, ListType, PatchMeta } from "./patch-meta.js";
export { listMetaAt, patchMetaFor } from "./patch-meta.js";
export type { ApplyConflict, ServerSideApplyOptions, ServerSideApplyResult, UpdateManagedFieldsOptions } from "./server-side-apply.js";
export { applyConflictError, applyServerSide, updateManagedFields } from "./server-side-apply.js";
export { applyStrategicMergePatch } from "./strategic-merge-patch.js";

/** The patch media types accepted, in the order Kubernetes lists them in a 415. */
export const PATCH_CONTENT_TYPES: readonly string[] = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

export interface ApplyPatchOptions {
  /** Field manager; required for apply patches. */
  manager?: string;
  /** Apply only: take over conflicting fields (`?force=true`). */
  force?: boolean;
  /** Apply only: RFC 3339 time for managedFields; defaults to the current time. */
  now?: string;
  /** Apply only: the subresource written through (recorded in managedFields). */
  subresource?: string;
  /** Overrides the strategy table for the kind. */
  meta?: PatchMeta;
  /** Apply only: dotted fields the endpoint does not own, e.g. `["status"]`. */
  resetFields?: readonly string[];
  /**
   * Apply only: checks the decoded configuration before it is applied, throwing to refuse it.
   * Kubernetes converts the whole configuration to its typed form first, so a value of the
   * wrong type is refused even where the endpoint would ignore it (status through the main
   * resource, a metadata that is not an object).
   */
  checkConfig?: (applied: JsonObject) => void;
}

const notAMap = (v: JsonValue): string => `json: cannot unmarshal ${goKindOf(v)} into Go value of type map[string]interface {}`;

function rfc3339Now(): string {
  return rfc3339(Date.now());
}

function mustDecode(d: Decoded, wrap: (msg: string) => ApiError): JsonValue {
  if (!d.ok) throw wrap(d.error);
  return d.value;
}

function requireLive(live: JsonObject | undefined): JsonObject {
  if (!live) throw ApiError.notFoundPath();
  return live;
}

function asObject(v: JsonValue): JsonObject {
  if (!isJsonObject(v)) throw ApiError.badRequest(`the patched object is a JSON ${goKindOf(v)}, not an object`);
  return v;
}

/**
 * Applies a PATCH body to `live` (undefined only for an apply that creates) and returns the new
 * object; inputs are not modified. `contentType` may carry parameters. Errors are ApiErrors worded
 * as Kubernetes words them: an unknown type → 415 listing PATCH_CONTENT_TYPES; an undecodable
 * body → 400 (`error decoding patch: …`); a JSON patch that cannot apply → 422; apply conflicts
 * → 409 (`Apply failed with 1 conflict: …`); an apply without a manager → 400. The result of a
 * non-apply patch carries whatever managedFields the patch left: record the write with
 * updateManagedFields.
 */
export function applyPatch(
  kind: { apiVersion: string; kind: string },
  live: JsonObject | undefined,
  contentType: string,
  body: string | Buffer,
  opts: ApplyPatchOptions = {},
): JsonObject {
  const type = contentType.split(";")[0].trim().toLowerCase();
  const text = bodyText(body);
  switch (type) {
    case "application/json-patch+json": {
      const ops = mustDecode(decodeJson(text), decodeError);
      return asObject(applyJsonPatch(requireLive(live), ops));
    }
    case "application/merge-patch+json": {
      const patch = mustDecode(decodeJson(text), decodeError);
      if (!isJsonObject(patch)) throw decodeError(notAMap(patch));
      return asObject(applyMergePatch(requireLive(live), patch));
    }
    case "application/strategic-merge-patch+json": {
      const patch = mustDecode(decodeJson(text), (m) => ApiError.badRequest(m));
      if (!isJsonObject(patch)) throw ApiError.badRequest(notAMap(patch));
      return applyStrategicMergePatch(requireLive(live), patch, opts.meta ?? patchMetaFor(kind));
    }
    case "application/apply-patch+yaml": {
      if (!opts.manager) throw ApiError.badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
      const applied = mustDecode(decodeYaml(text), decodeError);
      if (!isJsonObject(applied)) throw decodeError(notAMap(applied));
      opts.checkConfig?.(applied);
      const res = applyServerSide(live, applied, {
        manager: opts.manager,
        force: opts.force ?? false,
        meta: opts.meta ?? patchMetaFor(kind),
        now: opts.now ?? rfc3339Now(),
        apiVersion: kind.apiVersion,
        subresource: opts.subresource,
        resetFields: opts.resetFields,
      });
      if (res.conflicts.length) throw applyConflictError(res.conflicts);
      return res.object;
    }
    default:
      throw ApiError.unsupportedMediaType(contentType, PATCH_CONTENT_TYPES);
  }
}
