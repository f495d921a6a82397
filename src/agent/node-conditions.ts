// The node conditions an agent asserts, checked against what the API holds: the node lifecycle
// controller overwrites them with Unknown when it stops hearing from a node (NodeStatusUnknown).
// A kubelet that is alive after all posts its own conditions again at its next status update;
// restoredConditions says whether that is needed and what to write.

import type { Condition } from "../api/types.js";

/**
 * The conditions to write when any of `wanted`'s types has another status in `live` (or is
 * missing there); undefined when `live` agrees. Conditions whose status changes get `now` as
 * transition and heartbeat time; the others keep their times; live conditions of other types
 * (set by someone else) are kept.
 */
export function restoredConditions(live: readonly Condition[] | undefined, wanted: readonly Condition[], now: string): Condition[] | undefined {
  const current = new Map((live ?? []).map((c) => [c.type, c]));
  const disagree = wanted.some((w) => current.get(w.type)?.status !== w.status);
  if (!disagree) return undefined;
  const mine = new Set(wanted.map((w) => w.type));
  const written = wanted.map((w) => {
    const had = current.get(w.type);
    return had?.status === w.status ? had : { ...w, lastHeartbeatTime: now, lastTransitionTime: now };
  });
  return [...written, ...(live ?? []).filter((c) => !mine.has(c.type))];
}
