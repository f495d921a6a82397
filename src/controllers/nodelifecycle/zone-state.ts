// Zone disruption, as the node lifecycle controller classifies it before evicting: when every
// node of a zone is unhealthy the problem is more likely the control plane's view (or the
// network) than the nodes, so Kubernetes stops taint-based eviction there; when a large share
// is unhealthy it slows eviction down.

import type { Condition } from "../../api/types.js";

/** How disrupted a zone is, in the node lifecycle controller's three states. */
export type ZoneState = "Normal" | "PartialDisruption" | "FullDisruption";

/** Kubernetes' --unhealthy-zone-threshold default. */
export const defaultUnhealthyZoneThreshold = 0.55;

/**
 * Classifies a zone from its nodes' Ready conditions (undefined = none posted, counts as not
 * ready): FullDisruption when no node is Ready and at least one is not; PartialDisruption when
 * more than two are not Ready and they are at least `threshold` of the zone; else Normal.
 */
export function zoneState(readyConditions: readonly (Condition | undefined)[], opts: { threshold?: number } = {}): { state: ZoneState; notReady: number } {
  const ready = readyConditions.filter((c) => c?.status === "True").length;
  return zoneStateOfCounts(ready, readyConditions.length - ready, opts);
}

/** zoneState from counts of Ready and not-Ready nodes. */
export function zoneStateOfCounts(ready: number, notReady: number, opts: { threshold?: number } = {}): { state: ZoneState; notReady: number } {
  const threshold = opts.threshold ?? defaultUnhealthyZoneThreshold;
  if (ready === 0 && notReady > 0) return { state: "FullDisruption", notReady };
  if (notReady > 2 && notReady / (notReady + ready) >= threshold) return { state: "PartialDisruption", notReady };
  return { state: "Normal", notReady };
}

/**
 * What NoExecute tainting may do on a node, from the zone situation:
 *  - "remove": every zone is in full disruption — Kubernetes suspects itself, stops evicting
 *    and removes the NoExecute taints everywhere (a one-node cluster whose node goes silent
 *    is such a case: its pods are not evicted).
 *  - "hold": the node's zone is in partial disruption in a small cluster (≤ 50 nodes, where
 *    Kubernetes' secondary eviction rate is 0): no node gets a new NoExecute taint, but a
 *    tainted node still switches between not-ready and unreachable, and recovery still
 *    removes them.
 *  - "taint": normal tainting (also for a fully disrupted zone while other zones are fine).
 * Rate limiting between nodes (0.1 node/s by default) is the caller's concern.
 */
export function noExecuteMode(zone: ZoneState, opts: { allZones: readonly ZoneState[]; largeCluster?: boolean }): NoExecuteMode {
  if (opts.allZones.length > 0 && opts.allZones.every((z) => z === "FullDisruption")) return "remove";
  if (zone === "PartialDisruption" && !opts.largeCluster) return "hold";
  return "taint";
}

/** What NoExecute tainting may do; see noExecuteMode. */
export type NoExecuteMode = "taint" | "hold" | "remove";
