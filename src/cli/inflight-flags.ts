// `svcnet server`'s --max-requests-inflight and --max-mutating-requests-inflight, named and read
// as kube-apiserver's: whole numbers whose sum is the server's seats (flowcontrol/flow-control.ts),
// which must not be 0.

/** --max-requests-inflight and --max-mutating-requests-inflight → the two counts, or a one-line error. */
export function parseInflightFlags(f: { reads: string; mutating: string }): { ok: true; value: { maxRequestsInflight: number; maxMutatingRequestsInflight: number } } | { ok: false; error: string } {
  const whole = (text: string): number | undefined => (/^\d+$/.test(text) ? Number(text) : undefined);
  const reads = whole(f.reads);
  const mutating = whole(f.mutating);
  if (reads === undefined) return { ok: false, error: `--max-requests-inflight must be a whole number, got ${JSON.stringify(f.reads)}` };
  if (mutating === undefined) return { ok: false, error: `--max-mutating-requests-inflight must be a whole number, got ${JSON.stringify(f.mutating)}` };
  if (reads + mutating === 0) return { ok: false, error: "--max-requests-inflight and --max-mutating-requests-inflight must add up to something positive, got 0 and 0" };
  return { ok: true, value: { maxRequestsInflight: reads, maxMutatingRequestsInflight: mutating } };
}
