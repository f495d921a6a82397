// The HTTP plumbing the proxy's small servers share (health, per-service health checks, metrics):
// each decides its answers with a pure function and leaves binding, writing and closing to these
// helpers, so the servers differ only in what they answer.

import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A complete HTTP answer, decided without a socket. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What Go's http.NotFound writes, the answer kube-proxy's servers give for a path they do not serve. */
export function notFoundAnswer(): HttpAnswer {
  return { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" }, body: "404 page not found\n" };
}

/**
 * Splits "host:port", "[v6]:port" or ":port" (all addresses) as Go's net.SplitHostPort would.
 * An empty host comes back as "" and means every address.
 */
export function parseBindAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d+)$/.exec(address);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Error(`invalid bind address ${JSON.stringify(address)}: want host:port`);
  return { host: m[1] ?? m[2], port };
}

/** Writes `answer`; a HEAD request gets the status and headers without the body. */
export function respond(res: ServerResponse, answer: HttpAnswer, req: IncomingMessage): void {
  res.writeHead(answer.status, answer.headers);
  res.end(req.method === "HEAD" ? undefined : answer.body);
}

/** Listens and resolves once bound, or rejects with the listen error (EADDRINUSE, EACCES, …). */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once("error", onError);
    server.listen(port, host === "" ? undefined : host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/** Closes a server, cutting idle keep-alive connections so it does not wait for clients. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export interface AnswerServerOptions {
  /** What the server is called in its errors, e.g. "metrics server". */
  name: string;
  /** host:port to listen on; port 0 picks a free port. */
  bindAddress: string;
  /** The answer to a request for `url` (path and query), whatever its method. */
  answer: (url: string) => HttpAnswer;
  /** Aborting closes the server. */
  signal?: AbortSignal;
}

/** An HTTP server that answers every request with `answer`. Constructing it does no I/O; `start` listens. */
export class AnswerServer {
  readonly #options: AnswerServerOptions;
  #server: Server | undefined;

  constructor(options: AnswerServerOptions) {
    this.#options = options;
  }

  /** Binds; resolves with the address actually bound (the real port when 0 was asked). */
  async start(): Promise<{ host: string; port: number }> {
    if (this.#server) throw new Error(`${this.#options.name} already started`);
    const { host, port } = parseBindAddress(this.#options.bindAddress);
    const server = createServer((req, res) => respond(res, this.#options.answer(req.url ?? "/"), req));
    await listen(server, port, host);
    this.#server = server;
    this.#options.signal?.addEventListener("abort", () => void this.close(), { once: true });
    return { host, port: (server.address() as AddressInfo).port };
  }

  /** Stops listening; a no-op when not started or already closed. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await closeServer(server);
  }
}
