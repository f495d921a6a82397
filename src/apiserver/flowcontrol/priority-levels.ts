// Priority levels, as flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfiguration describes them:
// an exempt level that never waits, and limited levels that share the server's seats (the sum
// of --max-requests-inflight and --max-mutating-requests-inflight) in proportion to their
// nominal concurrency shares, queue what does not fit, and reject what overflows the queues.
// The suggested levels and their shares are kube-apiserver's defaults. Not carried over:
// borrowing between levels (lendablePercent), and shuffle sharding — each flow has a queue of
// its own here, as a machine serves a handful of users, not thousands.

/** How a limited level queues requests that find no free seat. */
export interface Queuing {
  /** At most this many flows wait at once (kube's `queues`); a further flow is rejected. */
  queues: number;
  /** At most this many requests of one flow wait at once; a further one is rejected. */
  queueLengthLimit: number;
}

export type PriorityLevel =
  | { name: string; type: "Exempt" }
  | {
      name: string;
      type: "Limited";
      nominalConcurrencyShares: number;
      /** Absent: a request that finds no free seat is rejected at once (kube's limitResponse Reject). */
      queuing?: Queuing;
    };

const queued = (queues: number): Queuing => ({ queues, queueLengthLimit: 50 });

/** kube-apiserver's mandatory and suggested priority levels (v1.29 and later), in its order. */
export const suggestedPriorityLevels: readonly PriorityLevel[] = [
  { name: "exempt", type: "Exempt" },
  { name: "system", type: "Limited", nominalConcurrencyShares: 30, queuing: queued(64) },
  { name: "node-high", type: "Limited", nominalConcurrencyShares: 40, queuing: queued(64) },
  { name: "leader-election", type: "Limited", nominalConcurrencyShares: 10, queuing: queued(16) },
  { name: "workload-high", type: "Limited", nominalConcurrencyShares: 40, queuing: queued(128) },
  { name: "workload-low", type: "Limited", nominalConcurrencyShares: 100, queuing: queued(128) },
  { name: "global-default", type: "Limited", nominalConcurrencyShares: 20, queuing: queued(128) },
  { name: "catch-all", type: "Limited", nominalConcurrencyShares: 5 },
];

/**
 * Each limited level's seats: ceil(serverSeats × shares / sum of shares), as kube's
 * NominalConcurrencyLimit, and at least one so that no level is shut out entirely.
 */
export function nominalSeats(serverSeats: number, levels: readonly PriorityLevel[]): Map<string, number> {
  let sum = 0;
  for (const l of levels) if (l.type === "Limited") sum += l.nominalConcurrencyShares;
  const out = new Map<string, number>();
  for (const l of levels) {
    if (l.type !== "Limited") continue;
    out.set(l.name, Math.max(1, sum > 0 ? Math.ceil((serverSeats * l.nominalConcurrencyShares) / sum) : 1));
  }
  return out;
}
