// The control socket of a running `svcnet up`: a small HTTP API on a Unix socket in the data
// dir (mode 0600, so only who may read the admin token may use it) through which
// `svcnet sandbox`, fault tests and benchmarks stop and start parts of the cluster.
//
//   GET  /parts                          {"parts": [PartStatus…]}
//   POST /parts/<name>/stop[?signal=KILL|STOP] {"part": PartStatus}   (default signal TERM)
//   POST /parts/<name>/start              {"part": PartStatus}
//
// Errors are {"error": "<one line saying the fix>"} with 400 (bad request) or 404 (no such part).
// Operations on one part run one after the other, in the order asked.

import { chmodSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { SandboxPart } from "./sandbox-part.js";
import { parseStopSignal } from "./sandbox-part.js";

/** A listening control socket; close() stops it and removes the socket file. */
export interface SandboxControlServer {
  readonly socketPath: string;
  close(): Promise<void>;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Serves `parts` on `socketPath` (an old socket file there is replaced). */
export async function serveSandboxControl(socketPath: string, parts: readonly SandboxPart[]): Promise<SandboxControlServer> {
  const byName = new Map(parts.map((p) => [p.name, p]));
  const queues = new Map<string, Promise<unknown>>();
  const queued = <T>(name: string, op: () => Promise<T>): Promise<T> => {
    const next = (queues.get(name) ?? Promise.resolve()).then(op, op);
    queues.set(name, next.catch(() => undefined));
    return next;
  };
  const partOf = (name: string): SandboxPart => {
    const part = byName.get(name);
    if (!part) throw new ControlError(404, `no part ${JSON.stringify(name)}; the parts are ${[...byName.keys()].join(", ")}`);
    return part;
  };

  const handle = async (req: IncomingMessage): Promise<{ status: number; body: unknown }> => {
    const url = new URL(req.url ?? "/", "http://sandbox");
    const segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (segments.length === 1 && segments[0] === "parts") {
      if (req.method !== "GET") throw new ControlError(405, `${req.method} /parts: only GET`);
      return { status: 200, body: { parts: await Promise.all(parts.map((p) => p.status())) } };
    }
    if (segments.length === 3 && segments[0] === "parts" && (segments[2] === "stop" || segments[2] === "start")) {
      if (req.method !== "POST") throw new ControlError(405, `${req.method} ${url.pathname}: only POST`);
      const part = partOf(segments[1]);
      if (segments[2] === "start") {
        await queued(part.name, () => part.start());
      } else {
        const given = url.searchParams.get("signal") ?? "TERM";
        const signal = parseStopSignal(given);
        if (!signal) throw new ControlError(400, `signal ${JSON.stringify(given)}: use TERM (a clean stop), KILL (a crash) or STOP (a freeze)`);
        await queued(part.name, () => part.stop(signal));
      }
      return { status: 200, body: { part: await part.status() } };
    }
    throw new ControlError(404, `no such path ${url.pathname}: use GET /parts, POST /parts/<name>/stop or POST /parts/<name>/start`);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    handle(req).then(
      ({ status, body }) => reply(res, status, body),
      (e: unknown) => reply(res, e instanceof ControlError ? e.status : 500, { error: e instanceof Error ? e.message : String(e) }),
    );
  });
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  return {
    socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          rmSync(socketPath, { force: true });
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
