// Durations and timestamps printed the way Kubernetes components print them, so messages such
// as "back-off 1m20s restarting failed container=…" match what kubectl users know.

import { rfc3339 } from "../../api/time.js";

/**
 * Formats whole-millisecond durations like Go's time.Duration.String(): `0s`, `10s`, `1m20s`,
 * `5m0s`, `1h0m0s`, `1.5s`, `250ms`. Negative durations get a leading minus sign.
 */
export function formatGoDuration(ms: number): string {
  if (ms < 0) return `-${formatGoDuration(-ms)}`;
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const secondsMs = ms % 60_000;
  const whole = Math.floor(secondsMs / 1000);
  const frac = secondsMs % 1000;
  const seconds = frac === 0 ? `${whole}` : `${whole}.${String(frac).padStart(3, "0").replace(/0+$/, "")}`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** RFC 3339 with whole seconds in UTC (`2026-11-26T13:41:44Z`), as API timestamps are written. */
export function formatTimestamp(time: Date): string {
  return rfc3339(time);
}
