// Time as a dependency: the work queue, rate limiters and recorders read the clock and set
// timers only through this interface, so tests drive them with FakeClock instead of waiting.

/** Cancels a timer; calling it after the timer fired, or twice, is harmless. */
export type CancelTimer = () => void;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms` (at least 0, and however long). */
  setTimer(fn: () => void, ms: number): CancelTimer;
}

/** What a clock is built on: wall time and the platform's one-shot timers. */
export interface TimerPlatform<H> {
  now(): number;
  setTimeout(fn: () => void, ms: number): H;
  clearTimeout(handle: H): void;
}

// Node fires a timer asked to wait longer than 2^31-1 ms (about 24.8 days) after 1 ms, and its
// timers stand still while the machine sleeps. So a long wait is taken in steps of at most an
// hour, each looking at the wall clock again: the timer fires neither early nor more than a
// step late, and a caller such as the work queue, whose deadlines are wall-clock times, may ask
// for any delay.
export const maxTimerStepMs = 3600_000;

/** A Clock on `platform` whose timers may wait any time, even longer than the platform allows. */
export function platformClock<H>(platform: TimerPlatform<H>): Clock {
  return {
    now: () => platform.now(),
    setTimer(fn, ms) {
      const wait = ms > 0 ? ms : 0;
      if (wait <= maxTimerStepMs) {
        const handle = platform.setTimeout(fn, wait);
        return () => platform.clearTimeout(handle);
      }
      const deadline = platform.now() + wait;
      const step = (): void => {
        const left = deadline - platform.now();
        if (left > 0) handle = platform.setTimeout(step, Math.min(left, maxTimerStepMs));
        else fn();
      };
      let handle = platform.setTimeout(step, maxTimerStepMs);
      return () => platform.clearTimeout(handle);
    },
  };
}

/** The process's clock and timers. */
export const realClock: Clock = platformClock<ReturnType<typeof setTimeout>>({
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t),
});

/**
 * A manual clock: time moves only in `advance()`, which fires due timers in deadline order
 * (ties in creation order), each seeing `now()` equal to its own deadline. Timers set by a
 * firing timer fire in the same advance if they fall due within it.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(fn: () => void, ms: number): CancelTimer {
    const id = this.#seq++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return () => void this.#timers.delete(id);
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.#timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#now = next[1].at;
      next[1].fn();
    }
    this.#now = end;
  }
}
