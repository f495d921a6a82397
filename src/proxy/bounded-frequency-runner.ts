// Runs the proxy's sync function often enough but not too often. Requests coalesce (many
// run() calls before a run starts cause one run), runs never overlap, a run starts no sooner
// than minInterval after the previous one *finished* (so a slow sync cannot eat the whole
// gap), a failed run is retried after retryInterval, and a run happens at least every
// maxInterval even when nobody asks. These are the semantics of kube-proxy's runner since
// about v1.34; the older token-bucket runner measured the gap start-to-start instead.
//
// Contract: fn is only called after start() and never after stop() has resolved; run() before
// start() is remembered and served by start(); run() after stop() does nothing. All timing
// goes through the injected Clock, so tests drive it with FakeClock.

import { type CancelTimer, type Clock, realClock } from "../client/clock.js";

export interface BoundedFrequencyRunnerOptions {
  /** For error messages and diagnostics. */
  name: string;
  /** The work; a rejected promise (or throw) means "retry after retryInterval". */
  fn: () => Promise<void>;
  /** Least time in ms from the end of one run to the start of the next. */
  minInterval: number;
  /** Time in ms after a failed run before it is tried again (never sooner than minInterval). */
  retryInterval: number;
  /** Most time in ms from the end of one run (or from start()) to the start of the next. */
  maxInterval: number;
  /** Time and timers; defaults to the real clock. */
  clock?: Clock;
  /** Told about every failed run; the runner itself only retries. Default: nothing. */
  onError?: (err: unknown) => void;
}

type RunnerPhase = "new" | "started" | "stopped";

export class BoundedFrequencyRunner {
  readonly #name: string;
  readonly #fn: () => Promise<void>;
  readonly #minInterval: number;
  readonly #retryInterval: number;
  readonly #maxInterval: number;
  readonly #clock: Clock;
  readonly #onError: (err: unknown) => void;

  #phase: RunnerPhase = "new";
  /** A run was asked for and has not started yet. */
  #requested = false;
  /** When the last run finished; undefined before the first one. */
  #lastEnd: number | undefined;
  /** Base of the maxInterval period: the last run's end, or start(). */
  #periodStart = 0;
  /** When the last failure is due for a retry; undefined when the last run succeeded. */
  #retryAt: number | undefined;
  #running: Promise<void> | undefined;
  #timer: { at: number; cancel: CancelTimer } | undefined;

  constructor(options: BoundedFrequencyRunnerOptions) {
    const { minInterval, retryInterval, maxInterval } = options;
    if (!(minInterval >= 0)) throw new RangeError(`${options.name}: minInterval must be >= 0, got ${minInterval}`);
    if (!(retryInterval > 0)) throw new RangeError(`${options.name}: retryInterval must be > 0, got ${retryInterval}`);
    if (!(maxInterval >= minInterval)) {
      throw new RangeError(`${options.name}: maxInterval (${maxInterval}) must be >= minInterval (${minInterval})`);
    }
    this.#name = options.name;
    this.#fn = options.fn;
    this.#minInterval = minInterval;
    this.#retryInterval = retryInterval;
    this.#maxInterval = maxInterval;
    this.#clock = options.clock ?? realClock;
    this.#onError = options.onError ?? (() => {});
  }

  get name(): string {
    return this.#name;
  }

  /** Whether fn is executing right now. */
  get running(): boolean {
    return this.#running !== undefined;
  }

  /** Starts the periodic runs (and serves a run() requested earlier). Stops when `signal` aborts. */
  start(signal?: AbortSignal): void {
    if (this.#phase !== "new") throw new Error(`${this.#name}: runner already started`);
    this.#phase = "started";
    this.#periodStart = this.#clock.now();
    if (signal) {
      if (signal.aborted) {
        void this.stop();
        return;
      }
      signal.addEventListener("abort", () => void this.stop(), { once: true });
    }
    this.#schedule();
  }

  /** Asks for a run as soon as minInterval allows. Cheap; calls coalesce. */
  run(): void {
    if (this.#phase === "stopped") return;
    this.#requested = true;
    if (this.#phase === "started" && !this.#running) this.#schedule();
  }

  /** Stops further runs; resolves once a run in progress has finished. */
  async stop(): Promise<void> {
    this.#phase = "stopped";
    this.#cancelTimer();
    if (this.#running) await this.#running;
  }

  /** When the next run is due, from the request, retry and period state. */
  #nextRunAt(): number {
    let at = this.#periodStart + this.#maxInterval;
    if (this.#requested) at = Math.min(at, this.#clock.now());
    if (this.#retryAt !== undefined) at = Math.min(at, this.#retryAt);
    if (this.#lastEnd !== undefined) at = Math.max(at, this.#lastEnd + this.#minInterval);
    return at;
  }

  /** (Re)arms the single timer for the next run; only called while idle. */
  #schedule(): void {
    if (this.#phase !== "started") return;
    const at = this.#nextRunAt();
    if (this.#timer?.at === at) return;
    this.#cancelTimer();
    const cancel = this.#clock.setTimer(() => {
      this.#timer = undefined;
      this.#startRun();
    }, at - this.#clock.now());
    this.#timer = { at, cancel };
  }

  #cancelTimer(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #startRun(): void {
    if (this.#phase !== "started" || this.#running) return;
    this.#requested = false;
    this.#running = this.#execute().finally(() => {
      this.#running = undefined;
      this.#schedule();
    });
  }

  async #execute(): Promise<void> {
    let failed = false;
    try {
      await this.#fn();
    } catch (err) {
      failed = true;
      try {
        this.#onError(err);
      } catch {
        // A broken error reporter must not stop the runner; the retry below still happens.
      }
    }
    const end = this.#clock.now();
    this.#lastEnd = end;
    this.#periodStart = end;
    this.#retryAt = failed ? end + this.#retryInterval : undefined;
  }
}
