// Delivery of informer notifications to one set of handlers: a buffer per registration, drained
// asynchronously in order, so a handler never runs inside the informer's watch loop and a
// handler registered late gets its synthetic adds before anything newer.

import type { KubeObject } from "../api/types.js";
import type { DeletedFinalStateUnknown } from "./object-key.js";

/**
 * Callbacks for changes in an informer's cache. Objects are frozen and shared: never mutate
 * them. When a callback runs the cache already reflects the change (and maybe later ones).
 *
 * Handlers must be quick and must not block: the usual body is `queue.add(key)`. Work that
 * waits for I/O belongs in a controller's sync, not here. A returned promise is not awaited;
 * an exception is reported and delivery goes on.
 */
export interface EventHandlers<T extends KubeObject = KubeObject> {
  onAdd?(obj: T): void;
  /** Also called with old === new on a periodic resync. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** A tombstone when the deletion was discovered by relisting (final state unknown). */
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

/** One queued notification. */
export type Notification<T extends KubeObject> =
  | { type: "add"; obj: T }
  | { type: "update"; old: T; obj: T }
  | { type: "delete"; obj: T | DeletedFinalStateUnknown<T> };

/**
 * Buffers notifications for one EventHandlers and delivers them in order in a later
 * microtask. `stop()` discards what is pending and ignores further pushes.
 */
export class HandlerListener<T extends KubeObject> {
  readonly #h: EventHandlers<T>;
  readonly #onError: (err: unknown) => void;
  #buf: Notification<T>[] = [];
  #scheduled = false;
  #stopped = false;

  constructor(handlers: EventHandlers<T>, onError: (err: unknown) => void) {
    this.#h = handlers;
    this.#onError = onError;
  }

  push(n: Notification<T>): void {
    if (this.#stopped) return;
    this.#buf.push(n);
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.#drain());
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#buf = [];
  }

  #drain(): void {
    this.#scheduled = false;
    const batch = this.#buf;
    this.#buf = [];
    for (const n of batch) {
      if (this.#stopped) return;
      try {
        if (n.type === "add") this.#h.onAdd?.(n.obj);
        else if (n.type === "update") this.#h.onUpdate?.(n.old, n.obj);
        else this.#h.onDelete?.(n.obj);
      } catch (e) {
        this.#onError(e);
      }
    }
  }
}
