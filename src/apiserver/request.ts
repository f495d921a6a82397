// The API server's request and response values. The HTTP layer converts to and from these;
// tests use `ApiServer.inject()` with them directly, no socket needed.

import type { ClientCertificate } from "./x509-authenticator.js";
import type { UserInfo } from "./user-info.js";

export interface ApiRequest {
  method: string;
  /** Path without the query string: /api/v1/namespaces/default/services */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** The same with every value of a repeated header apart (`--as-group a --as-group b`); absent in-process. */
  headersDistinct?: Record<string, string[] | undefined>;
  body: Buffer;
  /** Aborted when the client goes away (ends watches). */
  signal?: AbortSignal;
  /** The subject of the client certificate the TLS layer verified against the cluster CA, if any. */
  clientCertificate?: ClientCertificate;
  /** The connection's peer address, for the audit log's sourceIPs; absent in-process. */
  remoteAddress?: string;
  /** Who sent the request; set by the authentication stage (undefined for anonymous requests). */
  user?: UserInfo;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** For watches: chunks written and flushed as they come; the response ends when it ends. */
  stream?: AsyncIterable<string>;
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(value) };
}
