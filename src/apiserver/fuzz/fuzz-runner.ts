// Runs fuzz cases through ApiServer.inject and judges each answer (fuzz-oracle.ts): the I/O
// half of the fuzzer, shared by the bounded run in `make test` and by replays of one seed.

import type { ApiServer } from "../api-server.js";
import type { ApiResponse } from "../request.js";
import type { FuzzCase } from "./fuzz-cases.js";
import { judgeResponse, judgeWatchLines } from "./fuzz-oracle.js";

export interface CaseResult {
  problems: string[];
  ms: number;
}

/** How long a watch is read before the runner ends it, and how long any answer may take. */
export interface RunLimits {
  watchReadMs: number;
  slowMs: number;
}

export const defaultLimits: RunLimits = { watchReadMs: 30, slowMs: 5000 };

/** Reads a watch stream for `ms` (or until it ends), then ends it through `abort`. */
async function readStream(stream: AsyncIterable<string>, ms: number, abort: AbortController): Promise<string[]> {
  const it = stream[Symbol.asyncIterator]();
  const lines: string[] = [];
  const deadline = Date.now() + ms;
  let pending: Promise<IteratorResult<string>> | undefined;
  try {
    while (Date.now() < deadline) {
      pending = it.next();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), Math.max(1, deadline - Date.now()))));
      const next = await Promise.race([pending, timeout]);
      clearTimeout(timer);
      if (next === "timeout") break;
      pending = undefined;
      if (next.done) break;
      lines.push(...next.value.split("\n").filter((l) => l !== ""));
    }
  } finally {
    abort.abort();
    // An async generator queues return() behind a pending next(); the abort lets that one finish.
    if (pending) {
      const last = await pending;
      if (!last.done) lines.push(...last.value.split("\n").filter((l) => l !== ""));
    }
    await it.return?.(undefined);
  }
  return lines;
}

/** Sends one case and returns what is wrong with the answer; never throws. */
export async function runCase(api: ApiServer, c: FuzzCase, limits: RunLimits = defaultLimits): Promise<CaseResult> {
  const abort = new AbortController();
  const start = performance.now();
  let res: ApiResponse;
  try {
    res = await api.inject({ method: c.method, path: c.path, query: new URLSearchParams(c.query), headers: { ...c.headers }, body: c.body, signal: abort.signal });
  } catch (e) {
    return { problems: [`inject threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`], ms: performance.now() - start };
  }
  const problems = judgeResponse(c, res);
  if (res.stream) {
    try {
      problems.push(...judgeWatchLines(await readStream(res.stream, limits.watchReadMs, abort)));
    } catch (e) {
      problems.push(`the watch stream threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  abort.abort();
  const ms = performance.now() - start;
  if (ms > limits.slowMs) problems.push(`took ${Math.round(ms)} ms`);
  return { problems, ms };
}
