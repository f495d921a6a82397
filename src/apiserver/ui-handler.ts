// The hook through which the API server serves the dashboard under /ui/ (src/dashboard/ provides
// it; `svcnet server` passes one in). The API server authenticates first — bearer token, or the
// dashboard cookie on GET/HEAD (ui-credentials.ts) — and hands over the request with the user it
// found, if any; the handler decides which of its paths need one.

import type { ApiRequest, ApiResponse } from "./request.js";
import type { UserInfo } from "./user-info.js";

export interface UiRequestContext {
  /** Who the request's credential authenticates; undefined when it has none or a bad one. */
  user: UserInfo | undefined;
  /** Checks a bearer token as the API does (for the login link's `?token=`). */
  authenticateToken(token: string): Promise<UserInfo | undefined>;
}

export interface UiHandler {
  /** Answers a request for /ui or a path below it. May throw ApiError (answered as Status). */
  handle(req: ApiRequest, ctx: UiRequestContext): Promise<ApiResponse>;
}

/** Whether `path` (as received, before trailing slashes are cut) belongs to the dashboard. */
export function isUiPath(path: string): boolean {
  return path === "/ui" || path.startsWith("/ui/");
}
