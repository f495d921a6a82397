// kube-proxy's metrics endpoint (--metrics-bind-address, 127.0.0.1:10249 by default): /metrics in
// the Prometheus text format, /healthz answering "ok" (this only says the process serves HTTP;
// the proxy's real health is on the health server), and /proxyMode naming the backend in use.

import type { HttpAnswer } from "../http-listen.js";
import { AnswerServer, notFoundAnswer } from "../http-listen.js";
import type { Registry } from "./registry.js";

/** What Prometheus servers expect for text format 0.0.4. */
export const metricsContentType = "text/plain; version=0.0.4; charset=utf-8";

export interface MetricsServerOptions {
  /** host:port, e.g. "127.0.0.1:10249"; port 0 picks a free port. */
  bindAddress: string;
  registry: Registry;
  /** Served at /proxyMode when set, e.g. "iptables". */
  proxyMode?: string;
  /** Aborting closes the server. */
  signal?: AbortSignal;
}

const plain = { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" };

export class MetricsServer {
  readonly #options: MetricsServerOptions;
  readonly #http: AnswerServer;

  constructor(options: MetricsServerOptions) {
    this.#options = options;
    this.#http = new AnswerServer({ name: "metrics server", bindAddress: options.bindAddress, answer: (url) => this.answer(url), signal: options.signal });
  }

  /** Answers one request without a socket (the handler the server runs). */
  answer(url: string): HttpAnswer {
    const path = new URL(url, "http://localhost").pathname;
    if (path === "/metrics") return { status: 200, headers: { "Content-Type": metricsContentType }, body: this.#options.registry.render() };
    if (path === "/healthz") return { status: 200, headers: plain, body: "ok" };
    if (path === "/proxyMode" && this.#options.proxyMode !== undefined) return { status: 200, headers: plain, body: this.#options.proxyMode };
    return notFoundAnswer();
  }

  start(): Promise<{ host: string; port: number }> {
    return this.#http.start();
  }

  close(): Promise<void> {
    return this.#http.close();
  }
}
