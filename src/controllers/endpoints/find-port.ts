// Resolving a Service port's targetPort against one pod.

import type { Container, Pod, ServicePort } from "../../api/types.js";

function namedPort(containers: readonly Container[], name: string, protocol: string): number | undefined {
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (p.name === name && (p.protocol ?? "TCP") === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/**
 * The pod port a Service port sends traffic to. A numeric targetPort is used as is (unset means
 * the service port itself); a named one is looked up by name and protocol among the pod's
 * containers, then among its sidecars (init containers with restartPolicy Always).
 * Undefined when the pod has no such named port — the pod is then left out for this port.
 */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === "number") return target;
  const protocol = servicePort.protocol ?? "TCP";
  const found = namedPort(pod.spec.containers ?? [], target, protocol);
  if (found !== undefined) return found;
  const sidecars = (pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
  return namedPort(sidecars, target, protocol);
}
