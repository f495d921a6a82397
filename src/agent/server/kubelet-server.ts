// The agent's own small HTTPS endpoint, as kubelet's port 10250 is for the API server: container
// logs (`kubectl logs`, also -f, --previous, --tail), `kubectl exec` (a WebSocket upgrade of
// /exec/<ns>/<pod>/<container>) and `kubectl port-forward` (an upgrade of /portForward/<ns>/<pod>,
// SPDY or SPDY tunnelled in a WebSocket), and the service proxy's live rules with their counters
// (GET /proxyRules, for the dashboard's rule path). It listens on 127.0.0.1 only, with a serving
// certificate whose hash the agent publishes with its Node, and lets in what kubelet lets in with
// --client-ca-file and --authorization-mode=Webhook: a client certificate of the cluster CA (else
// 401) whose user the API server allows the request's verb on nodes/proxy of this node (else 403).

import { createReadStream, existsSync, statSync, watch } from "node:fs";
import { STATUS_CODES } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import { WebSocketServer } from "ws";
import type { NodeProxyRules } from "../../api/node-proxy-rules.js";
import { proxyRulesPath } from "../../api/node-proxy-rules.js";
import type { ExecTarget } from "./exec-session.js";
import { execProtocols, parseExecQuery, runExecSession } from "./exec-session.js";
import type { KubeletAuthorizer, KubeletUser } from "./kubelet-authorizer.js";
import { authorizationErrorText, forbiddenText, kubeletRequestAttributes } from "./kubelet-request-attributes.js";
import type { PortForwardLocator } from "./port-forward-upgrade.js";
import { PortForwardUpgrades } from "./port-forward-upgrade.js";

export interface LogLocator {
  /** The log file of a container's current (or, with previous, last exited) instance. */
  logFile(namespace: string, pod: string, container: string, previous: boolean): string | undefined;
}

/** The last `n` lines of `text` (kubectl --tail). */
export function tailLines(text: string, n: number): string {
  if (n < 0) return text;
  const lines = text.split("\n");
  const trailing = lines[lines.length - 1] === "" ? lines.pop() : undefined;
  const kept = n === 0 ? [] : lines.slice(-n);
  return kept.join("\n") + (trailing !== undefined && kept.length ? "\n" : "");
}

export interface KubeletServer {
  url: string;
  close(): Promise<void>;
}

export interface ExecLocator {
  /** The running process of a container, or undefined when it is not running. */
  target(namespace: string, pod: string, container: string): ExecTarget | undefined;
}

export interface KubeletServerOptions {
  /** The node this agent runs: requests are authorized as subresources of its Node. */
  nodeName: string;
  /** The serving certificate and its key (PEM; serving-certificate.ts makes one). */
  tls: { cert: string; key: string };
  /** The CA whose client certificates are accepted (kubelet's --client-ca-file): the cluster's (PEM). */
  clientCA: string;
  /** Decides whether a client may make a request (kubelet-authorizer.ts). */
  authorizer: Pick<KubeletAuthorizer, "allowed">;
  logs: LogLocator;
  /** Serves exec when given. */
  exec?: ExecLocator;
  /** Serves port forwarding when given. */
  portForward?: PortForwardLocator;
  /** Serves GET /proxyRules when given: reads the node's proxy rules at each request. */
  proxyRules?: () => Promise<NodeProxyRules>;
  signal: AbortSignal;
}

/** The user of the client certificate the TLS layer verified against the client CA; undefined without one. */
function clientUser(req: IncomingMessage): KubeletUser | undefined {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return undefined;
  const subject = socket.getPeerCertificate().subject as { CN?: string | string[]; O?: string | string[] } | undefined;
  const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const [name = ""] = list(subject?.CN);
  if (name === "") return undefined;
  // As kubelet's delegating authenticator, every authenticated user is in system:authenticated.
  return { name, groups: [...new Set([...list(subject?.O), "system:authenticated"])] };
}

/** The request's target as a URL, or undefined when it does not parse (`GET http://[ HTTP/1.1`). */
function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? "/", "https://127.0.0.1");
  } catch {
    return undefined;
  }
}

/**
 * What a handler's failure is answered with: 400 for a path that does not decode (a bad %
 * escape), else 500 with the reason logged. The agent keeps serving either way.
 */
function failure(nodeName: string, e: unknown): { status: number; text: string } {
  if (e instanceof URIError) return { status: 400, text: "Bad Request" };
  console.error(`svcnet agent ${nodeName}: a request failed:`, e);
  return { status: 500, text: "Internal Server Error" };
}

