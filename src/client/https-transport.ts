// A Transport over HTTPS with node's https module: one keep-alive agent per transport, the
// cluster CA, a bearer token (fixed, or re-read from a file in a pod) or client certificate
// (fixed, or taken from a source that a renewing node agent updates), and watch responses
// streamed line by line.

import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
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
  /**
   * Where the client certificate and key (PEM) come from, instead of the config's: read for each
   * request, and when they change, new connections present the new pair (open ones, watches
   * included, go on with the old one until they end).
   */
  clientCertificateSource?: () => { cert: string; key: string } | undefined;
}

type Pair = { cert?: string; key?: string };

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
  readonly #maxSockets: number;
  #agent: Agent;
  /** The pair #agent connects with. */
  #pair: Pair;
  /** Agents of earlier client certificates whose connections have not all ended. */
  readonly #retired = new Set<Agent>();
  readonly #userAgent: string;
  readonly #tokenSource: (() => string | undefined) | undefined;
  readonly #certificateSource: HttpsTransportOptions["clientCertificateSource"];

  constructor(config: ConnectionConfig, options: HttpsTransportOptions = {}) {
    this.#config = config;
    this.#userAgent = options.userAgent ?? "svcnet";
    this.#tokenSource = options.tokenSource;
    this.#certificateSource = options.clientCertificateSource;
    this.#maxSockets = options.maxSockets ?? 64;
    this.#pair = { cert: config.cert, key: config.key };
    this.#agent = this.#newAgent(this.#pair);
  }

  #newAgent(pair: Pair): Agent {
    const c = this.#config;
    return new Agent({ keepAlive: true, maxSockets: this.#maxSockets, ca: c.ca, cert: pair.cert, key: pair.key, rejectUnauthorized: !c.insecureSkipTlsVerify });
  }

  /**
   * The agent for the source's current pair. A new pair gets a new agent; the old one's idle
   * connections are closed so that nothing reuses them, and its busy ones are left to finish
   * and closed when they do.
   */
  #currentAgent(): Agent {
    const pair = this.#certificateSource?.();
    if (!pair || (pair.cert === this.#pair.cert && pair.key === this.#pair.key)) return this.#agent;
    const old = this.#agent;
    for (const sockets of Object.values(old.freeSockets)) for (const s of sockets ?? []) s.destroy();
    old.on("free", (socket: Duplex) => socket.destroy());
    this.#retired.add(old);
    for (const a of this.#retired) if (Object.values(a.sockets).every((s) => !s || s.length === 0)) this.#retired.delete(a);
    this.#pair = { cert: pair.cert, key: pair.key };
    this.#agent = this.#newAgent(this.#pair);
    return this.#agent;
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
      const req = httpsRequest(url, { method: r.method, headers, agent: this.#currentAgent(), signal: r.signal }, (res) => {
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

  /** Releases the keep-alive sockets, and those of earlier client certificates. */
  close(): void {
    this.#agent.destroy();
    for (const a of this.#retired) a.destroy();
    this.#retired.clear();
  }
}
