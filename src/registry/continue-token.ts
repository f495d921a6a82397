// `continue` tokens for paged lists: the revision the first page was read at and the key to
// resume from, base64-encoded JSON as opaque to clients as Kubernetes' own.

import { ApiError } from "../api/errors.js";

export interface ContinueToken {
  rv: number;
  start: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: "svcnet.io/v1", rv: t.rv, start: t.start })).toString("base64url");
}

export function decodeContinue(token: string): ContinueToken {
  try {
    const o = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { v?: unknown; rv?: unknown; start?: unknown };
    if (o.v === "svcnet.io/v1" && typeof o.rv === "number" && typeof o.start === "string") return { rv: o.rv, start: o.start };
  } catch {
    // fall through to the error below
  }
  throw ApiError.badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
}
