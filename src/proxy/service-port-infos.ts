// From a Service object to the service ports the proxy programs for one address family (IPv4
// unless told otherwise): a proxier runs one family, so addresses of the other family (cluster
// IPs, external IPs, LB ingress IPs, source ranges) are left out here rather than in every
// backend. A dual-stack Service thus yields one set of ports per family, from two calls.

import type { Service } from "../api/types.js";
import { cidrPrefixLengthOfFamily, defaultIPFamily, isIPOfFamily, type IPFamily } from "./ip-family.js";
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

/** Options of servicePortInfos. */
export interface ServicePortInfosOptions {
  /** The address family the proxier programs; default IPv4. */
  ipFamily?: IPFamily;
}

/** The Service's cluster IP of `family` (clusterIPs wins over the legacy clusterIP field), or "". */
function familyClusterIP(service: Service, family: IPFamily): string {
  const candidates = service.spec.clusterIPs?.length ? service.spec.clusterIPs : [service.spec.clusterIP ?? ""];
  return candidates.find((ip) => isIPOfFamily(ip, family)) ?? "";
}

/**
 * Trimmed source ranges of `family`. A range of length 0 (0.0.0.0/0, ::/0) admits every client of
 * the family, so any filtering would be pointless: the whole list is dropped then.
 */
function sourceRanges(service: Service, family: IPFamily): string[] {
  const out: string[] = [];
  for (const raw of service.spec.loadBalancerSourceRanges ?? []) {
    const cidr = raw.trim();
    const bits = cidrPrefixLengthOfFamily(cidr, family);
    if (bits === undefined) continue;
    if (bits === 0) return [];
    out.push(cidr);
  }
  return out;
}

/** LoadBalancer ingress IPs the proxy must answer for; `ipMode: Proxy` ones go to the LB itself. */
function loadBalancerVIPs(service: Service, family: IPFamily): string[] {
  if (service.spec.type !== "LoadBalancer") return [];
  const out: string[] = [];
  for (const ingress of service.status?.loadBalancer?.ingress ?? []) {
    if (!ingress.ip || !isIPOfFamily(ingress.ip, family)) continue;
    if (ingress.ipMode !== undefined && ingress.ipMode !== "VIP") continue;
    out.push(ingress.ip);
  }
  return out;
}

/**
 * One ServicePortInfo per entry of spec.ports, or none when the Service is not proxyable or
 * has no cluster IP of the family. Fields that do not apply to the Service's type are zero /
 * empty; addresses and source ranges of the other family are left out.
 */
export function servicePortInfos(service: Service, options: ServicePortInfosOptions = {}): ServicePortInfo[] {
  const family = options.ipFamily ?? defaultIPFamily;
  if (!isProxyableService(service)) return [];
  const clusterIP = familyClusterIP(service, family);
  if (clusterIP === "") return [];

  const spec = service.spec;
  const type = spec.type ?? "ClusterIP";
  const hasNodePorts = type === "NodePort" || type === "LoadBalancer";
  const externalIPs = (spec.externalIPs ?? []).filter((ip) => isIPOfFamily(ip, family));
  const lbVIPs = loadBalancerVIPs(service, family);
  const ranges = sourceRanges(service, family);
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
