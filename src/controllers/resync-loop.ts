// Runs a reconcile function whenever something changes (kicked by the caller), at most once
// per `minIntervalMs`, at least once per `maxIntervalMs`, retrying after failures. Runs are
// never concurrent; kicks during a run cause exactly one more run.

export interface ResyncLoopOptions {
  minIntervalMs?: number;
  maxIntervalMs?: number;
  signal: AbortSignal;
  onError?: (e: unknown) => void;
}

export class ResyncLoop {
  readonly #run: () => Promise<void>;
  readonly #o: Required<Omit<ResyncLoopOptions, "signal">> & { signal: AbortSignal };
  #dirty = true;
  #wake: (() => void) | undefined;

  constructor(run: () => Promise<void>, options: ResyncLoopOptions) {
    this.#run = run;
    this.#o = { minIntervalMs: 100, maxIntervalMs: 5000, onError: (e) => console.error("svcnet:", e), ...options };
  }

  kick(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  async start(): Promise<void> {
    const { signal } = this.#o;
    while (!signal.aborted) {
      if (this.#dirty) {
        this.#dirty = false;
        try {
          await this.#run();
        } catch (e) {
          if (!signal.aborted) this.#o.onError(e);
          this.#dirty = true;
        }
        await sleep(this.#o.minIntervalMs, signal);
        continue;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, this.#o.maxIntervalMs);
        function done(): void {
          clearTimeout(t);
          signal.removeEventListener("abort", done);
          resolve();
        }
        this.#wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
      this.#wake = undefined;
      this.#dirty = true;
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    function onAbort(): void {
      clearTimeout(t);
      resolve();
    }
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
