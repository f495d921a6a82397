// Timestamps as Kubernetes writes metav1.Time: RFC 3339 in UTC with whole seconds.

/** Formats epoch milliseconds as "2006-01-02T15:04:05Z" (sub-second part dropped, not rounded). */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** Parses an RFC 3339 timestamp to epoch milliseconds; undefined when absent or unparsable. */
export function parseTime(s: unknown): number | undefined {
  if (typeof s !== "string") return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}
