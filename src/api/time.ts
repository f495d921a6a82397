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

/** Epoch milliseconds of an RFC 3339 timestamp; undefined when absent or unparsable. */
export function parseTime(s: unknown): number | undefined {
  if (typeof s !== "string") return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}
