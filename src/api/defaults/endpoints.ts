// Endpoints and EndpointSlice port defaults: protocol TCP, and for slices name "" as well
// (kubectl describe dereferences both). Mutates the object it is given.

import { isJsonObject, type JsonObject } from "../json.js";
import type { EndpointSlice, Endpoints } from "../types.js";

const objects = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);

/** Endpoints: every subset port gets protocol TCP when unset. */
export function defaultEndpoints(ep: Endpoints): void {
  for (const ss of objects(ep.subsets)) for (const p of objects(ss.ports)) if (!p.protocol) p.protocol = "TCP";
}

/** EndpointSlice: every port gets name "" and protocol TCP when unset. */
export function defaultEndpointSlice(slice: EndpointSlice): void {
  for (const p of objects(slice.ports)) {
    if (p.name === undefined || p.name === null) p.name = "";
    if (p.protocol === undefined || p.protocol === null) p.protocol = "TCP";
  }
}
