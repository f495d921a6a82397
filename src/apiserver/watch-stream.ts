// A watch as an HTTP response: newline-delimited JSON events, flushed as they happen, as
// Tables when the client asked for them, with bookmarks and a server-side timeout. A watch
// from a compacted resourceVersion answers with one ERROR event carrying a 410 Expired Status.

import { ApiError } from "../api/errors.js";
import type { ResourceInfo } from "../api/resources.js";
import { groupVersionOf } from "../api/resources.js";
import type { KubeObject } from "../api/types.js";
import type { ListOptions, Registry, WatchEvent } from "../registry/registry.js";
import type { ResponseFormat } from "./negotiation.js";
import type { ApiResponse } from "./request.js";
import type { IncludeObject } from "./table-convert.js";
import { toTable } from "./table-convert.js";

export interface WatchRequest {
  registry: Registry;
  resource: ResourceInfo;
  namespace: string | undefined;
  options: ListOptions;
  format: ResponseFormat;
  include: IncludeObject;
  timeoutSeconds?: number;
  bookmarks: boolean;
  signal?: AbortSignal;
  now: () => Date;
  /** Idle time between bookmarks; default 10 s. */
  bookmarkIntervalMs?: number;
  /** Upper bound for a watch without timeoutSeconds; default 30 minutes. */
  maxDurationMs?: number;
}

/** JSON lines of plain (non-Table) events, shared by every watcher sent the same event. */
const encodedLines = new WeakMap<KubeObject, Map<string, string>>();

function encodeEvent(w: WatchRequest, ev: WatchEvent): string {
  if (w.format.kind === "json" && Object.isFrozen(ev.object)) {
    let byType = encodedLines.get(ev.object);
    if (!byType) encodedLines.set(ev.object, (byType = new Map()));
    let line = byType.get(ev.type);
    if (line === undefined) byType.set(ev.type, (line = `${JSON.stringify({ type: ev.type, object: ev.object })}\n`));
    return line;
  }
  let object: unknown = ev.object;
  if (w.format.kind === "table" && ev.type !== "BOOKMARK" && ev.type !== "ERROR") {
    object = toTable(w.resource, [ev.object], { resourceVersion: ev.object.metadata.resourceVersion }, {
      include: w.include,
      version: w.format.version,
      now: w.now(),
    });
  }
  return `${JSON.stringify({ type: ev.type, object })}\n`;
}

/** Merges the registry's events with bookmark ticks, ending on timeout or client abort. */
async function* events(w: WatchRequest, stop: AbortController): AsyncGenerator<string> {
  const it = w.registry.watch(w.resource, w.namespace, w.options, stop.signal)[Symbol.asyncIterator]();
  let lastRv = w.options.resourceVersion && w.options.resourceVersion !== "0" ? w.options.resourceVersion : "";
  let pending: Promise<IteratorResult<WatchEvent>> | undefined;
  const interval = w.bookmarkIntervalMs ?? 10_000;
  const stopped = new Promise<"stop">((resolve) => {
    if (stop.signal.aborted) resolve("stop");
    stop.signal.addEventListener("abort", () => resolve("stop"), { once: true });
  });
  try {
    for (;;) {
      pending ??= it.next();
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<"tick">((resolve) => {
        timer = setTimeout(() => resolve("tick"), interval);
      });
      let winner: IteratorResult<WatchEvent> | "tick" | "stop";
      try {
        winner = await Promise.race([pending, tick, stopped]);
      } finally {
        clearTimeout(timer);
      }
      if (winner === "stop") return;
      if (winner === "tick") {
        if (w.bookmarks && lastRv) {
          const obj: KubeObject = { apiVersion: groupVersionOf(w.resource), kind: w.resource.kind, metadata: { resourceVersion: lastRv } };
          yield encodeEvent(w, { type: "BOOKMARK", object: obj });
        }
        continue;
      }
      pending = undefined;
      if (winner.done) return;
      lastRv = winner.value.object.metadata.resourceVersion ?? lastRv;
      yield encodeEvent(w, winner.value);
    }
  } catch (e) {
    const status = e instanceof ApiError ? e.toStatus() : ApiError.internal(e).toStatus();
    yield `${JSON.stringify({ type: "ERROR", object: status })}\n`;
  } finally {
    stop.abort();
    await it.return?.(undefined);
  }
}

export async function watchResponse(w: WatchRequest): Promise<ApiResponse> {
  const stop = new AbortController();
  const maxMs = w.timeoutSeconds !== undefined && w.timeoutSeconds > 0 ? w.timeoutSeconds * 1000 : (w.maxDurationMs ?? 30 * 60_000);
  const timer = setTimeout(() => stop.abort(), maxMs);
  timer.unref();
  w.signal?.addEventListener("abort", () => stop.abort(), { once: true });
  stop.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  return {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "no-cache, private" },
    stream: events(w, stop),
  };
}
