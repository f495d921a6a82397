// A minimal HTTPS client for the benchmarks: bearer token, the cluster's CA, and keep-alive
// connections, with per-request timing. Watches are newline-delimited JSON streams handed to a
// callback line by line, each on its own connection.

import { Agent, request } from "node:https";
import type { IncomingMessage } from "node:http";
import { performance } from "node:perf_hooks";

/** How to reach one API server. */
export interface ApiClientOptions {
  /** e.g. "https://127.0.0.1:40123". */
  baseUrl: string;
  /** PEM of the CA that signed the serving certificate. */
  ca: string;
  /** Bearer token. */
  token: string;
  /** Keep-alive connections for ordinary requests (default 50: one per concurrent client). */
  maxSockets?: number;
  /** Per-request timeout (default 30000 ms). */
  timeoutMs?: number;
}

/** An answered request: status, body text, and the time from sending to the last byte. */
export interface ApiResponse {
  status: number;
  body: string;
  ms: number;
}

/** An open watch; `close()` ends it (idempotent). `done` settles when the stream ends. */
export interface WatchHandle {
  close(): void;
  done: Promise<void>;
}

/** HTTPS client for one API server. Holds sockets until `close()`. */
export class ApiClient {
  #url: URL;
  #token: string;
  #timeoutMs: number;
  #agent: Agent;
  #watchAgent: Agent;

  constructor(options: ApiClientOptions) {
    this.#url = new URL(options.baseUrl);
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 50, ca: options.ca });
    // Watches hold their connection for their whole life: never pool them with requests.
    this.#watchAgent = new Agent({ keepAlive: false, maxSockets: Infinity, ca: options.ca });
  }

  /** Sends one request with an optional JSON body; never rejects on an HTTP error status. */
  send(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const start = performance.now();
      const req = request(
        {
          host: this.#url.hostname,
          port: this.#url.port,
          method,
          path,
          agent: this.#agent,
          headers: {
            authorization: `Bearer ${this.#token}`,
            accept: "application/json",
            ...(payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }),
          },
          timeout: this.#timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: performance.now() - start }));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer in ${this.#timeoutMs} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  /**
   * Opens a watch on `path` (which must carry `watch=true`); resolves once the server has
   * answered 200 and rejects otherwise. Each complete line is passed to `onLine`.
   */
  watch(path: string, onLine: (line: string) => void): Promise<WatchHandle> {
    return new Promise((resolve, reject) => {
      const req = request({
        host: this.#url.hostname,
        port: this.#url.port,
        method: "GET",
        path,
        agent: this.#watchAgent,
        headers: { authorization: `Bearer ${this.#token}`, accept: "application/json" },
      });
      req.on("error", reject);
      req.on("response", (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
          return;
        }
        const done = new Promise<void>((settle) => {
          let pending = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            pending += chunk;
            let nl = pending.indexOf("\n");
            while (nl >= 0) {
              const line = pending.slice(0, nl);
              pending = pending.slice(nl + 1);
              if (line.trim()) onLine(line);
              nl = pending.indexOf("\n");
            }
          });
          res.on("close", () => settle());
          res.on("error", () => settle());
        });
        resolve({ close: () => req.destroy(), done });
      });
      req.end();
    });
  }

  /** Drops all connections (open watches included). */
  close(): void {
    this.#agent.destroy();
    this.#watchAgent.destroy();
  }
}
