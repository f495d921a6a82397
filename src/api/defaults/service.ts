// Service defaulting as the Kubernetes 1.32 API server applies it on every write
// (SetDefaults_Service), plus the IP-family defaults the allocator derives for a single- or
// dual-stack cluster. Mutates the object it is given: call it on a private copy.

import { isJsonObject } from "../json.js";
import type { Service, ServicePort, ServiceSpec } from "../types.js";
import { isIPv6String } from "../validation/ip.js";

/** Default ClientIP affinity timeout: 3 hours. */
export const defaultClientIPTimeoutSeconds = 10800;

export type IPFamily = "IPv4" | "IPv6";

export interface ServiceDefaultOptions {
  /** The cluster's service IP families, primary first. Default ["IPv4"] (single stack). */
  ipFamilies?: readonly IPFamily[];
}

/** True for NodePort, LoadBalancer, and ClusterIP with externalIPs (Kubernetes' ExternallyAccessible). */
export function externallyAccessible(spec: ServiceSpec): boolean {
  return (
    spec.type === "LoadBalancer" ||
    spec.type === "NodePort" ||
    (spec.type === "ClusterIP" && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0)
  );
}

/** True for LoadBalancer services with externalTrafficPolicy Local (they get a health-check node port). */
export function needsHealthCheck(spec: ServiceSpec): boolean {
  return spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
}

function defaultPort(sp: ServicePort): void {
  if (!sp.protocol) sp.protocol = "TCP";
  if (sp.targetPort === undefined || sp.targetPort === null || sp.targetPort === 0 || sp.targetPort === "") sp.targetPort = sp.port;
}

/** The families a service's cluster IPs imply, in order; "None" and "" imply nothing. */
function familiesOfClusterIPs(spec: ServiceSpec): IPFamily[] {
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  const out: IPFamily[] = [];
  for (const ip of ips) {
    if (typeof ip !== "string" || ip === "None" || ip === "") break;
    out.push(isIPv6String(ip) ? "IPv6" : "IPv4");
  }
  return out;
}

/**
 * ipFamilyPolicy and ipFamilies for a service that has or will get a cluster IP (every type
 * but ExternalName): policy SingleStack unless two IPs/families ask for RequireDualStack;
 * families inferred from clusterIPs, else the cluster's primary family, plus the secondary
 * one for dual-stack policies on a dual-stack cluster.
 */
export function defaultServiceIPFamilies(svc: Service, opts: ServiceDefaultOptions = {}): void {
  const spec = svc.spec;
  if (spec.type === "ExternalName") return;
  const cluster = opts.ipFamilies?.length ? opts.ipFamilies : (["IPv4"] as const);
  const fromIPs = familiesOfClusterIPs(spec);
  const families: IPFamily[] = Array.isArray(spec.ipFamilies) ? [...spec.ipFamilies] : [];
  fromIPs.forEach((f, i) => {
    if (i >= families.length) families.push(f);
  });
  if (!spec.ipFamilyPolicy) {
    const ipCount = spec.clusterIPs?.filter((x) => x && x !== "None").length ?? 0;
    const headless = spec.clusterIP === "None" || spec.clusterIPs?.[0] === "None";
    const selectorless = !isJsonObject(spec.selector) || Object.keys(spec.selector).length === 0;
    const dualCluster = cluster.length === 2;
    spec.ipFamilyPolicy =
      ipCount === 2 || families.length === 2 || (headless && selectorless && dualCluster) ? "RequireDualStack" : "SingleStack";
  }
  if (families.length === 0) families.push(cluster[0]);
  if (families.length === 1 && spec.ipFamilyPolicy !== "SingleStack" && cluster.length === 2) {
    families.push(families[0] === "IPv4" ? "IPv6" : "IPv4");
  }
  spec.ipFamilies = families;
}

/**
 * Kubernetes' SetDefaults_Service: type ClusterIP, sessionAffinity None (ClientIP gets a
 * 10800 s timeout), ports' protocol TCP and targetPort = port, externalTrafficPolicy Cluster
 * when externally accessible, internalTrafficPolicy Cluster for ClusterIP/NodePort/
 * LoadBalancer, allocateLoadBalancerNodePorts true and ingress ipMode VIP for LoadBalancer;
 * then the IP-family defaults (see defaultServiceIPFamilies).
 */
export function defaultService(svc: Service, opts: ServiceDefaultOptions = {}): void {
  if (!isJsonObject(svc.spec)) svc.spec = {};
  const spec = svc.spec;
  if (!spec.sessionAffinity) spec.sessionAffinity = "None";
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP") {
    const cfg = isJsonObject(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : {};
    const clientIP = isJsonObject(cfg.clientIP) ? cfg.clientIP : {};
    if (clientIP.timeoutSeconds === undefined || clientIP.timeoutSeconds === null) clientIP.timeoutSeconds = defaultClientIPTimeoutSeconds;
    cfg.clientIP = clientIP;
    spec.sessionAffinityConfig = cfg;
  }
  if (!spec.type) spec.type = "ClusterIP";
  if (Array.isArray(spec.ports)) for (const sp of spec.ports) if (isJsonObject(sp)) defaultPort(sp);
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = "Cluster";
  if (!spec.internalTrafficPolicy && (spec.type === "ClusterIP" || spec.type === "NodePort" || spec.type === "LoadBalancer")) {
    spec.internalTrafficPolicy = "Cluster";
  }
  if (spec.type === "LoadBalancer") {
    if (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null) spec.allocateLoadBalancerNodePorts = true;
    for (const ing of svc.status?.loadBalancer?.ingress ?? []) if (isJsonObject(ing) && ing.ip && !ing.ipMode) ing.ipMode = "VIP";
  }
  defaultServiceIPFamilies(svc, opts);
}
