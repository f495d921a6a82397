// Which pods take part in a Service's endpoints at all, and the per-pod facts both the
// Endpoints and the EndpointSlice decisions share: the pod's IPs, its hostname rule, and
// whether the Service has a cluster IP.

import { matchesLabels, selectorFromMap } from "../../api/selectors/label-selector.js";
import type { Pod, Service } from "../../api/types.js";

/** Pods in the Service's namespace matched by its selector; [] for selector-less Services. */
export function selectedPods(service: Service, pods: readonly Pod[]): Pod[] {
  const selector = service.spec.selector;
  if (!selector) return [];
  const sel = selectorFromMap(selector);
  const ns = service.metadata.namespace ?? "default";
  return pods.filter((p) => (p.metadata.namespace ?? "default") === ns && matchesLabels(sel, p.metadata.labels));
}

/** Succeeded and Failed pods are terminal: their containers have stopped for good. */
export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === "Succeeded" || phase === "Failed";
}

/** The pod's IPs in status order; falls back to status.podIP when podIPs is empty. */
export function podIPs(pod: Pod): string[] {
  const list = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip) => ip);
  if (list.length > 0) return list;
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

/**
 * Whether a pod belongs in an Endpoints object or EndpointSlice at all: not terminal, has an
 * IP, and — unless includeTerminating — is not being deleted.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (podIPs(pod).length === 0) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** A pod publishes its spec.hostname when its subdomain names this Service (same namespace). */
export function shouldSetHostname(pod: Pod, service: Service): boolean {
  return (
    !!pod.spec.hostname &&
    pod.spec.subdomain === service.metadata.name &&
    (pod.metadata.namespace ?? "default") === (service.metadata.namespace ?? "default")
  );
}

/** True when the Service has a real cluster IP (neither unset nor "None"). */
export function isServiceIPSet(service: Service): boolean {
  const ip = service.spec.clusterIP;
  return ip !== undefined && ip !== "" && ip !== "None";
}
