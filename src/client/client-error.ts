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
   * otherwise a Status synthesised from the code and the body text (trimmed to 256 chars) in
   * client-go's words, the text kept as an UnexpectedServerResponse cause. (kube-apiserver's
   * flow control answers 429 in plain text, so this is the usual form of a 429.)
   */
  static fromResponse(code: number, body: string | undefined): ClientError {
    const parsed = parseStatus(body);
    if (parsed) return new ClientError({ ...parsed, code: parsed.code || code });
    const text = (body ?? "").trim().slice(0, 256);
    const reason = reasonByCode[code] ?? (code >= 500 ? "InternalError" : "Unknown");
    return new ClientError({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      code,
      reason,
      message: genericMessage(code, text),
      ...(text && { details: { causes: [{ reason: "UnexpectedServerResponse", message: text }] } }),
    });
  }
}

/** What client-go says for a failure `code` that came without a Status (`text`: the body, trimmed). */
function genericMessage(code: number, text: string): string {
  switch (code) {
    case 400:
      return "the server rejected our request for an unknown reason";
    case 401:
      return "the server has asked for the client to provide credentials";
    case 403:
    case 406:
    case 415:
      // The server's own words say who may not do what, or which types it takes.
      return text || `the server responded with the status code ${code} but did not return more information`;
    case 404:
      return "the server could not find the requested resource";
    case 405:
      return "the server does not allow this method on the requested resource";
    case 409:
      return "the server reported a conflict";
    case 422:
      return "the server rejected our request due to an error in our request";
    case 429:
      return "the server has received too many requests and has asked us to try again later";
    case 503:
      return "the server is currently unable to handle the request";
    case 504:
      return "the server was unable to return a response in the time allotted, but may still be processing the request";
  }
  if (code >= 500) return `an error on the server (${JSON.stringify(text)}) has prevented the request from succeeding`;
  return `the server responded with the status code ${code} but did not return more information`;
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
