// Watch fan-out for stores whose writes all happen in this process (memory, sqlite): every
// commit publishes its event to the hub, and each watch first replays history and then reads
// what the hub queued for it meanwhile.
import { AsyncQueue } from "./async-queue.js";
import { StoreClosedError } from "./store-errors.js";
import type { StoreEvent } from "./store.js";
import { StoreCompactedError } from "./store.js";

interface Subscriber {
  prefix: string;
  queue: AsyncQueue<StoreEvent>;
}

/** Reads history synchronously: events under `prefix` with after < revision <= upTo, oldest first. */
export interface HistoryReader {
  /** The revision of the last commit. */
  currentRevision(): number;
  /** The compacted revision: history at or below it is gone. */
  compactedRevision(): number;
  /** At most `limit` events under `prefix` with `after < revision <= upTo`, in revision order. */
  readHistory(prefix: string, range: { after: number; upTo: number; limit: number }): StoreEvent[];
}

const replayPageSize = 500;

/**
 * Live subscribers of one store. `publish` must be called right after each commit, in commit
 * order; `watch` implements the Store.watch contract on top of a HistoryReader: no gaps, no
 * duplicates, even when commits happen while the history is being replayed.
 */
export class WatchHub {
  #subscribers = new Set<Subscriber>();
  #closed = false;

  /** Number of open watches (for tests and metrics). */
  get size(): number {
    return this.#subscribers.size;
  }

  /** Hands a committed event to every watch whose prefix covers its key. */
  publish(event: StoreEvent): void {
    for (const sub of this.#subscribers) {
      if (event.kv.key.startsWith(sub.prefix)) sub.queue.push(event);
    }
  }

  /** Fails every open watch with StoreClosedError and refuses new ones. */
  close(): void {
    this.#closed = true;
    for (const sub of this.#subscribers) sub.queue.fail(new StoreClosedError());
    this.#subscribers.clear();
  }

  /**
   * Store.watch semantics: every event under `prefix` with revision > fromRevision, replayed
   * from `history`, then live ones until `signal` aborts. Throws StoreCompactedError on the
   * first read when fromRevision < the compacted revision (or when compaction overtakes a
   * replay in progress).
   */
  async *watch(
    history: HistoryReader,
    options: { prefix: string; fromRevision: number; signal: AbortSignal },
  ): AsyncGenerator<StoreEvent> {
    const { prefix, fromRevision, signal } = options;
    if (this.#closed) throw new StoreClosedError();
    if (signal.aborted) return;
    // Subscribe first, then note the revision: everything after it arrives through the queue,
    // everything up to it comes from history. Both happen in the same synchronous step.
    const sub: Subscriber = { prefix, queue: new AsyncQueue<StoreEvent>() };
    this.#subscribers.add(sub);
    const upTo = history.currentRevision();
    const onAbort = (): void => sub.queue.end();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      let cursor = fromRevision;
      for (;;) {
        if (signal.aborted) return;
        const compacted = history.compactedRevision();
        if (cursor < compacted) throw new StoreCompactedError(cursor, compacted);
        if (cursor >= upTo) break;
        const page = history.readHistory(prefix, { after: cursor, upTo, limit: replayPageSize });
        for (const event of page) {
          cursor = event.revision;
          yield event;
          if (signal.aborted) return;
        }
        if (page.length < replayPageSize) break;
      }
      for await (const event of sub.queue) {
        if (event.revision <= cursor) continue;
        cursor = event.revision;
        yield event;
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.#subscribers.delete(sub);
    }
  }
}
