// Timestamps as Kubernetes writes them: metav1.Time is RFC 3339 in UTC with whole seconds
// (fractions dropped, not rounded); metav1.MicroTime (Lease renewTime, Event eventTime)
// carries six fraction digits.

/** "2006-01-02T15:04:05Z" for a Date or epoch milliseconds. */
export function rfc3339(t: Date | number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** "2006-01-02T15:04:05.000000Z" (MicroTime) for a Date or epoch milliseconds. */
export function microTime(t: Date | number): string {
  return new Date(t).toISOString().replace(/Z$/, "000Z");
}

/** The latest time RFC 3339 (and so Go's time.Parse) can write: 9999-12-31T23:59:59Z. */
export const latestRfc3339 = Date.UTC(9999, 11, 31, 23, 59, 59);

/**
 * The time `seconds` after `from`, held to latestRfc3339. A client may ask for any int64 of
 * seconds (a grace period of 2^53 s is valid): past that point JavaScript dates end (they throw
 * when written) and Go clients cannot read the year.
 */
export function secondsAfter(from: Date, seconds: number): Date {
  return new Date(Math.min(from.getTime() + seconds * 1000, latestRfc3339));
}

/** Epoch milliseconds of an RFC 3339 timestamp; undefined when absent or unparsable. */
export function parseTime(s: unknown): number | undefined {
  if (typeof s !== "string") return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}
