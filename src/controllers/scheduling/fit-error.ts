// The text kube-scheduler 1.32 writes when no node fits a pod (framework.FitError), e.g.
//   0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: },
//   2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available:
//   3 Preemption is not helpful for scheduling.
// Reasons are counted per node, printed as "<count> <reason>", sorted as strings (so "10 x"
// sorts before "2 y", as in Go) and joined with ", ".

/** The message kube-scheduler gives when the cluster has no nodes at all. */
export const noNodesAvailableMessage = "no nodes available to schedule pods";

/** Preemption's per-node reason when the node failed a filter that evicting pods cannot fix. */
export const preemptionNotHelpful = "Preemption is not helpful for scheduling";
/** Preemption's per-node reason when no pod on the node has a lower priority than the pod. */
export const noPreemptionVictims = "No preemption victims found for incoming pod";
/** Preemption's whole message for a pod with preemptionPolicy Never. */
export const preemptionNeverMessage = "not eligible due to preemptionPolicy=Never.";

/** Counts reasons over nodes: each node contributes each of its reasons once. */
export function reasonHistogram(perNode: readonly (readonly string[])[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const reasons of perNode) for (const r of reasons) out[r] = (out[r] ?? 0) + 1;
  return out;
}

/**
 * FitError.Error(): "0/<n> nodes are available:", then " <sorted histogram>." when there are
 * reasons, then " <postFilterMessage>" when preemption said something (it already ends with
 * its own period; 1.30 and later no longer double it).
 */
export function fitErrorMessage(numNodes: number, opts: { reasons: Record<string, number>; postFilterMessage?: string }): string {
  let msg = `0/${numNodes} nodes are available:`;
  const items = Object.entries(opts.reasons)
    .map(([reason, count]) => `${count} ${reason}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (items.length > 0) msg += ` ${items.join(", ")}.`;
  if (opts.postFilterMessage) msg += ` ${opts.postFilterMessage}`;
  return msg;
}
