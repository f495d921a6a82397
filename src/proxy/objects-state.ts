// The proxy's state from a list of API objects (a YAML file for `svcnet rules` and `svcnet trace`):
// Services, EndpointSlices, and — for services without slices — legacy Endpoints. Pure.

import type { EndpointSlice, Endpoints, KubeObject, Service } from "../api/types.js";
import { endpointInfosBySlicePort, endpointInfosFromEndpoints, sliceServiceKey } from "./endpoint-infos.js";
import type { IPFamily } from "./ip-family.js";
import { servicePortInfos } from "./service-port-infos.js";
import { servicePortKey } from "./service-port-name.js";
import type { EndpointInfo, ProxyState, ServicePortInfo } from "./types.js";

/** Expands `kind: List` (and any `*List`) items; keeps everything else as is. */
export function flattenObjects(objects: readonly unknown[]): KubeObject[] {
  const out: KubeObject[] = [];
  for (const obj of objects) {
    if (obj === null || typeof obj !== "object") continue;
    const o = obj as KubeObject & { items?: unknown[] };
    if (Array.isArray(o.items) && typeof o.kind === "string" && o.kind.endsWith("List")) out.push(...flattenObjects(o.items));
    else out.push(o);
  }
  return out;
}

function nsName(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? "default"}/${obj.metadata?.name ?? ""}`;
}

/** Options of proxyStateFromObjects. */
export interface ProxyStateFromObjectsOptions {
  /** The address family of the proxier the state is for; default IPv4. */
  ipFamily?: IPFamily;
}

/** The state a proxier of one family on `nodeName` would hold for these objects. */
export function proxyStateFromObjects(objects: readonly KubeObject[], nodeName: string, options: ProxyStateFromObjectsOptions = {}): ProxyState {
  const family = { ipFamily: options.ipFamily ?? "IPv4" } as const;
  const services = new Map<string, ServicePortInfo>();
  const endpoints = new Map<string, EndpointInfo[]>();
  const slicesByService = new Map<string, EndpointSlice[]>();
  const legacy = new Map<string, Endpoints>();
  for (const obj of objects) {
    if (obj.kind === "Service") {
      for (const port of servicePortInfos(obj as Service, family)) services.set(servicePortKey(port.name), port);
    } else if (obj.kind === "EndpointSlice") {
      const key = sliceServiceKey(obj as EndpointSlice);
      if (key !== undefined) slicesByService.set(key, [...(slicesByService.get(key) ?? []), obj as EndpointSlice]);
    } else if (obj.kind === "Endpoints") {
      legacy.set(nsName(obj), obj as Endpoints);
    }
  }
  for (const slices of slicesByService.values()) {
    for (const [key, list] of endpointInfosBySlicePort(slices, nodeName, family)) endpoints.set(key, list);
  }
  for (const [key, ep] of legacy) {
    if (slicesByService.has(key)) continue;
    for (const [portKey, list] of endpointInfosFromEndpoints(ep, nodeName, family)) endpoints.set(portKey, list);
  }
  return { services, endpoints };
}
