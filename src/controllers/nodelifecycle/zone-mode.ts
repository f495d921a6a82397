// Which NoExecute tainting mode applies to one node, from the readiness of every node grouped
// by zone (topology.kubernetes.io/region and /zone labels, as Kubernetes' zone key).

import type { Condition, Node } from "../../api/types.js";
import { noExecuteMode, zoneState, type NoExecuteMode, type ZoneState } from "./zone-state.js";

/** Zones with more nodes than this are "large" (Kubernetes' --large-cluster-size-threshold). */
export const largeClusterThreshold = 50;

/** The zone a node belongs to: "<region>:\0:<zone>" from its labels ("" parts when unset). */
export function zoneKeyOf(node: Node): string {
  const labels = node.metadata.labels ?? {};
  const region = labels["topology.kubernetes.io/region"] ?? labels["failure-domain.beta.kubernetes.io/region"] ?? "";
  const zone = labels["topology.kubernetes.io/zone"] ?? labels["failure-domain.beta.kubernetes.io/zone"] ?? "";
  return `${region}:\u0000:${zone}`;
}

/**
 * The NoExecute mode for `node` among `nodes` (which may or may not include it, matched by
 * name), where that node's Ready condition is taken to be `ready` (its state after this
 * evaluation) and every other node's is the one it carries. See noExecuteMode for the modes.
 */
export function noExecuteModeForNode(node: Node, ready: Condition | undefined, nodes: readonly Node[]): NoExecuteMode {
  // One pass, appending in place: this runs for every node on every monitor period.
  const byZone = new Map<string, (Condition | undefined)[]>();
  const file = (zone: string, cond: Condition | undefined): void => {
    const list = byZone.get(zone);
    if (list) list.push(cond);
    else byZone.set(zone, [cond]);
  };
  const name = node.metadata.name;
  for (const n of nodes) if (n.metadata.name !== name) file(zoneKeyOf(n), n.status?.conditions?.find((c) => c.type === "Ready"));
  const own = zoneKeyOf(node);
  file(own, ready);
  const states = new Map<string, ZoneState>();
  for (const [zone, conds] of byZone) states.set(zone, zoneState(conds).state);
  const ownSize = byZone.get(own)?.length ?? 0;
  return noExecuteMode(states.get(own) ?? "Normal", { allZones: [...states.values()], largeCluster: ownSize > largeClusterThreshold });
}
