// The shape of EndpointSlices the EndpointSlice controller manages: grouping keys, labels,
// owner reference and a fresh slice for a Service.

import type { EndpointSlice, OwnerReference, Service, SlicePort } from "../../api/types.js";
import { familyOf, type IpFamily } from "./ip-address.js";
import { isServiceIPSet } from "./pod-membership.js";
import { ANNOTATION_TRIGGER_TIME, LABEL_HEADLESS, LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from "./well-known.js";

/** A key equal for two port lists exactly when they hold the same ports in any order. */
export function portMapKey(ports: readonly SlicePort[] | null | undefined): string {
  return JSON.stringify(
    (ports ?? []).map((p) => JSON.stringify([p.name ?? null, p.port ?? null, p.protocol ?? null, p.appProtocol ?? null])).sort(),
  );
}

/**
 * The address types a Service's slices use: one per spec.ipFamilies entry; without families,
 * the cluster IP's family, or both for a headless Service (as upstream, for old API servers).
 */
export function addressTypesForService(service: Service): IpFamily[] {
  const fams = [...new Set(service.spec.ipFamilies ?? [])];
  if (fams.length > 0) return fams;
  if (isServiceIPSet(service)) return [familyOf(service.spec.clusterIP ?? "") ?? "IPv4"];
  return ["IPv4", "IPv6"];
}

const reserved = new Set([LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS]);

function withoutReserved(labels: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) if (!reserved.has(k)) out[k] = v;
  return out;
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}

/**
 * The labels a managed slice must carry: the Service's labels (minus the reserved ones), the
 * headless marker when the Service has no cluster IP, service-name and managed-by. `changed`
 * tells whether the slice's non-reserved labels differ from the Service's (reserved labels
 * alone never trigger an update, as upstream).
 */
export function sliceLabels(
  current: Record<string, string> | undefined,
  service: Service,
  controllerName: string,
): { labels: Record<string, string>; changed: boolean } {
  const svc = withoutReserved(service.metadata.labels);
  const changed = !sameMap(withoutReserved(current), svc);
  const labels: Record<string, string> = { ...svc };
  if (!isServiceIPSet(service)) labels[LABEL_HEADLESS] = "";
  labels[LABEL_SERVICE_NAME] = service.metadata.name ?? "";
  labels[LABEL_MANAGED_BY] = controllerName;
  return { labels, changed };
}

/** The controller owner reference a managed slice carries for its Service. */
export function serviceOwnerReference(service: Service): OwnerReference {
  return { apiVersion: "v1", kind: "Service", name: service.metadata.name ?? "", uid: service.metadata.uid ?? "", controller: true, blockOwnerDeletion: true };
}

/** True when the slice names this Service (by uid) as an owner. */
export function ownedBy(slice: EndpointSlice, service: Service): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.uid === service.metadata.uid && o.kind === "Service" && o.apiVersion === "v1");
}

/** The generateName prefix of a Service's slices (`<service>-`, or the bare name when too long). */
export function slicePrefix(name: string): string {
  return name.length + 1 <= 253 ? `${name}-` : name;
}

/** An empty managed slice for a Service (no name yet: the API server generates one). */
export function newServiceSlice(service: Service, ports: SlicePort[], addressType: IpFamily, controllerName: string): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      generateName: slicePrefix(service.metadata.name ?? ""),
      namespace: service.metadata.namespace ?? "default",
      labels: sliceLabels(undefined, service, controllerName).labels,
      ownerReferences: [serviceOwnerReference(service)],
    },
    addressType,
    endpoints: [],
    ports: structuredClone(ports),
  };
}

/** Sets (or, when undefined, removes) the trigger-time annotation on a slice we own a copy of. */
export function setTriggerTime(slice: EndpointSlice, triggerTime: string | undefined): void {
  const annotations = { ...(slice.metadata.annotations ?? {}) };
  if (triggerTime === undefined) delete annotations[ANNOTATION_TRIGGER_TIME];
  else annotations[ANNOTATION_TRIGGER_TIME] = triggerTime;
  if (Object.keys(annotations).length > 0) slice.metadata.annotations = annotations;
  else delete slice.metadata.annotations;
}

/** Writes empty endpoint and port lists as null, as the API returns them. */
export function normalizeEmptyLists(slice: EndpointSlice): EndpointSlice {
  if (!slice.endpoints || slice.endpoints.length === 0) slice.endpoints = null;
  if (!slice.ports || slice.ports.length === 0) slice.ports = null;
  return slice;
}
