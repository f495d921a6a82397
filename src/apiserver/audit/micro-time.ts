// Audit timestamps to the microsecond, as metav1.MicroTime writes them (RFC 3339 in UTC with six
// fractional digits: 2026-01-02T15:04:05.123456Z). Date has milliseconds only, so the clock here
// reads the monotonic clock against a wall-clock anchor, and takes a new anchor when the two
// drift apart by more than a second (the wall clock was set), so that stamps stay near the
// wall clock without ever depending on its resolution.

const driftLimitMicros = 1_000_000;

/** A time in microseconds since the epoch as metav1.MicroTime serializes it. */
export function formatMicroTime(micros: number): string {
  const whole = Math.floor(micros);
  const ms = Math.floor(whole / 1000);
  const sub = String(whole - ms * 1000).padStart(3, "0");
  // toISOString ends in ".mmmZ": the microseconds go between the milliseconds and the Z.
  return `${new Date(ms).toISOString().slice(0, -1)}${sub}Z`;
}

export interface MicroClockSources {
  /** Wall clock in milliseconds since the epoch (default Date.now). */
  wallMs?: () => number;
  /** A monotonic clock in fractional milliseconds (default performance.now). */
  monotonicMs?: () => number;
}

/** A clock of microseconds since the epoch, with the monotonic clock's resolution. */
export function microClock(sources: MicroClockSources = {}): () => number {
  const wallMs = sources.wallMs ?? (() => Date.now());
  const monotonicMs = sources.monotonicMs ?? (() => performance.now());
  let anchor = wallMs() * 1000 - monotonicMs() * 1000;
  return () => {
    let micros = anchor + monotonicMs() * 1000;
    const wall = wallMs() * 1000;
    if (Math.abs(micros - wall) > driftLimitMicros) {
      anchor = wall - monotonicMs() * 1000;
      micros = wall;
    }
    return Math.floor(micros);
  };
}
