// Periodic compaction for stores that keep their own history (sqlite): every `everyMs`, compact
// away history older than the retention, so the history table does not grow without bound.

/** How much history to keep. When both limits are set, the one keeping more history wins. */
export interface RetentionOptions {
  /** Keep at least this much time of history (ms). Default 300_000 (5 minutes) when neither is set. */
  retainMs?: number;
  /** Keep at least this many most recent revisions. */
  retainRevisions?: number;
}

/** Automatic compaction settings. */
export interface AutoCompactOptions extends RetentionOptions {
  /** How often to compact (ms). Default 60_000. */
  everyMs?: number;
}

/** The timers auto-compaction uses; tests pass a fake one. */
export interface IntervalClock {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Real timers; the interval is unref'd so it never keeps the process alive. */
export const systemClock: IntervalClock = {
  now: () => Date.now(),
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/**
 * Pure retention bookkeeping: `observe(now, revision)` records the store revision at a moment,
 * `target(now, current)` says up to which revision history may be compacted (0: nothing yet).
 * Time-based retention compacts to the newest revision observed at least `retainMs` ago, so a
 * watcher that is less than `retainMs` behind can always resume.
 */
export class RetentionPlanner {
  #samples: { at: number; revision: number }[] = [];
  #retainMs: number | undefined;
  #retainRevisions: number | undefined;

  constructor(options: RetentionOptions = {}) {
    const neither = options.retainMs === undefined && options.retainRevisions === undefined;
    this.#retainMs = neither ? 300_000 : options.retainMs;
    this.#retainRevisions = options.retainRevisions;
  }

  /** Records that the store was at `revision` at time `now`. */
  observe(now: number, revision: number): void {
    this.#samples.push({ at: now, revision });
  }

  /** The revision to compact to now, never above `current`; 0 when there is nothing to do. */
  target(now: number, current: number): number {
    const candidates: number[] = [];
    if (this.#retainRevisions !== undefined) candidates.push(Math.max(0, current - this.#retainRevisions));
    if (this.#retainMs !== undefined) {
      let byTime = 0;
      let drop = 0;
      for (let i = 0; i < this.#samples.length && this.#samples[i].at <= now - this.#retainMs; i++) {
        byTime = this.#samples[i].revision;
        drop = i;
      }
      // Older samples than the one used will never be needed again.
      this.#samples.splice(0, drop);
      candidates.push(byTime);
    }
    return Math.min(current, ...candidates);
  }
}

/** What auto-compaction needs from a store. */
export interface Compactable {
  currentRevision(): Promise<number>;
  compact(revision: number): Promise<void>;
}

/**
 * Starts compacting `store` every `everyMs` according to the retention; returns a function
 * that stops it. Failures are reported to `onError` (default: ignored, the next tick retries).
 */
export function startAutoCompaction(
  store: Compactable,
  options: AutoCompactOptions & { clock?: IntervalClock; onError?: (err: unknown) => void } = {},
): () => void {
  const clock = options.clock ?? systemClock;
  const planner = new RetentionPlanner(options);
  let running = false;
  const tick = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const current = await store.currentRevision();
      const now = clock.now();
      const target = planner.target(now, current);
      planner.observe(now, current);
      if (target > 0) await store.compact(target);
    } catch (err) {
      options.onError?.(err);
    } finally {
      running = false;
    }
  };
  const handle = clock.setInterval(() => void tick(), options.everyMs ?? 60_000);
  return () => clock.clearInterval(handle);
}
