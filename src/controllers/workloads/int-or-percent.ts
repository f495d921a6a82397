// intstr.GetScaledValueFromIntOrPercent and the Deployment fenceposts built on it: maxSurge
// rounds up, maxUnavailable rounds down, and if both come out 0 one pod may be unavailable.

import type { IntOrString } from "../../api/types.js";

/** An IntOrString that is neither an integer nor "<int>%". */
export class InvalidIntOrPercentError extends Error {
  readonly code = "INVALID_INT_OR_PERCENT";
}

/**
 * Resolves an integer or a percentage of `total`. Percentages round up when `roundUp`, down
 * otherwise. Throws InvalidIntOrPercentError with upstream's wording for undefined, a string
 * without "%", or a non-integer percentage.
 */
export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) throw new InvalidIntOrPercentError("nil value for IntOrString");
  if (typeof v === "number") return Math.trunc(v);
  if (!v.endsWith("%")) throw new InvalidIntOrPercentError("invalid value for IntOrString: invalid type: string is not a percentage");
  const digits = v.slice(0, -1);
  if (!/^[+-]?[0-9]+$/.test(digits)) throw new InvalidIntOrPercentError(`invalid value for IntOrString: invalid value "${v}": strconv.Atoi: parsing "${digits}": invalid syntax`);
  const pct = Number(digits);
  const raw = (pct * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

/** The resolved rolling-update bounds of a Deployment. */
export interface Fenceposts {
  /** Pods that may exist above spec.replicas. */
  surge: number;
  /** Pods that may be unavailable below spec.replicas. */
  unavailable: number;
}

/**
 * ResolveFenceposts: surge = maxSurge of `replicas` rounded up, unavailable = maxUnavailable
 * rounded down (each undefined counts as 0); when both are 0, unavailable becomes 1 so a
 * rollout can make progress. Throws InvalidIntOrPercentError for malformed values.
 */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, replicas: number): Fenceposts {
  const surge = scaledValue(maxSurge ?? 0, replicas, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}
