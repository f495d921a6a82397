// An index of the shared EndpointSlice informer by owning Service ("namespace/service-name"
// label), used by the EndpointSlice and mirroring controllers to find a Service's slices
// without scanning every slice in the cluster.

import type { EndpointSlice } from "../../api/types.js";
import type { Informer, Lister } from "../../client/index.js";
import { LABEL_SERVICE_NAME } from "./well-known.js";

/** The index name; unique to this package so it never clashes with other users of the informer. */
export const SLICES_BY_SERVICE = "svcnet.endpoints/by-service-name";

function serviceOf(slice: EndpointSlice): readonly string[] {
  const name = slice.metadata.labels?.[LABEL_SERVICE_NAME];
  return name === undefined ? [] : [`${slice.metadata.namespace ?? "default"}/${name}`];
}

/** Adds the by-service index to a slice informer unless it already has it (idempotent). */
export function ensureSliceIndex(informer: Informer<EndpointSlice>): void {
  try {
    informer.lister.byIndex(SLICES_BY_SERVICE, "");
  } catch {
    informer.addIndex(SLICES_BY_SERVICE, serviceOf);
  }
}

/** Every cached slice labelled kubernetes.io/service-name=`name` in `namespace`, whoever manages it. */
export function slicesOfService(lister: Lister<EndpointSlice>, namespace: string, name: string): EndpointSlice[] {
  return lister.byIndex(SLICES_BY_SERVICE, `${namespace}/${name}`);
}

/** The "namespace/service-name" key a slice belongs to, if it carries the label. */
export function serviceKeyOfSlice(slice: EndpointSlice): string | undefined {
  return serviceOf(slice)[0];
}
