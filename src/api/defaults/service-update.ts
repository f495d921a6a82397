// What the Service strategy does to an incoming object before validation (Kubernetes'
// registry/core/service: NormalizeClusterIPs, patchAllocatedValues, dropTypeDependentFields):
// keep clusterIP and clusterIPs in step, carry allocated values over from the stored object
// when a client (kubectl apply/replace) leaves them out, and clear what a type change makes
// meaningless. Pure; mutates `svc` only.

import { jsonEqual } from "../json.js";
import type { Service, ServiceSpec } from "../types.js";
import { externallyAccessible, needsHealthCheck } from "./service.js";

const spec = (s: Service): ServiceSpec => s.spec ?? {};

/** Every type but ExternalName gets a cluster IP (or "None"). */
export function needsClusterIP(s: Service): boolean {
  return spec(s).type !== "ExternalName";
}

/** NodePort and LoadBalancer (unless allocateLoadBalancerNodePorts is false) get node ports. */
export function needsNodePort(s: Service): boolean {
  const t = spec(s).type;
  return t === "NodePort" || (t === "LoadBalancer" && spec(s).allocateLoadBalancerNodePorts !== false);
}

/**
 * On create, a client that set only clusterIP (old clients, most YAML) gets clusterIPs =
 * [clusterIP]. The reverse is not done, as in Kubernetes: new clients must set both.
 */
export function prepareServiceForCreate(svc: Service): void {
  const s = spec(svc);
  if (s.clusterIP && (!s.clusterIPs || s.clusterIPs.length === 0)) s.clusterIPs = [s.clusterIP];
}

function normalizeClusterIPsOnUpdate(svc: Service, old: Service): void {
  const n = spec(svc);
  const o = spec(old);
  const same = jsonEqual(n.clusterIPs ?? [], o.clusterIPs ?? []);
  if ((o.clusterIPs?.length ?? 0) > 0 && !n.clusterIPs?.length && (o.clusterIP ?? "") === (n.clusterIP ?? "")) n.clusterIPs = o.clusterIPs;
  if ((o.clusterIP ?? "") !== (n.clusterIP ?? "")) {
    if (o.clusterIP && !n.clusterIP) {
      if (same) delete n.clusterIPs;
    } else if (same) {
      n.clusterIPs = [n.clusterIP ?? ""];
    }
  }
}

function patchAllocatedValues(svc: Service, old: Service): void {
  const n = spec(svc);
  const o = spec(old);
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (!n.clusterIP && o.clusterIP) n.clusterIP = o.clusterIP;
    if (!n.clusterIPs?.length && o.clusterIPs?.length) n.clusterIPs = [...o.clusterIPs];
  }
  if (needsNodePort(old) && needsNodePort(svc)) {
    const used = (s: ServiceSpec): Set<number> => new Set((s.ports ?? []).map((p) => p.nodePort ?? 0).filter((x) => x !== 0));
    const newUsed = used(n);
    const taken = new Set([...used(o)].filter((x) => newUsed.has(x)));
    const byName = new Map<string, number>();
    for (const p of o.ports ?? []) byName.set(p.name ?? "", p.nodePort ?? 0);
    for (const p of n.ports ?? []) {
      if (p.nodePort) continue;
      const was = byName.get(p.name ?? "") ?? 0;
      if (was && !taken.has(was)) p.nodePort = was;
    }
  }
  if (needsHealthCheck(o) && needsHealthCheck(n) && !n.healthCheckNodePort && o.healthCheckNodePort) n.healthCheckNodePort = o.healthCheckNodePort;
}

function dropTypeDependentFields(svc: Service, old: Service): void {
  const n = spec(svc);
  const o = spec(old);
  if (needsClusterIP(old) && !needsClusterIP(svc)) {
    if (jsonEqual(n.clusterIPs ?? [], o.clusterIPs ?? [])) {
      delete n.clusterIP;
      delete n.clusterIPs;
    }
    if (jsonEqual(n.ipFamilies ?? [], o.ipFamilies ?? [])) delete n.ipFamilies;
    if ((n.ipFamilyPolicy ?? "") === (o.ipFamilyPolicy ?? "")) delete n.ipFamilyPolicy;
  }
  if (needsNodePort(old) && !needsNodePort(svc)) {
    const nodePorts = (s: ServiceSpec): number[] => (s.ports ?? []).map((p) => p.nodePort ?? 0);
    if (jsonEqual(nodePorts(n), nodePorts(o))) for (const p of n.ports ?? []) delete p.nodePort;
  }
  if (needsHealthCheck(o) && !needsHealthCheck(n) && n.healthCheckNodePort === o.healthCheckNodePort) delete n.healthCheckNodePort;
  if (o.type === "LoadBalancer" && n.type !== "LoadBalancer") {
    if (typeof n.allocateLoadBalancerNodePorts === "boolean" && n.allocateLoadBalancerNodePorts === o.allocateLoadBalancerNodePorts) {
      delete n.allocateLoadBalancerNodePorts;
    }
    if ((n.loadBalancerClass ?? null) === (o.loadBalancerClass ?? null)) delete n.loadBalancerClass;
  }
  if (externallyAccessible(o) && !externallyAccessible(n) && n.externalTrafficPolicy === o.externalTrafficPolicy) delete n.externalTrafficPolicy;
  if (n.type !== "LoadBalancer" && svc.status?.loadBalancer) svc.status.loadBalancer = {};
}

/**
 * Before validating an update of the main resource: normalize clusterIP/clusterIPs, patch in
 * clusterIPs, nodePorts and healthCheckNodePort the client omitted, and drop fields the new
 * type no longer uses when the client left them unchanged (ClusterIP → ExternalName clears
 * clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy; NodePort → ClusterIP clears nodePorts).
 */
export function prepareServiceForUpdate(svc: Service, old: Service): void {
  if (!svc.spec) svc.spec = {};
  normalizeClusterIPsOnUpdate(svc, old);
  patchAllocatedValues(svc, old);
  dropTypeDependentFields(svc, old);
}
