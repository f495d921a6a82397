// A test fixture (flood.real.test.ts runs it in a worker thread, so that generating the flood
// does not share an event loop with the server or with the clients being measured): `clients`
// kept-alive HTTPS connections that each send the next GET as soon as the last one is answered,
// 429 or not — a client that ignores Retry-After. It floods between "start" and "stop"
// messages, and on "finish" ends and posts what it was answered.

import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { Agent, request } from "node:https";

export interface FloodWorkerData {
  port: number;
  ca: string;
  token: string;
  path: string;
  clients: number;
}

/** What the worker posts when it finishes. */
export interface FloodResult {
  /** Answers by status code ("error" for requests that got none). */
  counts: Record<string, number>;
  /** Whether every 429 said Retry-After: 1. */
  retryAfterOnEvery429: boolean;
}

const w = workerData as FloodWorkerData;
// The lowest CPU priority, for this thread only (Linux keeps a nice value per thread): a flooder
// runs on its own machine, and what is measured is the server's handling of the flood, not the
// server and the flooder's client work fighting over the same cores.
try {
  setPriority(19);
} catch {
  // Not allowed here: the flood then competes for the CPU as well, which only makes it harder.
}
const agent = new Agent({ keepAlive: true, maxSockets: w.clients, ca: w.ca });
const counts: Record<string, number> = {};
let retryAfterOnEvery429 = true;
let flooding = false;
let finished = false;
let wake: () => void = () => {};
let started = new Promise<void>((resolve) => (wake = resolve));

function once(): Promise<void> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port: w.port, path: w.path, agent, headers: { authorization: `Bearer ${w.token}` } }, (res) => {
      const code = String(res.statusCode);
      counts[code] = (counts[code] ?? 0) + 1;
      if (res.statusCode === 429 && res.headers["retry-after"] !== "1") retryAfterOnEvery429 = false;
      res.resume();
      res.on("end", resolve);
      res.on("error", () => resolve());
    });
    req.on("error", () => {
      counts.error = (counts.error ?? 0) + 1;
      resolve();
    });
    req.end();
  });
}

async function client(): Promise<void> {
  while (!finished) {
    if (flooding) await once();
    else await started;
  }
}

parentPort?.on("message", (m: "start" | "stop" | "finish") => {
  if (m === "start") {
    flooding = true;
    wake();
  } else if (m === "stop") {
    flooding = false;
    started = new Promise<void>((resolve) => (wake = resolve));
  } else {
    finished = true;
    wake();
  }
});

void Promise.all(Array.from({ length: w.clients }, client)).then(() => {
  agent.destroy();
  const result: FloodResult = { counts, retryAfterOnEvery429 };
  parentPort?.postMessage(result);
});
