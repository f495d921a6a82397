// A probe's verdict over time, as kubelet's prober keeps it: results count only after
// initialDelaySeconds; the verdict flips to failure after failureThreshold consecutive
// failures and back to success after successThreshold consecutive successes.

export interface ProbeSpec {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export interface ProbeState {
  /** The current verdict; undefined until the first verdict (readiness starts not ready). */
  ok: boolean | undefined;
  successes: number;
  failures: number;
}

export const initialProbeState: ProbeState = { ok: undefined, successes: 0, failures: 0 };

/** Kubernetes' defaults: period 10 s, timeout 1 s, thresholds 1 and 3, no initial delay. */
export function probeTiming(spec: ProbeSpec): { delayMs: number; periodMs: number; timeoutMs: number; successThreshold: number; failureThreshold: number } {
  return {
    delayMs: (spec.initialDelaySeconds ?? 0) * 1000,
    periodMs: (spec.periodSeconds ?? 10) * 1000,
    timeoutMs: (spec.timeoutSeconds ?? 1) * 1000,
    successThreshold: spec.successThreshold ?? 1,
    failureThreshold: spec.failureThreshold ?? 3,
  };
}

/** The state after one probe result. */
export function nextProbeState(state: ProbeState, success: boolean, spec: ProbeSpec): ProbeState {
  const t = probeTiming(spec);
  if (success) {
    const successes = state.successes + 1;
    return { ok: successes >= t.successThreshold ? true : state.ok, successes, failures: 0 };
  }
  const failures = state.failures + 1;
  return { ok: failures >= t.failureThreshold ? false : state.ok, successes: 0, failures };
}
