// The error every failed API call raises: the server's Status (code, reason, message,
// details) as a class with stable fields, plus predicates for the reasons callers branch on.

import type { Status } from "../api/types.js";

/** Reasons for statuses that arrived without a Status body, as Kubernetes clients infer them. */
const reasonByCode: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Gone",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/**
 * A failure the API server reported. `code` is the HTTP status (or the Status's code),
 * `reason` the Status reason ("NotFound", "Conflict", "Expired", …; inferred from the code
 * when the server sent no Status), `details` the Status details, `status` the whole Status.
 */
export class ClientError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: Status["details"];
  readonly status: Status;

  constructor(status: Status) {
    super(status.message || `the server responded with status ${status.code}`);
    this.name = "ClientError";
    this.code = status.code;
    this.reason = status.reason || reasonByCode[status.code] || "Unknown";
    this.details = status.details;
    this.status = status;
  }

  /**
   * The error for an HTTP answer with a failure `code`: the Status in `body` when it is one,
   * otherwise a Status synthesised from the code and the body text (trimmed to 256 chars).
   */
  static fromResponse(code: number, body: string | undefined): ClientError {
    const parsed = parseStatus(body);
    if (parsed) return new ClientError({ ...parsed, code: parsed.code || code });
    const text = (body ?? "").trim().slice(0, 256);
    const reason = reasonByCode[code] ?? "Unknown";
    const message = text ? `an error on the server ("${text}") has prevented the request from succeeding` : `the server responded with status ${code}`;
    return new ClientError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code, reason, message });
  }
}

/** The Status in a JSON text, if it is one (kind "Status"); undefined otherwise. */
export function parseStatus(body: string | undefined): Status | undefined {
  if (!body) return undefined;
  try {
    const v = JSON.parse(body) as unknown;
    return isStatus(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Is `v` a meta/v1 Status object? */
export function isStatus(v: unknown): v is Status {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === "Status" && typeof (v as { code?: unknown }).code === "number";
}

function has(e: unknown, code: number, reasons?: readonly string[]): boolean {
  if (!(e instanceof ClientError)) return false;
  return reasons ? reasons.includes(e.reason) : e.code === code;
}

/** 404 NotFound. */
export const isNotFound = (e: unknown): boolean => has(e, 404, ["NotFound"]);
/** 409 AlreadyExists (a create of an existing name). */
export const isAlreadyExists = (e: unknown): boolean => has(e, 409, ["AlreadyExists"]);
/** 409 Conflict (a stale resourceVersion, or a precondition that failed). */
export const isConflict = (e: unknown): boolean => has(e, 409, ["Conflict"]);
/** 410: the resourceVersion or continue token is too old; relist. */
export const isExpired = (e: unknown): boolean => e instanceof ClientError && (e.code === 410 || e.reason === "Expired" || e.reason === "Gone");
/** 422 Invalid. */
export const isInvalid = (e: unknown): boolean => has(e, 422, ["Invalid"]);
