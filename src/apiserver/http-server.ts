// The HTTPS listener: reads a request (at most 3 MiB of body, as Kubernetes allows), runs it
// through ApiServer.inject, and writes the answer — streamed and flushed per event for watches.

import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";
import { ApiError } from "../api/errors.js";
import type { ApiServer } from "./api-server.js";
import type { ApiRequest } from "./request.js";

export const maxRequestBodyBytes = 3 * 1024 * 1024;

export interface ListenOptions {
  host: string;
  port: number;
  key: string;
  cert: string;
  signal?: AbortSignal;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

async function serve(api: ApiServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "https://localhost");
  const abort = new AbortController();
  res.on("close", () => abort.abort());
  let body: Buffer;
  try {
    body = await readBody(req, maxRequestBodyBytes);
  } catch (e) {
    const err = e instanceof BodyTooLarge ? ApiError.tooLarge(maxRequestBodyBytes) : ApiError.badRequest("error reading request body");
    res.writeHead(err.code, { "content-type": "application/json", connection: "close" });
    res.end(JSON.stringify(err.toStatus()));
    return;
  }
  const apiReq: ApiRequest = {
    method: req.method ?? "GET",
    path: decodeURIComponent(url.pathname),
    query: url.searchParams,
    headers: headersOf(req),
    body,
    signal: abort.signal,
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
  const server = createServer({ key: o.key, cert: o.cert }, (req, res) => {
    serve(api, req, res).catch((e: unknown) => {
      console.error("svcnet: request failed:", e);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 65_000;
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
