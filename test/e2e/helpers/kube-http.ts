// A small HTTPS client for e2e tests that talks to a `svcnet server` the way a Kubernetes client
// does: it reads the server URL, CA and bearer token from the kubeconfig the server wrote, and
// keeps connections alive between requests. It returns every answer (any status) as text; it
// throws only when no response arrived at all (connection refused or reset before a response).

import type { IncomingHttpHeaders } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";

/** One answer from the server. */
export interface KubeHttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON (throws if it is not JSON). */
  json(): unknown;
}

/** Options of one request. */
export interface KubeHttpRequest {
  /** HTTP method (default GET). */
  method?: string;
  /** The body: a string or Buffer is sent as is, anything else as JSON. */
  body?: unknown;
  /** Content-Type of the body (default application/json when there is a body). */
  contentType?: string;
  /** Send the kubeconfig's token (default true); false sends no Authorization header. */
  authenticate?: boolean;
  /** Send the body chunked, without a Content-Length (default false). */
  chunked?: boolean;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** Give up after this many ms (default 30000). */
  timeoutMs?: number;
}

/** Where the server is and how to authenticate, as read from a kubeconfig. */
export interface KubeEndpoint {
  server: string;
  caCert: string;
  token: string;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`kubeconfig: ${what} is not a mapping`);
  return value as Record<string, unknown>;
}

function firstEntry(config: Record<string, unknown>, list: string, field: string): Record<string, unknown> {
  const entries = config[list];
  if (!Array.isArray(entries) || entries.length === 0) throw new Error(`kubeconfig: no ${list}`);
  return record(record(entries[0], `${list}[0]`)[field], `${list}[0].${field}`);
}

/** Reads the first cluster and user of a kubeconfig file (as `svcnet server` writes it). */
export function readKubeconfig(path: string): KubeEndpoint {
  const config = record(parseYaml(readFileSync(path, "utf8")), "document");
  const cluster = firstEntry(config, "clusters", "cluster");
  const user = firstEntry(config, "users", "user");
  const server = cluster.server;
  const ca = cluster["certificate-authority-data"];
  const token = user.token;
  if (typeof server !== "string" || typeof ca !== "string" || typeof token !== "string") {
    throw new Error(`kubeconfig ${path}: needs clusters[0].cluster.server, certificate-authority-data and users[0].user.token`);
  }
  return { server, caCert: Buffer.from(ca, "base64").toString("utf8"), token };
}

/** An HTTPS client for one server. Call close() to drop its kept-alive connections. */
export class KubeHttp {
  readonly #endpoint: KubeEndpoint;
  readonly #agent: Agent;

  constructor(endpoint: KubeEndpoint, options: { maxSockets?: number } = {}) {
    this.#endpoint = endpoint;
    this.#agent = new Agent({ keepAlive: true, ca: endpoint.caCert, maxSockets: options.maxSockets ?? 16 });
  }

  /** A client for the server a kubeconfig file points at. */
  static fromKubeconfig(path: string): KubeHttp {
    return new KubeHttp(readKubeconfig(path));
  }

  /** The server URL from the kubeconfig, e.g. "https://127.0.0.1:40123". */
  get server(): string {
    return this.#endpoint.server;
  }

  /** Sends one request to `path` (e.g. "/api/v1/namespaces") and reads the whole answer. */
  request(path: string, o: KubeHttpRequest = {}): Promise<KubeHttpResponse> {
    const url = new URL(path, this.#endpoint.server);
    const body = o.body === undefined ? undefined : typeof o.body === "string" || Buffer.isBuffer(o.body) ? o.body : JSON.stringify(o.body);
    const headers: Record<string, string> = { accept: "application/json", ...o.headers };
    if (o.authenticate !== false) headers.authorization = `Bearer ${this.#endpoint.token}`;
    if (body !== undefined) {
      headers["content-type"] = o.contentType ?? "application/json";
      if (!o.chunked) headers["content-length"] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = httpsRequest(url, { method: o.method ?? "GET", headers, agent: this.#agent, timeout: o.timeoutMs ?? 30_000 }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        const finish = (): void => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
        };
        res.on("end", finish);
        // A server that answers early and closes (413) may cut the rest: keep what arrived.
        res.on("error", finish);
        res.on("aborted", finish);
      });
      req.on("timeout", () => req.destroy(new Error(`${o.method ?? "GET"} ${path}: no answer in ${o.timeoutMs ?? 30_000} ms`)));
      req.on("error", (err) => {
        // Writing the rest of a body the server refused fails after its answer arrived.
        if (!answered) reject(err);
      });
      if (body === undefined) req.end();
      else req.end(body);
    });
  }

  /** Drops the kept-alive connections. */
  close(): void {
    this.#agent.destroy();
  }
}
