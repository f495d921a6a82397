// A Transport straight into an ApiServer in the same process: every request still goes through
// the full pipeline (authentication with the bearer token, decoding, admission, validation),
// exactly as an HTTPS client's would, only without a socket.

import { setImmediate as nextTurn } from "node:timers/promises";
import type { ApiServer } from "../apiserver/api-server.js";
import type { ApiRequest, ApiResponse } from "../apiserver/request.js";
import { splitLines } from "./line-stream.js";
import type { ClientRequest, ClientResponse, Transport } from "./transport.js";

export interface InProcessTransportOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Sent as User-Agent; the server derives the default field manager from it. Default "svcnet". */
  userAgent?: string;
}

function lowerCaseHeaders(res: ApiResponse): Record<string, string> {
  return Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), v]));
}

async function readAll(source: AsyncIterable<string | Buffer>): Promise<string> {
  let text = "";
  for await (const chunk of source) text += String(chunk);
  return text;
}

function bodyText(b: string | Buffer | undefined): string {
  if (b === undefined) return "";
  return typeof b === "string" ? b : b.toString("utf8");
}

/**
 * Sends requests through `api.inject()`. A watch's line stream ends when the server ends it,
 * when the request's signal aborts, or when the consumer stops iterating; in every case the
 * server-side watch is released.
 *
 * Like a socket, each request is handled on a later turn of the event loop, not in the
 * caller's promise jobs: otherwise controllers and API server in one process form one endless
 * chain of promise jobs under load, and no timer (lease renewals, bookmarks, backoffs) or
 * socket I/O of the process runs until the whole burst is over.
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
    // Sent: an abort from now on is the server's to notice, as with a socket.
    await nextTurn();
    if (!r.stream) return this.#exchange(r);
    // A watch: the server side is released when the consumer stops, as well as on abort. (A
    // combined signal rather than a listener on the caller's: thousands of watches may share it.)
    const stop = new AbortController();
    const release = (): void => stop.abort();
    const signal = r.signal ? AbortSignal.any([r.signal, stop.signal]) : stop.signal;
    let res: ApiResponse;
    try {
      res = await this.#inject(r, signal);
    } catch (e) {
      release();
      throw e;
    }
    const lower = lowerCaseHeaders(res);
    if (!res.stream) {
      release();
      return { status: res.status, headers: lower, body: bodyText(res.body) };
    }
    const source = res.stream;
    if (res.status < 200 || res.status >= 300) {
      const body = await readAll(source);
      release();
      return { status: res.status, headers: lower, body };
    }
    const lines = async function* (): AsyncGenerator<string> {
      try {
        yield* splitLines(source, signal);
      } finally {
        release();
      }
    };
    return { status: res.status, headers: lower, lines: lines() };
  }

  /**
   * An ordinary request: the caller's signal goes to the server as it is (no listener of our
   * own: one signal often serves thousands of requests, and each listener added to it costs).
   */
  async #exchange(r: ClientRequest): Promise<ClientResponse> {
    const res = await this.#inject(r, r.signal);
    const body = res.stream ? await readAll(res.stream) : bodyText(res.body);
    return { status: res.status, headers: lowerCaseHeaders(res), body };
  }

  #inject(r: ClientRequest, signal: AbortSignal | undefined): Promise<ApiResponse> {
    const headers: ApiRequest["headers"] = {
      authorization: `Bearer ${this.#opts.token}`,
      accept: r.accept ?? "application/json",
      "user-agent": this.#opts.userAgent ?? "svcnet",
    };
    if (r.contentType) headers["content-type"] = r.contentType;
    return this.#api.inject({
      method: r.method,
      path: r.path,
      query: new URLSearchParams(r.query),
      headers,
      body: Buffer.from(r.body ?? "", "utf8"),
      signal,
    });
  }
}
