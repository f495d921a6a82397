// A @kubernetes/client-node informer that records what it reports and keeps itself running.
//
// client-node's ListWatch re-watches by itself when a watch ends cleanly and relists after a 410,
// but after any error (connection refused, a failed list) it only calls its "error" handlers
// and stops; its documentation asks the caller to start it again after a pause. This helper
// does that, so a test can kill and restart the server under a live informer.

import type { Informer, KubeConfig, KubernetesListObject, KubernetesObject, ObjectCache } from "@kubernetes/client-node";
import { ADD, CONNECT, DELETE, ERROR, UPDATE, makeInformer } from "@kubernetes/client-node";

/** One object event as the informer delivered it. */
export interface InformerEvent {
  type: "add" | "update" | "delete";
  name: string;
  resourceVersion: string;
}

/** Options for startRecordingInformer. */
export interface RecordingInformerOptions {
  /** Pause before starting again after an error (default 200 ms). */
  restartDelayMs?: number;
}

/** A running informer and what it has reported so far (arrays grow as events arrive). */
export interface RecordingInformer<T extends KubernetesObject> {
  informer: Informer<T> & ObjectCache<T>;
  events: InformerEvent[];
  /** A one-line description of each error the informer reported. */
  errors: string[];
  /** How often the list function ran (the first list, then once per relist after a 410). */
  lists(): number;
  /** How often the informer (re)connected its list-watch loop. */
  connects(): number;
  /** The names of the objects in the informer's cache now. */
  cachedNames(): string[];
  /** Stops the informer and its restart timer. Idempotent. */
  stop(): Promise<void>;
}

/** One line for an error client-node reported: its HTTP status or code (if any) and message. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const extra = err as Error & { code?: unknown; statusCode?: unknown };
    const code = extra.statusCode ?? extra.code;
    return code === undefined ? err.message : `${String(code)}: ${err.message}`;
  }
  return String(err);
}

/**
 * Starts an informer on `path` (e.g. "/api/v1/namespaces/default/services") whose initial list
 * (and each relist) is `list`; resolves once its first list is done and its watch is open.
 */
export async function startRecordingInformer<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  list: () => Promise<KubernetesListObject<T>>,
  o: RecordingInformerOptions = {},
): Promise<RecordingInformer<T>> {
  let lists = 0;
  let connects = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const events: InformerEvent[] = [];
  const errors: string[] = [];
  const informer = makeInformer<T>(kc, path, () => {
    lists++;
    return list();
  });
  const recorder = (type: InformerEvent["type"]) => (obj: T) => {
    events.push({ type, name: obj.metadata?.name ?? "", resourceVersion: obj.metadata?.resourceVersion ?? "" });
  };
  informer.on(ADD, recorder("add"));
  informer.on(UPDATE, recorder("update"));
  informer.on(DELETE, recorder("delete"));
  informer.on(CONNECT, () => {
    connects++;
  });
  informer.on(ERROR, (err: unknown) => {
    if (stopped) return;
    errors.push(describeError(err));
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!stopped) void informer.start();
    }, o.restartDelayMs ?? 200);
  });
  await informer.start();
  return {
    informer,
    events,
    errors,
    lists: () => lists,
    connects: () => connects,
    cachedNames: () => informer.list().map((obj) => obj.metadata?.name ?? ""),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await informer.stop();
    },
  };
}
