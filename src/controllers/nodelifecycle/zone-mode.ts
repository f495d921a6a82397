// Which NoExecute tainting mode applies to one node, from the readiness of every node grouped
// by zone (topology.kubernetes.io/region and /zone labels, as Kubernetes' zone key).

import type { Condition, Node } from "../../api/types.js";
import { noExecuteMode, zoneStateOfCounts, type NoExecuteMode, type ZoneState } from "./zone-state.js";

/** Zones with more nodes than this are "large" (Kubernetes' --large-cluster-size-threshold). */
export const largeClusterThreshold = 50;

/** The zone a node belongs to: "<region>:\0:<zone>" from its labels ("" parts when unset). */
export function zoneKeyOf(node: Node): string {
  const labels = node.metadata.labels ?? {};
  const region = labels["topology.kubernetes.io/region"] ?? labels["failure-domain.beta.kubernetes.io/region"] ?? "";
  const zone = labels["topology.kubernetes.io/zone"] ?? labels["failure-domain.beta.kubernetes.io/zone"] ?? "";
  return `${region}:\u0000:${zone}`;
}

/** Ready / not-Ready counts per zone, and each node's zone and readiness, from one pass over the nodes. */
export interface ZoneCensus {
  zones: Map<string, { ready: number; notReady: number }>;
  nodes: Map<string, { zone: string; ready: boolean }>;
}

export function zoneCensus(nodes: readonly Node[]): ZoneCensus {
  const census: ZoneCensus = { zones: new Map(), nodes: new Map() };
  for (const n of nodes) {
    const zone = zoneKeyOf(n);
    const ready = n.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
    census.nodes.set(n.metadata.name ?? "", { zone, ready });
    count(census.zones, zone, ready, 1);
  }
  return census;
}

function count(zones: Map<string, { ready: number; notReady: number }>, zone: string, ready: boolean, by: number): void {
  const c = zones.get(zone) ?? { ready: 0, notReady: 0 };
  if (ready) c.ready += by;
  else c.notReady += by;
  zones.set(zone, c);
}

/**
 * The NoExecute mode for `node`, where that node's Ready condition is taken to be `ready` (its
 * state after this evaluation) and every other node's is the one the census saw. See noExecuteMode.
 */
export function noExecuteModeFromCensus(census: ZoneCensus, node: Node, ready: Condition | undefined): NoExecuteMode {
  const zones = new Map([...census.zones].map(([z, c]) => [z, { ...c }]));
  const known = census.nodes.get(node.metadata.name ?? "");
  if (known) count(zones, known.zone, known.ready, -1);
  const own = zoneKeyOf(node);
  count(zones, own, ready?.status === "True", 1);
  const states = new Map<string, ZoneState>();
  for (const [zone, c] of zones) if (c.ready + c.notReady > 0) states.set(zone, zoneStateOfCounts(c.ready, c.notReady).state);
  const ownCounts = zones.get(own) ?? { ready: 0, notReady: 0 };
  return noExecuteMode(states.get(own) ?? "Normal", { allZones: [...states.values()], largeCluster: ownCounts.ready + ownCounts.notReady > largeClusterThreshold });
}

/**
 * The NoExecute mode for `node` among `nodes` (which may or may not include it, matched by
 * name), where that node's Ready condition is taken to be `ready` (its state after this
 * evaluation) and every other node's is the one it carries. See noExecuteMode for the modes.
 */
export function noExecuteModeForNode(node: Node, ready: Condition | undefined, nodes: readonly Node[]): NoExecuteMode {
  return noExecuteModeFromCensus(zoneCensus(nodes), node, ready);
}
