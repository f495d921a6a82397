// The DefaultTolerationSeconds admission: every new pod tolerates the not-ready and
// unreachable NoExecute taints for 300 s unless it already says how it tolerates them, so a
// silent node's pods are evicted five minutes after the node lifecycle controller taints it.

import { deepCopy, isJsonObject } from "../json.js";
import type { JsonObject } from "../json.js";
import type { Pod } from "../types.js";

export const defaultTolerationSeconds = 300;
export const notReadyTaintKey = "node.kubernetes.io/not-ready";
export const unreachableTaintKey = "node.kubernetes.io/unreachable";

/** The pod's tolerations with the two defaults added where no toleration covers them yet. */
export function defaultTolerations(pod: Pod): JsonObject[] {
  const existing = (Array.isArray(pod.spec?.tolerations) ? pod.spec.tolerations : []).filter(isJsonObject);
  const covers = (key: string): boolean =>
    existing.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === "NoExecute"));
  const out = existing.map((t) => deepCopy(t));
  for (const key of [notReadyTaintKey, unreachableTaintKey]) {
    if (!covers(key)) out.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: defaultTolerationSeconds });
  }
  return out;
}
