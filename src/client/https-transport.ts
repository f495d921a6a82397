// A Transport over HTTPS with node's https module: one keep-alive agent per transport, the
// cluster CA, a bearer token (fixed, or re-read from a file in a pod) or client certificate,
// and watch responses streamed line by line.

import type { IncomingMessage } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import type { InClusterOptions } from "./in-cluster-config.js";
import { fileTokenSource, inClusterConfig } from "./in-cluster-config.js";
import { loadKubeconfig } from "./kubeconfig.js";
import type { ConnectionConfig, ParseKubeconfigOptions } from "./kubeconfig.js";
import { splitLines } from "./line-stream.js";
import type { ClientRequest, ClientResponse, Transport } from "./transport.js";

export interface HttpsTransportOptions {
  /** Default "svcnet". */
  userAgent?: string;
  /** Most sockets kept per host; default 64 (watches each hold one). */
  maxSockets?: number;
  /** Where each request's bearer token comes from, instead of the config's fixed token. */
  tokenSource?: () => string | undefined;
}

function headersOf(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Talks HTTPS to the server in `config`. Requests share one keep-alive agent; `close()`
 * destroys its idle sockets (open watches end when their signals abort). A request rejects
 * when no response arrives (network or TLS error, abort); any HTTP status is an answer.
 */
export class HttpsTransport implements Transport {
  readonly #config: ConnectionConfig;
  readonly #agent: Agent;
  readonly #userAgent: string;
  readonly #tokenSource: (() => string | undefined) | undefined;

  constructor(config: ConnectionConfig, options: HttpsTransportOptions = {}) {
    this.#config = config;
    this.#userAgent = options.userAgent ?? "svcnet";
    this.#tokenSource = options.tokenSource;
    this.#agent = new Agent({
      keepAlive: true,
      maxSockets: options.maxSockets ?? 64,
      ca: config.ca,
      cert: config.cert,
      key: config.key,
      rejectUnauthorized: !config.insecureSkipTlsVerify,
    });
  }

  /** A transport for the current context of the kubeconfig at `path`. */
  static fromKubeconfig(path: string, o: Omit<ParseKubeconfigOptions, "baseDir"> & HttpsTransportOptions = {}): HttpsTransport {
    return new HttpsTransport(loadKubeconfig(path, o), o);
  }

  /**
   * A transport for a program running in a pod: the `kubernetes` Service from the environment,
   * the cluster CA and the service account token from the token volume (in-cluster-config.ts).
   * The token file is read again whenever the agent replaces it. Throws InClusterConfigError
   * outside a pod.
   */
  static inCluster(o: InClusterOptions & HttpsTransportOptions = {}): HttpsTransport {
    const { config, tokenFile } = inClusterConfig(o);
    return new HttpsTransport(config, { tokenSource: fileTokenSource(tokenFile, { readFile: o.readFile }), ...o });
  }

  /** The settings this transport connects with (the kubeconfig's namespace, for instance). */
  get config(): Readonly<ConnectionConfig> {
    return this.#config;
  }

  request(r: ClientRequest): Promise<ClientResponse> {
    const url = new URL(this.#config.server + r.path);
    if (r.query) url.search = r.query.toString();
    const headers: Record<string, string> = { accept: r.accept ?? "application/json", "user-agent": this.#userAgent };
    const token = this.#tokenSource?.() || this.#config.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const body = r.body === undefined ? undefined : Buffer.from(r.body, "utf8");
    if (body) {
      headers["content-type"] = r.contentType ?? "application/json";
      headers["content-length"] = String(body.length);
    }
    return new Promise<ClientResponse>((resolve, reject) => {
      const req = httpsRequest(url, { method: r.method, headers, agent: this.#agent, signal: r.signal }, (res) => {
        const status = res.statusCode ?? 0;
        const h = headersOf(res);
        if (r.stream && status >= 200 && status < 300) {
          res.setEncoding("utf8");
          const lines = async function* (): AsyncGenerator<string> {
            try {
              yield* splitLines(res, r.signal);
            } finally {
              res.destroy();
            }
          };
          resolve({ status, headers: h, lines: lines() });
          return;
        }
        readAll(res).then((text) => resolve({ status, headers: h, body: text }), reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  /** Releases idle keep-alive sockets. */
  close(): void {
    this.#agent.destroy();
  }
}
