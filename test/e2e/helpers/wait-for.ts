// Polling for e2e tests: wait until a condition holds, or fail with a message saying what was
// awaited and what was last seen.

/** Options for waitFor. */
export interface WaitForOptions {
  /** Give up after this many ms (default 15000). */
  timeoutMs?: number;
  /** Pause between checks (default 50 ms). */
  intervalMs?: number;
  /** Describes the current state for the failure message. */
  state?: () => string;
}

/** Resolves once `check` returns true; rejects with `what` (and the state) after the timeout. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, o: WaitForOptions = {}): Promise<void> {
  const deadline = Date.now() + (o.timeoutMs ?? 15_000);
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const state = o.state ? `\nstate: ${o.state()}` : "";
      const cause = lastError === undefined ? "" : `\nlast error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new Error(`timed out waiting for ${what}${state}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, o.intervalMs ?? 50));
  }
}

/** Sleeps for `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
