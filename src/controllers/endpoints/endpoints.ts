// The Endpoints object a selector Service should have (what the endpoints controller writes),
// and when an existing one already says the same thing.

import { deepCopy, jsonEqual } from "../../api/json.js";
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints, Pod, Service, ServicePort } from "../../api/types.js";
import { isPodReady } from "./endpoint-conditions.js";
import { findPort } from "./find-port.js";
import { familyOf, type IpFamily } from "./ip-address.js";
import { isServiceIPSet, podIPs, selectedPods, shouldPodBeInEndpoints, shouldSetHostname } from "./pod-membership.js";
import { repackSubsets } from "./repack-subsets.js";
import { truncateSubsets } from "./truncate-subsets.js";
import { ANNOTATION_OVER_CAPACITY, ANNOTATION_TRIGGER_TIME, LABEL_HEADLESS } from "./well-known.js";

/** Options of desiredEndpoints. */
export interface DesiredEndpointsOptions {
  /**
   * The Endpoints object that exists now, if any. Its metadata (resourceVersion, uid, other
   * annotations) is carried over so the result can be sent as an update.
   */
  current?: Endpoints;
  /** The last-change-trigger-time to record (from TriggerTimeTracker); undefined removes it. */
  triggerTime?: string;
}

/** The family whose pod IP goes into Endpoints: the Service's primary family. */
function serviceFamily(service: Service, pod: Pod): IpFamily {
  const first = service.spec.ipFamilies?.[0];
  if (first) return first;
  if (isServiceIPSet(service)) return familyOf(service.spec.clusterIP ?? "") ?? "IPv4";
  return familyOf(pod.status?.podIP ?? "") ?? "IPv4";
}

function podAddress(service: Service, pod: Pod): EndpointAddress | undefined {
  const family = serviceFamily(service, pod);
  const ip = podIPs(pod).find((i) => familyOf(i) === family);
  if (ip === undefined) return undefined;
  const addr: EndpointAddress = { ip };
  if (shouldSetHostname(pod, service)) addr.hostname = pod.spec.hostname;
  if (pod.spec.nodeName) addr.nodeName = pod.spec.nodeName;
  addr.targetRef = { kind: "Pod", namespace: pod.metadata.namespace ?? "default", name: pod.metadata.name, uid: pod.metadata.uid };
  return addr;
}

function endpointPort(sp: ServicePort, port: number): EndpointPort {
  const p: EndpointPort = sp.name ? { name: sp.name, port } : { port };
  p.protocol = sp.protocol ?? "TCP";
  if (sp.appProtocol) p.appProtocol = sp.appProtocol;
  return p;
}

function oneAddress(addr: EndpointAddress, ready: boolean, port: EndpointPort | undefined): EndpointSubset {
  const ss: EndpointSubset = ready ? { addresses: [addr] } : { notReadyAddresses: [addr] };
  if (port) ss.ports = [port];
  return ss;
}

/** The subsets of a selector Service, repacked, before any truncation. */
export function serviceSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const publishNotReady = service.spec.publishNotReadyAddresses === true;
  const ports = service.spec.ports ?? [];
  const raw: EndpointSubset[] = [];
  for (const pod of selectedPods(service, pods)) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const addr = podAddress(service, pod);
    if (!addr) continue;
    const ready = publishNotReady || isPodReady(pod);
    if (ports.length === 0) {
      // Only a headless Service may go without ports; its addresses stand alone.
      if (service.spec.clusterIP === "None") raw.push(oneAddress(addr, ready, undefined));
      continue;
    }
    for (const sp of ports) {
      const n = findPort(pod, sp);
      if (n !== undefined) raw.push(oneAddress(addr, ready, endpointPort(sp, n)));
    }
  }
  return repackSubsets(raw);
}

function setOrDelete(m: Record<string, string>, key: string, value: string | undefined): void {
  if (value === undefined) delete m[key];
  else m[key] = value;
}

