// The hook through which the API server serves the dashboard under /ui/ (src/dashboard/ provides
// it; `svcnet server` passes one in). The API server authenticates first — bearer token, or the
// dashboard cookie on GET/HEAD (ui-credentials.ts) — and hands over the request with the user it
// found, if any; the handler decides which of its paths need one. What the handler reads for a
// user it reads with the server's own rights (the registry, node agents through the server's
// client certificate), so it asks `authorize` first, which decides as the API would.

import type { ApiRequest, ApiResponse } from "./request.js";
import type { UserInfo } from "./user-info.js";

/** One read the handler makes for the user, as a request of the API would address it. */
export interface UiAccess {
  verb: string;
  /** "" (the default) = the core group. */
  apiGroup?: string;
  resource: string;
  subresource?: string;
  /** Absent for cluster-scoped resources, and for a list across all namespaces. */
  namespace?: string;
  /** Absent for a list. */
  name?: string;
}

export interface UiRequestContext {
  /** Who the request's credential authenticates; undefined when it has none or a bad one. */
  user: UserInfo | undefined;
  /** Checks a bearer token as the API does (for the login link's `?token=`). */
  authenticateToken(token: string): Promise<UserInfo | undefined>;
  /**
   * Resolves when the user may make `access`, asked of the API server's authorizers (and the
   * node restriction) as for a request of the API; rejects with the API's 401 Status without a
   * user and its 403 Status when refused. Allows everything when the server runs without
   * authorization.
   */
  authorize(access: UiAccess): Promise<void>;
}

export interface UiHandler {
  /** Answers a request for /ui or a path below it. May throw ApiError (answered as Status). */
  handle(req: ApiRequest, ctx: UiRequestContext): Promise<ApiResponse>;
}

/** Whether `path` (as received, before trailing slashes are cut) belongs to the dashboard. */
export function isUiPath(path: string): boolean {
  return path === "/ui" || path.startsWith("/ui/");
}
