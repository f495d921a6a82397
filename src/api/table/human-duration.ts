// Ages as kubectl shows them: apimachinery's duration.HumanDuration ("3d4h", "119s", "2y330d")
// and the printers' translateTimestampSince ("<unknown>" when there is no timestamp).

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

/** The instant Go's zero `time.Time` serialises to; Kubernetes treats it as "no timestamp". */
const GO_ZERO_TIME_MS = Date.parse("0001-01-01T00:00:00Z");

/**
 * A short, 2–3 significant figure rendering of a duration in milliseconds, identical to
 * apimachinery's `duration.HumanDuration`: below −1 s `<invalid>`; up to 0 s `0s`; under 2 min
 * whole seconds; under 10 min `XmYs`; under 3 h minutes; under 8 h `XhYm`; under 48 h hours;
 * under 8 d `XdYh`; under 2 y days; under 8 y `XyYd`; else years. Every unit is truncated, a
 * year is 365 days, and a zero trailing unit is dropped (`7m`, `6h`, `5d`, `3y`).
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (ms < 2 * YEAR) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (ms < 8 * YEAR) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/**
 * Parses an RFC 3339 timestamp as found in API objects (seconds or microseconds precision).
 * Returns undefined for a missing, empty, unparsable or Go-zero ("0001-01-01T00:00:00Z") value.
 */
export function parseTimestamp(ts: string | null | undefined): number | undefined {
  if (ts === null || ts === undefined || ts === "") return undefined;
  const t = Date.parse(ts);
  if (Number.isNaN(t) || t === GO_ZERO_TIME_MS) return undefined;
  return t;
}

/**
 * The age of `ts` at `now` as a HumanDuration, or `<unknown>` when `ts` is missing, empty,
 * unparsable or Go's zero time — the printers' translateTimestampSince (and, for the
 * microsecond timestamps of events, translateMicroTimestampSince).
 */
export function translateTimestampSince(ts: string | null | undefined, now: Date): string {
  const t = parseTimestamp(ts);
  if (t === undefined) return "<unknown>";
  return humanDuration(now.getTime() - t);
}
