// The taints the node lifecycle controller owns, derived from a node's conditions and
// spec.unschedulable (Kubernetes' TaintNodesByCondition and taint-based eviction):
//   NoSchedule  not-ready (Ready=False), unreachable (Ready=Unknown), memory-pressure,
//               disk-pressure, pid-pressure, network-unavailable (condition True),
//               unschedulable (spec.unschedulable)
//   NoExecute   not-ready (Ready=False), unreachable (Ready=Unknown)
// Any other taint on the node belongs to someone else and is never touched.

import type { Condition, Node } from "../../api/types.js";
import { rfc3339 } from "../../api/time.js";
import { nodeTaints, sameTaint, taintKeys, type Taint } from "../scheduling/taints.js";
import type { NoExecuteMode } from "./zone-state.js";

const noScheduleByCondition: Record<string, Partial<Record<Condition["status"], string>>> = {
  Ready: { False: taintKeys.notReady, Unknown: taintKeys.unreachable },
  MemoryPressure: { True: taintKeys.memoryPressure },
  DiskPressure: { True: taintKeys.diskPressure },
  PIDPressure: { True: taintKeys.pidPressure },
  NetworkUnavailable: { True: taintKeys.networkUnavailable },
};

const noScheduleKeys = new Set<string>([...Object.values(noScheduleByCondition).flatMap((m) => Object.values(m)), taintKeys.unschedulable]);
const noExecuteKeys = new Set<string>([taintKeys.notReady, taintKeys.unreachable]);

/** Whether the node lifecycle controller owns this taint (adds and removes it). */
export function isLifecycleTaint(t: Taint): boolean {
  return t.effect === "NoSchedule" ? noScheduleKeys.has(t.key) : t.effect === "NoExecute" && noExecuteKeys.has(t.key);
}

/** Changes to make to a node's taints; `taints` is the complete new list, set only when something changes. */
export interface TaintChanges {
  add: Taint[];
  remove: Taint[];
  taints?: Taint[];
}

/**
 * The lifecycle taints `node` should carry given `conditions` (its status.conditions, possibly
 * just updated by the controller), compared with the taints it has. New taints get timeAdded
 * `now`, as the controller stamps every taint it adds. `noExecute` (default "taint", see
 * zone-state.ts): "remove" wants no NoExecute taint at all; "hold" adds none to a node that has
 * none, but still swaps not-ready ↔ unreachable and removes them on recovery. Taints are
 * matched by key and effect; other taints keep their place.
 */
export function lifecycleTaintChanges(node: Node, opts: { conditions: readonly Condition[]; now: number; noExecute?: NoExecuteMode }): TaintChanges {
  const wanted: Taint[] = [];
  for (const c of opts.conditions) {
    const key = noScheduleByCondition[c.type]?.[c.status];
    if (key) wanted.push({ key, effect: "NoSchedule" });
  }
  if (node.spec?.unschedulable === true) wanted.push({ key: taintKeys.unschedulable, effect: "NoSchedule" });
  const current = nodeTaints(node);
  const owned = current.filter(isLifecycleTaint);
  const mode = opts.noExecute ?? "taint";
  const hasNoExecute = owned.some((t) => t.effect === "NoExecute");
  if (mode === "taint" || (mode === "hold" && hasNoExecute)) {
    const ready = opts.conditions.find((c) => c.type === "Ready")?.status;
    if (ready === "False") wanted.push({ key: taintKeys.notReady, effect: "NoExecute" });
    if (ready === "Unknown") wanted.push({ key: taintKeys.unreachable, effect: "NoExecute" });
  }
  const timeAdded = rfc3339(opts.now);
  const add = wanted.filter((w) => !owned.some((o) => sameTaint(o, w))).map((w) => ({ ...w, timeAdded }));
  const remove = owned.filter((o) => !wanted.some((w) => sameTaint(o, w)));
  if (add.length === 0 && remove.length === 0) return { add, remove };
  return { add, remove, taints: [...current.filter((t) => !remove.some((r) => sameTaint(r, t))), ...add] };
}
