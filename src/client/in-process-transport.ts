// A Transport straight into an ApiServer in the same process: every request still goes through
// the full pipeline (authentication with the bearer token, decoding, admission, validation),
// exactly as an HTTPS client's would, only without a socket.

import type { ApiServer } from "../apiserver/api-server.js";
import type { ApiRequest } from "../apiserver/request.js";
import { splitLines } from "./line-stream.js";
import type { ClientRequest, ClientResponse, Transport } from "./transport.js";

export interface InProcessTransportOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Sent as User-Agent; the server derives the default field manager from it. Default "svcnet". */
  userAgent?: string;
}

function bodyText(b: string | Buffer | undefined): string {
  if (b === undefined) return "";
  return typeof b === "string" ? b : b.toString("utf8");
}

/**
 * Sends requests through `api.inject()`. A watch's line stream ends when the server ends it,
 * when the request's signal aborts, or when the consumer stops iterating; in every case the
 * server-side watch is released.
 */
export class InProcessTransport implements Transport {
  readonly #api: ApiServer;
  readonly #opts: InProcessTransportOptions;

  constructor(api: ApiServer, options: InProcessTransportOptions) {
    this.#api = api;
    this.#opts = options;
  }

  async request(r: ClientRequest): Promise<ClientResponse> {
    r.signal?.throwIfAborted();
    const stop = new AbortController();
    const onAbort = (): void => stop.abort();
    r.signal?.addEventListener("abort", onAbort, { once: true });
    const headers: ApiRequest["headers"] = {
      authorization: `Bearer ${this.#opts.token}`,
      accept: r.accept ?? "application/json",
      "user-agent": this.#opts.userAgent ?? "svcnet",
    };
    if (r.contentType) headers["content-type"] = r.contentType;
    const res = await this.#api.inject({
      method: r.method,
      path: r.path,
      query: new URLSearchParams(r.query),
      headers,
      body: Buffer.from(r.body ?? "", "utf8"),
      signal: stop.signal,
    });
    const lower = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), v]));
    if (res.stream) {
      const source = res.stream;
      if (r.stream && res.status >= 200 && res.status < 300) {
        const lines = async function* (): AsyncGenerator<string> {
          try {
            yield* splitLines(source, stop.signal);
          } finally {
            r.signal?.removeEventListener("abort", onAbort);
            stop.abort();
          }
        };
        return { status: res.status, headers: lower, lines: lines() };
      }
      let text = "";
      for await (const chunk of source) text += chunk;
      r.signal?.removeEventListener("abort", onAbort);
      stop.abort();
      return { status: res.status, headers: lower, body: text };
    }
    r.signal?.removeEventListener("abort", onAbort);
    return { status: res.status, headers: lower, body: bodyText(res.body) };
  }
}
