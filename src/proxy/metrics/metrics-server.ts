// kube-proxy's metrics endpoint (--metrics-bind-address, 127.0.0.1:10249 by default): /metrics in
// the Prometheus text format, /healthz answering "ok" (this only says the process serves HTTP;
// the proxy's real health is on the health server), and /proxyMode naming the backend in use.

import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { HttpAnswer } from "../health/proxy-health-server.js";
import { closeServer, listen, parseBindAddress, respond } from "../health/proxy-health-server.js";
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
  #server: Server | undefined;

  constructor(options: MetricsServerOptions) {
    this.#options = options;
  }

  /** Answers one request without a socket (the handler the server runs). */
  answer(url: string): HttpAnswer {
    const path = new URL(url, "http://localhost").pathname;
    if (path === "/metrics") return { status: 200, headers: { "Content-Type": metricsContentType }, body: this.#options.registry.render() };
    if (path === "/healthz") return { status: 200, headers: plain, body: "ok" };
    if (path === "/proxyMode" && this.#options.proxyMode !== undefined) return { status: 200, headers: plain, body: this.#options.proxyMode };
    return { status: 404, headers: plain, body: "404 page not found\n" };
  }

  async start(): Promise<{ host: string; port: number }> {
    if (this.#server) throw new Error("metrics server already started");
    const { host, port } = parseBindAddress(this.#options.bindAddress);
    const server = createServer((req, res) => respond(res, this.answer(req.url ?? "/"), req));
    await listen(server, port, host);
    this.#server = server;
    this.#options.signal?.addEventListener("abort", () => void this.close(), { once: true });
    return { host, port: (server.address() as AddressInfo).port };
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await closeServer(server);
  }
}
