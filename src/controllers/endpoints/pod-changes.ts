// Which pod changes can alter a Service's Endpoints or EndpointSlices, and which Services a pod
// change concerns — what the pod event handlers of the endpoint controllers decide before
// enqueuing anything, so that the kubelet's frequent status writes cost no sync at all.

import { jsonEqual } from "../../api/json.js";
import { matchesLabels, selectorFromMap } from "../../api/selectors/label-selector.js";
import type { Pod, Service } from "../../api/types.js";
import { podReadyCondition } from "./endpoint-conditions.js";
import { podIPs } from "./pod-membership.js";

/** The parts of a pod that endpoints are built from (labels excepted). */
function endpointFacts(pod: Pod): unknown {
  const ready = podReadyCondition(pod);
  return [
    podIPs(pod),
    pod.status?.phase ?? "",
    ready?.status ?? "",
    ready?.lastTransitionTime ?? "",
    pod.metadata.deletionTimestamp ?? "",
    pod.spec.nodeName ?? "",
    pod.spec.hostname ?? "",
    pod.spec.subdomain ?? "",
    (pod.spec.containers ?? []).map((c) => c.ports ?? []),
    (pod.spec.initContainers ?? []).map((c) => [c.restartPolicy ?? "", c.ports ?? []]),
  ];
}

/**
 * How an update from `oldPod` to `newPod` matters to endpoints: `labels` when the labels
 * changed (the set of selecting Services may differ), `endpoints` when anything an endpoint is
 * built from changed — IPs, phase, the Ready condition (status or transition time, which is the
 * trigger time), deletion, node, hostname, subdomain or ports. An unchanged resourceVersion (a
 * resync) matters not at all.
 */
export function podChange(oldPod: Pod, newPod: Pod): { labels: boolean; endpoints: boolean } {
  if (oldPod.metadata.resourceVersion !== undefined && oldPod.metadata.resourceVersion === newPod.metadata.resourceVersion) {
    return { labels: false, endpoints: false };
  }
  return {
    labels: !jsonEqual(oldPod.metadata.labels ?? {}, newPod.metadata.labels ?? {}),
    endpoints: !jsonEqual(endpointFacts(oldPod), endpointFacts(newPod)),
  };
}

/** Whether the Service's selector picks this pod (same namespace; selector-less Services pick none). */
export function serviceSelects(service: Service, pod: Pod): boolean {
  const selector = service.spec.selector;
  if (selector === undefined || selector === null) return false;
  if ((service.metadata.namespace ?? "default") !== (pod.metadata.namespace ?? "default")) return false;
  return matchesLabels(selectorFromMap(selector), pod.metadata.labels);
}

/**
 * "namespace/name" keys of the Services (among `services`) to sync after a pod event: those
 * selecting any of the given pod states (pass the old and new state of an update, or the one
 * state of an add or delete). Keys are unique, in `services` order.
 */
export function serviceKeysForPods(services: readonly Service[], pods: readonly Pod[]): string[] {
  const keys: string[] = [];
  for (const s of services) {
    if (pods.some((p) => serviceSelects(s, p))) keys.push(`${s.metadata.namespace ?? "default"}/${s.metadata.name ?? ""}`);
  }
  return keys;
}
