/// <reference lib="dom" />
// List, then watch, one resource for the page, over fetch with the session cookie: the watch's
// newline-delimited JSON events are read from the streamed body as they arrive. A watch that ends
// (server timeout) resumes from the last resourceVersion seen; an expired one (410) or a failed
// request relists after a pause. Runs until `signal` aborts.

import type { KubeObject } from "../../api/types.js";
import type { WatchEventOf } from "../model/cluster-state.js";

export interface WatchHandlers {
  onList(items: KubeObject[]): void;
  onEvent(ev: WatchEventOf<KubeObject>): void;
  /** "live" once a watch is open, "retrying" after a failure. */
  onStatus(status: "live" | "retrying", detail?: string): void;
}

class Expired extends Error {}

async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line !== "") yield line;
    }
  }
  if (buffered.trim() !== "") yield buffered.trim();
}

async function getJson(url: string, signal: AbortSignal): Promise<{ items?: KubeObject[]; metadata?: { resourceVersion?: string } }> {
  const res = await fetch(url, { signal, headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as { items?: KubeObject[]; metadata?: { resourceVersion?: string } };
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/** Lists and watches `path` (e.g. /api/v1/pods) until `signal` aborts. */
export async function listAndWatch(path: string, h: WatchHandlers, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const list = await getJson(path, signal);
      h.onList(list.items ?? []);
      let rv = list.metadata?.resourceVersion ?? "";
      for (;;) {
        const res = await fetch(`${path}?watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(rv)}`, { signal });
        if (res.status === 410) throw new Expired();
        if (!res.ok || !res.body) throw new Error(`${res.status} ${await res.text()}`);
        h.onStatus("live");
        for await (const line of lines(res.body)) {
          const ev = JSON.parse(line) as WatchEventOf<KubeObject> & { object: { code?: number } };
          if (ev.type === "ERROR") {
            if (ev.object.code === 410) throw new Expired();
            throw new Error(JSON.stringify(ev.object));
          }
          rv = ev.object.metadata?.resourceVersion ?? rv;
          h.onEvent(ev);
        }
      }
    } catch (e) {
      if (signal.aborted) return;
      if (!(e instanceof Expired)) {
        h.onStatus("retrying", e instanceof Error ? e.message : String(e));
        await sleep(1000, signal);
      }
    }
  }
}
