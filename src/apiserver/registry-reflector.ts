// What the API server keeps in memory beside the store (the objects service account tokens name,
// the RBAC policy) follows the registry as client-go's reflector follows an API: list, hand the
// whole list over, then watch from the list's revision and hand over each change. A watch that
// ends — a too-old revision (410, at once) or a store outage (after a pause, said once per
// failure) — is followed by a fresh list, so the holder never keeps what vanished meanwhile.

import { setTimeout as sleep } from "node:timers/promises";
import { ApiError } from "../api/errors.js";
import type { ResourceInfo } from "../api/resources.js";
import type { KubeObject } from "../api/types.js";
import type { Registry, WatchEvent } from "../registry/registry.js";

export interface ReflectorHandlers {
  /** The whole list, first and after every relist: replace what is held with it. */
  replace(items: KubeObject[]): void;
  /** One change after the list (ADDED, MODIFIED, DELETED; bookmarks are not passed on). */
  event(ev: WatchEvent): void;
}

/**
 * Lists and watches `r` (all namespaces) until `signal` aborts, feeding `handlers`; `onSynced`
 * runs after each list is handed over. `who` names the holder in error lines.
 */
export async function reflectResource(
  registry: Registry,
  r: ResourceInfo,
  handlers: ReflectorHandlers,
  signal: AbortSignal,
  o: { who: string; onSynced?: () => void; retryMs?: number; log?: (line: string) => void },
): Promise<void> {
  while (!signal.aborted) {
    try {
      const list = await registry.list(r, undefined, { resourceVersion: "0" });
      handlers.replace(list.items);
      o.onSynced?.();
      for await (const ev of registry.watch(r, undefined, { resourceVersion: list.metadata.resourceVersion }, signal)) {
        if (ev.type === "ADDED" || ev.type === "MODIFIED" || ev.type === "DELETED") handlers.event(ev);
      }
    } catch (e) {
      if (signal.aborted) return;
      if (e instanceof ApiError && e.code === 410) continue;
      (o.log ?? console.error)(`svcnet: ${o.who}'s ${r.resource} cache: ${e instanceof Error ? e.message : String(e)}`);
    }
    await sleep(o.retryMs ?? 1000, undefined, { signal }).catch(() => undefined);
  }
}
