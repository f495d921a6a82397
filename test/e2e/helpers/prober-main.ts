// `node prober-main.js --url URL [--interval-ms 50] [--timeout-ms 1000] [--max-ms 600000]`:
// steady HTTP requests, each on a fresh connection (as a new client would), started from
// whatever network namespace this runs in (`ip netns exec`). One JSON line per request on
// stdout: {"t": start epoch ms, "ms": duration, "ok": true, "body": "<first 64 chars>"} or
// {"t", "ms", "ok": false, "cause": "ECONNREFUSED" | "timeout" | "status 503" | …}; a timeout
// also says its "stage" and "localPort".
// Ends on SIGTERM, when stdin closes (its parent died) or after --max-ms.

import { request } from "node:http";

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const url = flag("url", "");
const intervalMs = Number(flag("interval-ms", "50"));
const timeoutMs = Number(flag("timeout-ms", "1000"));
const maxMs = Number(flag("max-ms", "600000"));
if (!url) {
  process.stderr.write("usage: prober-main.js --url URL [--interval-ms N] [--timeout-ms N] [--max-ms N]\n");
  process.exit(2);
}

let running = true;
const end = (): void => void (running = false);
process.once("SIGTERM", end);
process.stdin.on("end", end).on("error", end).resume();
setTimeout(end, maxMs).unref();

function attempt(): Promise<Record<string, unknown>> {
  const t = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Record<string, unknown>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ t, ms: Date.now() - t, ...r });
    };
    const req = request(url, { agent: false, headers: { connection: "close" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => done(res.statusCode === 200 ? { ok: true, body: body.slice(0, 64).trim() } : { ok: false, cause: `status ${res.statusCode}` }));
      res.on("error", (e: NodeJS.ErrnoException) => done({ ok: false, cause: e.code ?? e.message }));
    });
    const timer = setTimeout(() => {
      // Where it stuck: no connection (the SYN unanswered) or no answer on one, and from which port.
      const socket = req.socket;
      const stage = socket && !socket.connecting ? "connected, no answer" : "connecting";
      done({ ok: false, cause: "timeout", stage, localPort: socket?.localPort });
      req.destroy();
    }, timeoutMs);
    req.on("error", (e: NodeJS.ErrnoException) => done({ ok: false, cause: e.code ?? e.message }));
    req.end();
  });
}

while (running) {
  const started = Date.now();
  process.stdout.write(`${JSON.stringify(await attempt())}\n`);
  const wait = intervalMs - (Date.now() - started);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
process.exit(0);
