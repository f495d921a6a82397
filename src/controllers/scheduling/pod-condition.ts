// Setting one condition in a pod's status, as podutil.UpdatePodCondition does: the condition of
// that type is replaced (or appended), keeping its lastTransitionTime when the status is unchanged.

import { deepCopy } from "../../api/json.js";
import type { Condition, Pod } from "../../api/types.js";

/**
 * A copy of `pod` whose condition of `condition.type` is `condition`. When a condition of that
 * type exists with the same status, its lastTransitionTime is kept. Never mutates its inputs.
 */
export function withPodCondition(pod: Pod, condition: Condition): Pod {
  const copy = deepCopy(pod);
  const conditions = [...(copy.status?.conditions ?? [])];
  const i = conditions.findIndex((c) => c.type === condition.type);
  const next = { ...condition };
  if (i >= 0 && conditions[i].status === condition.status && conditions[i].lastTransitionTime) next.lastTransitionTime = conditions[i].lastTransitionTime;
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
  copy.status = { ...copy.status, conditions };
  return copy;
}