/** Why a request may not go on (kubelet's status and text), or undefined when it may. */
async function refusal(o: KubeletServerOptions, req: IncomingMessage): Promise<{ status: number; text: string } | undefined> {
  const user = clientUser(req);
  if (!user) return { status: 401, text: "Unauthorized" };
  const url = requestUrl(req);
  if (!url) return { status: 400, text: "Bad Request" };
  const attrs = kubeletRequestAttributes(o.nodeName, req.method ?? "GET", url.pathname);
  try {
    return (await o.authorizer.allowed(user, attrs)) ? undefined : { status: 403, text: forbiddenText(user.name, attrs) };
  } catch (e) {
    console.error(`svcnet agent ${o.nodeName}: ${authorizationErrorText(user.name, attrs)}: ${e instanceof Error ? e.message : String(e)}`);
    return { status: 500, text: authorizationErrorText(user.name, attrs) };
  }
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<KubeletServer> {
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    if (url.pathname === proxyRulesPath && req.method === "GET" && o.proxyRules) {
      o.proxyRules().then(
        (rules) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(rules)),
        (e: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`cannot read the proxy rules: ${e instanceof Error ? e.message : String(e)}`),
      );
      return;
    }
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m || req.method !== "GET") {
      res.writeHead(404).end("not found");
      return;
    }
    const [ns, pod, container] = m.slice(1).map(decodeURIComponent);
    const previous = url.searchParams.get("previous") === "true";
    const file = o.logs.logFile(ns, pod, container, previous);
    if (!file || !existsSync(file)) {
      res.writeHead(404).end(previous ? `previous terminated container "${container}" in pod "${pod}" not found` : `container "${container}" in pod "${pod}" has no log yet`);
      return;
    }
    const tail = url.searchParams.get("tailLines");
    res.writeHead(200, { "content-type": "text/plain" });
    if (url.searchParams.get("follow") !== "true") {
      const chunks: Buffer[] = [];
      createReadStream(file)
        .on("data", (c) => chunks.push(c as Buffer))
        .on("end", () => res.end(tail ? tailLines(Buffer.concat(chunks).toString("utf8"), Number(tail)) : Buffer.concat(chunks)))
        .on("error", () => res.end());
      return;
    }
    // follow: send what is there, then what gets appended, until the client goes away.
    let offset = 0;
    const pump = (): void => {
      const size = existsSync(file) ? statSync(file).size : 0;
      if (size <= offset) return;
      const from = offset;
      offset = size;
      createReadStream(file, { start: from, end: size - 1 }).on("data", (c) => res.write(c));
    };
    pump();
    const watcher = watch(file, () => pump());
    const timer = setInterval(pump, 500);
    res.on("close", () => {
      watcher.close();
      clearInterval(timer);
    });
  };
  // The client's certificate is asked for but not required by TLS, so that a missing or foreign
  // one gets kubelet's 401 rather than a failed handshake.
  const server: Server = createServer({ cert: o.tls.cert, key: o.tls.key, ca: o.clientCA, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const answer = (a: { status: number; text: string }): void => {
      if (res.headersSent) res.destroy();
      else res.writeHead(a.status, { "content-type": "text/plain; charset=utf-8" }).end(a.text);
    };
    refusal(o, req)
      .then((refused) => (refused ? answer(refused) : serve(req, res)))
      .catch((e: unknown) => answer(failure(o.nodeName, e)));
  });
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => execProtocols.find((p) => offered.has(p)) ?? false,
  });
  const portForward = o.portForward ? new PortForwardUpgrades(o.portForward) : undefined;
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => undefined);
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
    };
    refusal(o, req)
      .then((refused) => (refused ? refuse(refused.status, refused.text) : upgrade(req, socket, head, refuse)))
      .catch((e: unknown) => {
        const f = failure(o.nodeName, e);
        refuse(f.status, f.text);
      });
  });
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, refuse: (status: number, text: string) => void): void => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const pf = /^\/portForward\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (pf && portForward) {
      const [ns, pod] = pf.slice(1).map(decodeURIComponent);
      return portForward.handle(req, socket, head, ns, pod);
    }
    const m = /^\/exec\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m || !o.exec) return refuse(404, "not found");
    const [ns, pod, container] = m.slice(1).map(decodeURIComponent);
    const target = o.exec.target(ns, pod, container);
    if (!target) return refuse(400, `container ${container} is not running in pod ${pod}`);
    const request = parseExecQuery(url.searchParams);
    if (request.command.length === 0) return refuse(400, "you must specify at least one command for the container");
    wss.handleUpgrade(req, socket, head, (ws) => runExecSession(ws, target, request));
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = async (): Promise<void> => {
    await Promise.all([
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
      portForward?.close(),
    ]);
  };
  o.signal.addEventListener("abort", () => void close(), { once: true });
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}