/**
 * The Endpoints a Service should have, or undefined when the endpoints controller leaves the
 * Service alone (no selector: users manage its Endpoints; type ExternalName).
 *
 * Pods are those in the Service's namespace that its selector matches (callers may pass more).
 * A pod is skipped when terminal, without an IP in the Service's primary family, or being
 * deleted — unless publishNotReadyAddresses, which also lists every pod as ready. Each
 * service port contributes the pod's resolved targetPort (pods lacking a named port are left
 * out for that port only). Subsets are repacked; past 1000 addresses they are truncated
 * (ready ones kept first) and annotated `endpoints.kubernetes.io/over-capacity: truncated`.
 * Labels are the Service's, plus `service.kubernetes.io/headless: ""` for headless Services.
 * Inputs are not modified.
 */
export function desiredEndpoints(service: Service, pods: readonly Pod[], options: DesiredEndpointsOptions = {}): Endpoints | undefined {
  if (service.spec.selector === undefined || service.spec.selector === null) return undefined;
  if (service.spec.type === "ExternalName") return undefined;

  const { subsets, truncated } = truncateSubsets(serviceSubsets(service, pods));
  const base: Endpoints = options.current ? deepCopy(options.current) : { metadata: {} };
  const out: Endpoints = { ...base, apiVersion: "v1", kind: "Endpoints" };
  out.metadata = { ...base.metadata, name: service.metadata.name, namespace: service.metadata.namespace ?? "default" };

  const labels: Record<string, string> = { ...(service.metadata.labels ?? {}) };
  setOrDelete(labels, LABEL_HEADLESS, isServiceIPSet(service) ? undefined : "");
  if (Object.keys(labels).length > 0) out.metadata.labels = labels;
  else delete out.metadata.labels;

  const annotations: Record<string, string> = { ...(base.metadata.annotations ?? {}) };
  setOrDelete(annotations, ANNOTATION_TRIGGER_TIME, options.triggerTime);
  setOrDelete(annotations, ANNOTATION_OVER_CAPACITY, truncated ? "truncated" : undefined);
  if (Object.keys(annotations).length > 0) out.metadata.annotations = annotations;
  else delete out.metadata.annotations;

  if (subsets.length > 0) out.subsets = subsets;
  else delete out.subsets;
  return out;
}

function withoutResourceVersions(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const strip = (list: EndpointAddress[] | undefined): void => {
    for (const a of list ?? []) if (a.targetRef) delete a.targetRef.resourceVersion;
  };
  const copy = deepCopy(subsets as EndpointSubset[]);
  for (const ss of copy) {
    strip(ss.addresses);
    strip(ss.notReadyAddresses);
  }
  return repackSubsets(copy);
}

function labelsWithoutHeadless(e: Endpoints): Record<string, string> {
  const l = { ...(e.metadata.labels ?? {}) };
  delete l[LABEL_HEADLESS];
  return l;
}

/**
 * Whether writing `desired` over `current` would change nothing the endpoints controller
 * cares about: the same subsets in canonical form (ignoring target resourceVersions and
 * order), the same labels apart from the headless marker, and the same over-capacity
 * annotation. The trigger-time annotation is deliberately ignored, so a changed trigger time
 * alone never causes a write.
 */
export function endpointsEqual(current: Endpoints, desired: Endpoints): boolean {
  // Usually `current` is what this controller wrote, already canonical: compare it as it is
  // first, and only canonicalise both when that fails.
  const same =
    jsonEqual(current.subsets ?? [], desired.subsets ?? []) ||
    jsonEqual(withoutResourceVersions(current.subsets ?? []), withoutResourceVersions(desired.subsets ?? []));
  if (!same) return false;
  if (!jsonEqual(labelsWithoutHeadless(current), labelsWithoutHeadless(desired))) return false;
  return current.metadata.annotations?.[ANNOTATION_OVER_CAPACITY] === desired.metadata.annotations?.[ANNOTATION_OVER_CAPACITY];
}
