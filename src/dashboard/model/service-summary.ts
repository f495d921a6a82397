// What the page says about one service and one pod: the service's addresses (ClusterIP with each
// port, NodePorts, external IPs, LoadBalancer ingress), its endpoints grouped by node, and whether
// a pod is ready. Pure, shared by the topology and the service view.

import type { Endpoints, Pod, Service } from "../../api/types.js";

/** One line per way to reach the service: "10.0.0.213:8000/TCP", "NodePort 30802/TCP", "LoadBalancer 172.17.8.201:8000/TCP". */
export function serviceAddresses(svc: Service): string[] {
  const spec = svc.spec ?? {};
  const ports = spec.ports ?? [];
  const out: string[] = [];
  if (spec.type === "ExternalName") return [`ExternalName ${spec.externalName ?? ""}`];
  const ip = spec.clusterIP;
  if (!ip || ip === "None") out.push("headless (no ClusterIP)");
  else for (const p of ports) out.push(`${ip}:${p.port}/${p.protocol ?? "TCP"}`);
  for (const p of ports) if (p.nodePort) out.push(`NodePort ${p.nodePort}/${p.protocol ?? "TCP"}`);
  for (const e of spec.externalIPs ?? []) for (const p of ports) out.push(`external ${e}:${p.port}/${p.protocol ?? "TCP"}`);
  for (const i of svc.status?.loadBalancer?.ingress ?? []) for (const p of ports) out.push(`LoadBalancer ${i.ip ?? i.hostname ?? ""}:${p.port}/${p.protocol ?? "TCP"}`);
  return out;
}

export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

export interface EndpointView {
  ip: string;
  /** The pod behind the address, when the endpoint names one. */
  pod?: string;
  ready: boolean;
}

/** The endpoints of a service by node name ("" for addresses of no known node), nodes sorted. */
export function endpointsByNode(ep: Endpoints | undefined, pods: ReadonlyMap<string, Pod>): [string, EndpointView[]][] {
  const out = new Map<string, EndpointView[]>();
  const ns = ep?.metadata.namespace ?? "";
  for (const subset of ep?.subsets ?? []) {
    for (const [list, ready] of [[subset.addresses ?? [], true], [subset.notReadyAddresses ?? [], false]] as const) {
      for (const a of list) {
        const podName = a.targetRef?.kind === "Pod" ? a.targetRef.name : undefined;
        const node = a.nodeName ?? (podName ? pods.get(`${ns}/${podName}`)?.spec.nodeName : undefined) ?? "";
        const views = out.get(node) ?? [];
        if (views.some((v) => v.ip === a.ip)) continue;
        views.push({ ip: a.ip, ...(podName ? { pod: podName } : {}), ready });
        out.set(node, views);
      }
    }
  }
  for (const views of out.values()) views.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
  return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
