// A watch as an HTTP response: newline-delimited JSON events, flushed as they happen, as
// Tables when the client asked for them, with bookmarks and a server-side timeout. A watch
// from a compacted resourceVersion answers with one ERROR event carrying a 410 Expired Status.

import { apiErrorOf } from "./store-error-status.js";
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

function bookmark(w: WatchRequest, revision: number): string {
  const obj: KubeObject = { apiVersion: groupVersionOf(w.resource), kind: w.resource.kind, metadata: { resourceVersion: String(revision) } };
  return encodeEvent(w, { type: "BOOKMARK", object: obj });
}

/**
 * Merges the registry's events with bookmark ticks, ending on timeout or client abort. A
 * bookmark carries the newest revision up to which the client has everything: the last event
 * sent, or the watch's progress when changes to other objects came after it — so that an idle
 * watcher can resume after those changes have left the watch cache. A watch that times out
 * ends with one last bookmark, as Kubernetes sends one just before the deadline.
 */
async function* events(w: WatchRequest, stop: AbortController, timedOut: () => boolean): AsyncGenerator<string> {
  let progress = 0;
  const options = { ...w.options, onProgress: (revision: number) => void (progress = revision) };
  const it = w.registry.watch(w.resource, w.namespace, options, stop.signal)[Symbol.asyncIterator]();
  let sent = w.options.resourceVersion && w.options.resourceVersion !== "0" ? Number(w.options.resourceVersion) || 0 : 0;
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
      if (winner === "stop") {
        if (w.bookmarks && timedOut() && Math.max(sent, progress) > 0) yield bookmark(w, Math.max(sent, progress));
        return;
      }
      if (winner === "tick") {
        if (w.bookmarks && Math.max(sent, progress) > 0) {
          sent = Math.max(sent, progress);
          yield bookmark(w, sent);
        }
        continue;
      }
      pending = undefined;
      if (winner.done) return;
      sent = Math.max(sent, Number(winner.value.object.metadata.resourceVersion) || 0);
      yield encodeEvent(w, winner.value);
    }
  } catch (e) {
    const status = apiErrorOf(e).toStatus();
    yield `${JSON.stringify({ type: "ERROR", object: status })}\n`;
  } finally {
    stop.abort();
    await it.return?.(undefined);
  }
}

export async function watchResponse(w: WatchRequest): Promise<ApiResponse> {
  const stop = new AbortController();
  // setTimeout takes at most 2^31-1 ms (24.8 days); a longer one would fire at once.
  const maxMs = Math.min(w.timeoutSeconds !== undefined && w.timeoutSeconds > 0 ? w.timeoutSeconds * 1000 : (w.maxDurationMs ?? 30 * 60_000), 2 ** 31 - 1);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop.abort();
  }, maxMs);
  timer.unref();
  w.signal?.addEventListener("abort", () => stop.abort(), { once: true });
  stop.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  return {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "no-cache, private" },
    stream: events(w, stop, () => timedOut),
  };
}
