// The byte-level seam between svcnet's client library and an API server. A Transport sends one
// request and returns the answer; it knows nothing about resources, errors or JSON shapes.
// Two implementations: in-process (straight into ApiServer.inject) and HTTPS (kubeconfig).

/** One request to the API server, as the REST client builds it. */
export interface ClientRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Absolute API path without the query: /api/v1/namespaces/default/pods. */
  path: string;
  query?: URLSearchParams;
  /** Already-encoded body; its media type in `contentType`. */
  body?: string;
  contentType?: string;
  /** Defaults to application/json. */
  accept?: string;
  /**
   * Ask for a line stream instead of a body: for a successful (2xx) answer the transport
   * returns `lines`, one newline-delimited JSON event per item, and no `body`.
   */
  stream?: boolean;
  /** Aborting cancels the request, or ends the line stream of a watch. */
  signal?: AbortSignal;
}

/**
 * The server's answer. Exactly one of `body` and `lines` is set: `lines` only when the request
 * asked for a stream and the status is 2xx (error answers always come with a body).
 */
export interface ClientResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body?: string;
  /**
   * Each item is one line without its newline. The iterable may be consumed once; stopping
   * early (break, or the request's signal) releases the underlying watch on the server.
   */
  lines?: AsyncIterable<string>;
}

/**
 * Sends requests to one API server. Implementations must be safe for concurrent use, must not
 * throw for HTTP error statuses (those are answers), and reject only when no answer arrived
 * (connection refused, TLS failure, aborted signal).
 */
export interface Transport {
  request(r: ClientRequest): Promise<ClientResponse>;
}
