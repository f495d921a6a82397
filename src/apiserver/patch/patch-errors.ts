// Errors of the patch code, shaped and worded as the Kubernetes API server returns them.

import { ApiError } from "../../api/errors.js";

/**
 * A patch that decoded but cannot be applied (a failed `test`, a missing path): 422 Invalid with
 * the generic message Kubernetes uses and the real reason as the one cause, as
 * apimachinery's NewGenericServerResponse(422, …) builds it.
 */
export function patchRejected(reason: string): ApiError {
  return new ApiError(422, "Invalid", "the server rejected our request due to an error in our request", {
    causes: [{ reason: "UnexpectedServerResponse", message: reason }],
  });
}

/** A patch whose body does not decode: 400 `error decoding patch: …`. */
export function decodeError(reason: string): ApiError {
  return ApiError.badRequest(`error decoding patch: ${reason}`);
}

/**
 * A failure inside strategic merge patch or apply that Kubernetes does not classify (a list
 * element without its merge key, an unknown `$patch`, duplicate list-map keys): the bare
 * message, as kube-apiserver sends it. kube-apiserver answers these with a 500, though the
 * client's patch is at fault; svcnet answers 400 BadRequest, as kubernetes#139255 proposes for
 * apply, so that malformed input never looks like a server failure (issue 11).
 */
export function unclassifiedError(message: string): ApiError {
  return ApiError.badRequest(message);
}

/** Go's `%v` rendering of a decoded JSON value: `map[image:nginx name:web]`, `[a b]`, `<nil>`. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goValue).join(" ")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `map[${keys.map((k) => `${k}:${goValue(o[k])}`).join(" ")}]`;
  }
  return String(v);
}
