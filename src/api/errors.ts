// API errors as classes with a stable reason (undici style), each rendered as a Kubernetes
// `Status` by the API server. Messages follow k8s.io/apimachinery/pkg/api/errors word for word
// where kubectl users see them.

import type { FieldError } from "./field-errors.js";
import { aggregateMessage, fieldErrorBody } from "./field-errors.js";
import type { Status, StatusCause } from "./types.js";

export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Expired"
  | "Invalid"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "UnsupportedMediaType"
  | "RequestEntityTooLarge"
  | "TooManyRequests"
  | "InternalError"
  | "ServiceUnavailable"
  | "Timeout";

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A resource as errors name it: plural resource plus API group ("" for core). */
export interface GroupResource {
  group: string;
  resource: string;
}

function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: StatusReason;
  readonly details: StatusDetails | undefined;
  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Status {
    const st: Status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: this.message, reason: this.reason, code: this.code };
    if (this.details) st.details = this.details;
    return st;
  }

  static notFound(gr: GroupResource, name: string): ApiError {
    return new ApiError(404, "NotFound", `${qualified(gr)} "${name}" not found`, { name, group: gr.group, kind: gr.resource });
  }

  static alreadyExists(gr: GroupResource, name: string): ApiError {
    return new ApiError(409, "AlreadyExists", `${qualified(gr)} "${name}" already exists`, { name, group: gr.group, kind: gr.resource });
  }

  static conflict(gr: GroupResource, name: string, why: string): ApiError {
    return new ApiError(409, "Conflict", `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, {
      name,
      group: gr.group,
      kind: gr.resource,
    });
  }

  static modified(gr: GroupResource, name: string): ApiError {
    return ApiError.conflict(gr, name, "the object has been modified; please apply your changes to the latest version and try again");
  }

  /**
   * 422 with one cause per field error; `kind` is the Kind (Service), not the resource. The
   * message names the kind as Kubernetes' GroupKind does: `Deployment.apps "web" is invalid`.
   */
  static invalid(group: string, kind: string, name: string, errs: readonly FieldError[]): ApiError {
    const causes = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
    const groupKind = group ? `${kind}.${group}` : kind;
    return new ApiError(422, "Invalid", `${groupKind} "${name}" is invalid: ${aggregateMessage(errs)}`, { name, group, kind, causes });
  }

  static badRequest(message: string, causes?: StatusCause[]): ApiError {
    return new ApiError(400, "BadRequest", message, causes ? { causes } : undefined);
  }

  static unauthorized(): ApiError {
    return new ApiError(401, "Unauthorized", "Unauthorized");
  }

  /**
   * 403 as Kubernetes' NewForbidden words it: `pods "nginx" is forbidden: why`, `pods is
   * forbidden: why` without a name, and `forbidden: why` without a resource (a non-resource
   * path such as /metrics), whose details are then empty.
   */
  static forbidden(gr: GroupResource, name: string, why: string, causes?: StatusCause[]): ApiError {
    if (gr.group === "" && gr.resource === "") {
      return new ApiError(403, "Forbidden", `forbidden: ${why}`, { ...(name ? { name } : {}), ...(causes ? { causes } : {}) });
    }
    const what = name ? `${qualified(gr)} "${name}"` : qualified(gr);
    return new ApiError(403, "Forbidden", `${what} is forbidden: ${why}`, { name, group: gr.group, kind: gr.resource, ...(causes ? { causes } : {}) });
  }

  static methodNotAllowed(verb: string, gr: GroupResource): ApiError {
    return new ApiError(405, "MethodNotAllowed", `${verb} is not supported on resources of kind "${qualified(gr)}"`, {
      group: gr.group,
      kind: gr.resource,
    });
  }

  static unsupportedMediaType(contentType: string, accepted: readonly string[]): ApiError {
    return new ApiError(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
      contentType ? { causes: [{ reason: "UnexpectedServerResponse", message: contentType }] } : undefined,
    );
  }

  static tooLarge(limitBytes: number): ApiError {
    return new ApiError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limitBytes}`);
  }

  /** 410 for a watch or list from a compacted resourceVersion; clients relist on it. */
  static expired(message: string): ApiError {
    return new ApiError(410, "Expired", message);
  }

  static internal(err: unknown): ApiError {
    const msg = err instanceof Error ? err.message : String(err);
    return new ApiError(500, "InternalError", `Internal error occurred: ${msg}`, { causes: [{ message: msg }] });
  }

  /** 503: the server cannot serve the request now (e.g. its storage is unavailable); no Retry-After. */
  static unavailable(message: string): ApiError {
    return new ApiError(503, "ServiceUnavailable", message);
  }

  /** 504 with reason Timeout: the request could not complete in time; no Retry-After unless given. */
  static timeout(message: string, retryAfterSeconds?: number): ApiError {
    return new ApiError(504, "Timeout", message, retryAfterSeconds ? { retryAfterSeconds } : undefined);
  }

  static notFoundPath(): ApiError {
    return new ApiError(404, "NotFound", "the server could not find the requested resource");
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
