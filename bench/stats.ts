// Latency statistics for the benchmarks: nearest-rank percentiles over millisecond samples.

/** A summary of latency samples in milliseconds; all zero when there were no samples. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** What a load generator reports for a run of requests: counts, the rate, and latency p50/p99 in ms. */
export interface RequestLoad {
  requests: number;
  errors: number;
  firstError: string;
  perSecond: number;
  p50: number;
  p99: number;
}

/**
 * The nearest-rank q-quantile (0 < q ≤ 1) of ascending `sorted`: the smallest sample with at
 * least q·n samples at or below it. NaN for no samples.
 */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** Summarizes samples (any order; the input is not modified). */
export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, p50: 0, p99: 0, max: 0, mean: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, x) => acc + x, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1],
    mean: sum / sorted.length,
  };
}
