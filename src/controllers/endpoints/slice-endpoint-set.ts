// Identity and comparison of EndpointSlice endpoints. An endpoint is identified by its
// addresses, hostname and target (namespace/name) only, so that a change of readiness, node or
// zone updates the endpoint in place instead of moving it to another slice.

import { jsonEqual } from "../../api/json.js";
import type { SliceEndpoint } from "../../api/types.js";

/** The identity of an endpoint (sorted addresses, hostname, target namespace and name). */
export function endpointKey(ep: SliceEndpoint): string {
  const addrs = [...(ep.addresses ?? [])].sort();
  return JSON.stringify([addrs, ep.hostname ?? "", ep.targetRef?.namespace ?? "", ep.targetRef?.name ?? ""]);
}

function targetWithoutVersion(ep: SliceEndpoint): unknown {
  if (!ep.targetRef) return undefined;
  const { resourceVersion: _rv, ...rest } = ep.targetRef;
  return rest;
}

/**
 * Whether two endpoints with the same key carry the same details: nodeName, zone, the three
 * conditions (unset differs from false), target (ignoring its resourceVersion) and hints.
 */
export function endpointDetailsEqual(a: SliceEndpoint, b: SliceEndpoint): boolean {
  return (
    a.nodeName === b.nodeName &&
    a.zone === b.zone &&
    a.conditions?.ready === b.conditions?.ready &&
    a.conditions?.serving === b.conditions?.serving &&
    a.conditions?.terminating === b.conditions?.terminating &&
    jsonEqual(targetWithoutVersion(a), targetWithoutVersion(b)) &&
    jsonEqual(a.hints, b.hints)
  );
}

/** A set of endpoints by key that remembers insertion order (so results are deterministic). */
export class EndpointSet {
  readonly #items = new Map<string, SliceEndpoint>();

  /** Adds (or replaces) an endpoint. */
  insert(ep: SliceEndpoint): void {
    this.#items.set(endpointKey(ep), ep);
  }

  /** The member with the same key as `ep`, if any. */
  get(ep: SliceEndpoint): SliceEndpoint | undefined {
    return this.#items.get(endpointKey(ep));
  }

  /** Removes the member with the same key as `ep`. */
  delete(ep: SliceEndpoint): void {
    this.#items.delete(endpointKey(ep));
  }

  /** Removes and returns the oldest member. */
  pop(): SliceEndpoint | undefined {
    for (const [k, v] of this.#items) {
      this.#items.delete(k);
      return v;
    }
    return undefined;
  }

  /** Number of members. */
  get size(): number {
    return this.#items.size;
  }
}
