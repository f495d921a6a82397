// The agent's own small HTTP endpoint, as kubelet's port 10250 is for the API server: container
// logs (`kubectl logs`, also -f, --previous, --tail), `kubectl exec` (a WebSocket upgrade of
// /exec/<ns>/<pod>/<container>) and `kubectl port-forward` (an upgrade of /portForward/<ns>/<pod>,
// SPDY or SPDY tunnelled in a WebSocket), and the service proxy's live rules with their counters
// (GET /proxyRules, for the dashboard's rule path). It listens on 127.0.0.1 only and wants the bearer token
// the agent published with its Node; the API server proxies to it.

import { createReadStream, existsSync, statSync, watch } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import type { NodeProxyRules } from "../../api/node-proxy-rules.js";
import { proxyRulesPath } from "../../api/node-proxy-rules.js";
import type { ExecTarget } from "./exec-session.js";
import { execProtocols, parseExecQuery, runExecSession } from "./exec-session.js";
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
  /** The bearer token every request must carry. */
  token: string;
  logs: LogLocator;
  /** Serves exec when given. */
  exec?: ExecLocator;
  /** Serves port forwarding when given. */
  portForward?: PortForwardLocator;
  /** Serves GET /proxyRules when given: reads the node's proxy rules at each request. */
  proxyRules?: () => Promise<NodeProxyRules>;
  signal: AbortSignal;
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<KubeletServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.headers.authorization !== `Bearer ${o.token}`) {
      res.writeHead(401).end("Unauthorized");
      return;
    }
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
  });
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => execProtocols.find((p) => offered.has(p)) ?? false,
  });
  const portForward = o.portForward ? new PortForwardUpgrades(o.portForward) : undefined;
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : status === 404 ? "Not Found" : "Bad Request"}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
    };
    if (req.headers.authorization !== `Bearer ${o.token}`) return refuse(401, "Unauthorized");
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
  });
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
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}
