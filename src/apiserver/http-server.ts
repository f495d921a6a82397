// The HTTPS listener: reads a request (at most 3 MiB of body, as Kubernetes allows), runs it
// through ApiServer.inject, and writes the answer — streamed and flushed per event for watches.

import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { ApiError } from "../api/errors.js";
import type { ApiServer } from "./api-server.js";
import { proxyUpgrade } from "./pod-exec.js";
import type { ApiRequest } from "./request.js";
import { verifiedClientCertificate } from "./tls-peer.js";

export const maxRequestBodyBytes = 3 * 1024 * 1024;

export interface ListenOptions {
  host: string;
  port: number;
  key: string;
  cert: string;
  /**
   * The CA that signs client certificates (kube-apiserver's --client-ca-file). With it the server
   * asks every client for a certificate; one that verifies authenticates its subject, and clients
   * without one are let in to present a token.
   */
  clientCA?: string;
  signal?: AbortSignal;
}

class BodyTooLarge extends Error {}

/**
 * Reads the body up to `limit` bytes. A larger body is read to its end and dropped (at most
 * 2 s more) before rejecting, so that the 413 reaches a client that is still sending instead
 * of a connection reset. After those 2 s the 413 is sent anyway: a client that announced a
 * body too large and then sends it slowly, or not at all, gets its answer instead of holding
 * the connection until the server's request timeout.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let giveUp: NodeJS.Timeout | undefined;
    const tooLarge = (): void => {
      chunks.length = 0;
      giveUp ??= setTimeout(() => finish(), 2000);
    };
    const finish = (err?: unknown): void => {
      clearTimeout(giveUp);
      if (size > limit) reject(new BodyTooLarge());
      else if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    };
    if (Number(req.headers["content-length"] ?? "0") > limit) {
      size = limit + 1;
      tooLarge();
    }
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) return tooLarge();
      chunks.push(c);
    });
    req.on("end", () => finish());
    req.on("error", (e) => finish(e));
    req.on("close", () => finish(new Error("request closed before its body ended")));
  });
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** Writes a Status for a request that never reached the pipeline. */
function refuse(res: ServerResponse, err: ApiError, headers: Record<string, string> = {}): void {
  res.writeHead(err.code, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(err.toStatus()));
}

async function serve(api: ApiServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? "/", "https://localhost");
  } catch {
    // A request target such as `//[`: not a path the URL parser (or any route) understands.
    return refuse(res, ApiError.badRequest(`invalid request target ${JSON.stringify(req.url ?? "")}`), { connection: "close" });
  }
  const abort = new AbortController();
  res.on("close", () => abort.abort());
  let body: Buffer;
  try {
    body = await readBody(req, maxRequestBodyBytes);
  } catch (e) {
    const err = e instanceof BodyTooLarge ? ApiError.tooLarge(maxRequestBodyBytes) : ApiError.badRequest("error reading request body");
    return refuse(res, err, { connection: "close" });
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return refuse(res, ApiError.badRequest(`invalid URL escape in ${JSON.stringify(url.pathname)}`));
  }
  const apiReq: ApiRequest = {
    method: req.method ?? "GET",
    path,
    query: url.searchParams,
    headers: headersOf(req),
    headersDistinct: req.headersDistinct,
    body,
    signal: abort.signal,
    clientCertificate: verifiedClientCertificate(req),
    remoteAddress: req.socket.remoteAddress,
  };
  const out = await api.inject(apiReq);
  if (out.stream) {
    res.writeHead(out.status, { ...out.headers, "transfer-encoding": "chunked" });
    res.flushHeaders();
    try {
      for await (const chunk of out.stream) {
        if (abort.signal.aborted) break;
        res.write(chunk);
      }
    } finally {
      res.end();
    }
    return;
  }
  res.writeHead(out.status, out.headers);
  res.end(req.method === "HEAD" ? undefined : out.body);
}

/** Starts listening; resolves with the bound address once the socket is open. */
export async function listen(api: ApiServer, o: ListenOptions): Promise<{ server: Server; address: AddressInfo }> {
  const tls = o.clientCA === undefined ? {} : { requestCert: true, rejectUnauthorized: false, ca: o.clientCA };
  const server = createServer({ key: o.key, cert: o.cert, ...tls }, (req, res) => {
    serve(api, req, res).catch((e: unknown) => {
      console.error("svcnet: request failed:", e);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 65_000;
  // `kubectl exec` and `kubectl port-forward` arrive as HTTP upgrades, outside the request/response pipeline.
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => void proxyUpgrade(api, req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  o.signal?.addEventListener("abort", () => {
    server.close();
    server.closeAllConnections();
  });
  return { server, address: server.address() as AddressInfo };
}
