// From a Service object to the service ports the proxy programs. IPv4 only for now: the proxy
// runs one address family, so addresses of the other family (cluster IPs, external IPs, LB
// ingress IPs, source ranges) are left out here rather than in every backend.

import { isIPv4 } from "node:net";
import type { Service } from "../api/types.js";
import type { ServicePortInfo } from "./types.js";

/** A Service with this label belongs to another proxy (e.g. a service mesh), not to us. */
export const serviceProxyNameLabel = "service.kubernetes.io/service-proxy-name";
/** A Service with this label has no virtual IP for us to program. */
export const headlessLabel = "service.kubernetes.io/headless";

/** The label selector the proxy's Service informer should list and watch with. */
export const proxyServiceLabelSelector = `!${serviceProxyNameLabel},!${headlessLabel}`;

/** How long ClientIP affinity lasts when the Service does not say (3 hours). */
export const defaultStickySeconds = 10800;

/**
 * Whether the proxy programs this Service at all: not headless, not ExternalName, and not
 * labelled away from us. (The informer's label selector already filters the labels; checking
 * them again keeps callers that read objects from files, like `svcnet rules -f`, honest.)
 */
export function isProxyableService(service: Service): boolean {
  const labels = service.metadata.labels ?? {};
  if (serviceProxyNameLabel in labels || headlessLabel in labels) return false;
  if (service.spec.type === "ExternalName") return false;
  const clusterIP = service.spec.clusterIP ?? "";
  return clusterIP !== "" && clusterIP !== "None";
}

/** The Service's IPv4 cluster IP (clusterIPs wins over the legacy clusterIP field), or "". */
function ipv4ClusterIP(service: Service): string {
  const candidates = service.spec.clusterIPs?.length ? service.spec.clusterIPs : [service.spec.clusterIP ?? ""];
  return candidates.find((ip) => isIPv4(ip)) ?? "";
}

/** A CIDR written with an IPv4 address; the prefix length, or undefined when it is not one. */
function ipv4PrefixLength(cidr: string): number | undefined {
  const slash = cidr.indexOf("/");
  if (slash < 0 || !isIPv4(cidr.slice(0, slash))) return undefined;
  const bits = cidr.slice(slash + 1);
  if (!/^[0-9]{1,2}$/.test(bits) || Number(bits) > 32) return undefined;
  return Number(bits);
}

/**
 * Trimmed IPv4 source ranges. A range of length 0 (0.0.0.0/0) admits every client, so any
 * filtering would be pointless: the whole list is dropped then.
 */
function sourceRanges(service: Service): string[] {
  const out: string[] = [];
  for (const raw of service.spec.loadBalancerSourceRanges ?? []) {
    const cidr = raw.trim();
    const bits = ipv4PrefixLength(cidr);
    if (bits === undefined) continue;
    if (bits === 0) return [];
    out.push(cidr);
  }
  return out;
}

/** LoadBalancer ingress IPs the proxy must answer for; `ipMode: Proxy` ones go to the LB itself. */
function loadBalancerVIPs(service: Service): string[] {
  if (service.spec.type !== "LoadBalancer") return [];
  const out: string[] = [];
  for (const ingress of service.status?.loadBalancer?.ingress ?? []) {
    if (!ingress.ip || !isIPv4(ingress.ip)) continue;
    if (ingress.ipMode !== undefined && ingress.ipMode !== "VIP") continue;
    out.push(ingress.ip);
  }
  return out;
}

/**
 * One ServicePortInfo per entry of spec.ports, or none when the Service is not proxyable or
 * has no IPv4 cluster IP. Fields that do not apply to the Service's type are zero / empty.
 */
export function servicePortInfos(service: Service): ServicePortInfo[] {
  if (!isProxyableService(service)) return [];
  const clusterIP = ipv4ClusterIP(service);
  if (clusterIP === "") return [];

  const spec = service.spec;
  const type = spec.type ?? "ClusterIP";
  const hasNodePorts = type === "NodePort" || type === "LoadBalancer";
  const externalIPs = (spec.externalIPs ?? []).filter((ip) => isIPv4(ip));
  const lbVIPs = loadBalancerVIPs(service);
  const ranges = sourceRanges(service);
  const eTPLocal = spec.externalTrafficPolicy === "Local";
  const healthCheckNodePort = type === "LoadBalancer" && eTPLocal ? (spec.healthCheckNodePort ?? 0) : 0;
  const stickySeconds =
    spec.sessionAffinity === "ClientIP" ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? defaultStickySeconds) : 0;

  return (spec.ports ?? []).map((port) => {
    const protocol = port.protocol ?? "TCP";
    const nodePort = hasNodePorts ? (port.nodePort ?? 0) : 0;
    const externallyAccessible = nodePort !== 0 || externalIPs.length > 0 || lbVIPs.length > 0;
    return {
      name: {
        namespace: service.metadata.namespace ?? "default",
        name: service.metadata.name ?? "",
        port: port.name ?? "",
        protocol,
      },
      clusterIP,
      port: port.port,
      protocol,
      nodePort,
      externalIPs: [...externalIPs],
      loadBalancerVIPs: [...lbVIPs],
      loadBalancerSourceRanges: [...ranges],
      healthCheckNodePort,
      externalPolicyLocal: eTPLocal && externallyAccessible,
      internalPolicyLocal: spec.internalTrafficPolicy === "Local",
      stickySeconds,
    };
  });
}
