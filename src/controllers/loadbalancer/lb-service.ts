// What a Service asks of the LoadBalancer address allocator: whether svcnet handles it at all
// (type LoadBalancer without a loadBalancerClass), its address families, the addresses or the
// pool it requests (spec.loadBalancerIP, MetalLB's annotations), and the claim it makes on an
// address it may share with other services. Pure: reads the Service, never changes it.

import type { IPFamily, ParsedIP } from "../../allocators/ip.js";
import { formatIP, parseIP } from "../../allocators/ip.js";
import { ANNOTATION_ADDRESS_POOL, ANNOTATION_ALLOW_SHARED_IP, ANNOTATION_LOAD_BALANCER_IPS, LB_ANNOTATION_PREFIXES } from "../../api/metallb-types.js";
import type { Service } from "../../api/types.js";

/** True for the services this allocator serves: `type: LoadBalancer` of the default class. */
export function isDefaultClassLoadBalancer(svc: Service): boolean {
  return svc.spec?.type === "LoadBalancer" && !svc.spec.loadBalancerClass;
}

/** A MetalLB annotation found on a service: the full key it was found under and its value. */
export interface FoundAnnotation {
  key: string;
  value: string;
}

/** The annotation `name` under the current prefix, else under the older one (MetalLB's order). */
export function lbAnnotation(svc: Service, name: string): FoundAnnotation | undefined {
  const annotations = svc.metadata.annotations ?? {};
  for (const prefix of LB_ANNOTATION_PREFIXES) {
    const key = prefix + name;
    if (Object.prototype.hasOwnProperty.call(annotations, key)) return { key, value: annotations[key] };
  }
  return undefined;
}

/**
 * What a service claims on an address it holds. Two services may hold one address only when
 * both carry the same non-empty sharing key, agree on the backend key, and use no port twice.
 */
export interface SharingClaim {
  /** The allow-shared-ip key; "" when the service does not share. */
  sharingKey: string;
  /**
   * externalTrafficPolicy, and for Local the selector too: services sharing an address with
   * Local policy must send it to the same pods, since only nodes with those pods announce it.
   */
  backendKey: string;
  /** "TCP/80" for each service port, in spec order. */
  ports: string[];
}

/** A service's LoadBalancer request, read and checked. */
export interface LoadBalancerRequest {
  /** One address per family, in spec.ipFamilies order (the first is the primary). */
  families: IPFamily[];
  /** PreferDualStack with two families: the second family is taken only when available. */
  secondaryOptional: boolean;
  /** Requested addresses in canonical text, at most one per family; empty means pick any. */
  requested: string[];
  /** Where the requested addresses came from, for messages. */
  requestedFrom?: string;
  /** The pool named by the address-pool annotation. */
  pool?: string;
  /** The annotation key the pool was named under, for messages. */
  poolAnnotation?: string;
  externalTrafficPolicy: "Cluster" | "Local";
  claim: SharingClaim;
}

export type ReadRequest = { ok: true; request: LoadBalancerRequest } | { ok: false; message: string };

/** The service's families: spec.ipFamilies, else those of its cluster IPs, else IPv4. */
export function serviceFamilies(svc: Service): IPFamily[] {
  const declared = (svc.spec.ipFamilies ?? []).filter((f): f is IPFamily => f === "IPv4" || f === "IPv6");
  if (declared.length > 0) return [...new Set(declared)];
  const fromIPs = (svc.spec.clusterIPs ?? (svc.spec.clusterIP ? [svc.spec.clusterIP] : []))
    .map((ip) => parseIP(ip)?.family)
    .filter((f): f is IPFamily => f !== undefined);
  return fromIPs.length > 0 ? [...new Set(fromIPs)] : ["IPv4"];
}

/** The backend key of the sharing rules: the policy, plus the selector for Local. */
export function backendKeyOf(svc: Service): string {
  const policy = svc.spec.externalTrafficPolicy === "Local" ? "Local" : "Cluster";
  if (policy === "Cluster") return policy;
  const selector = Object.entries(svc.spec.selector ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return `${policy}:${selector}`;
}

/** The claim the service makes on an address (see SharingClaim). */
export function sharingClaimOf(svc: Service): SharingClaim {
  return {
    sharingKey: lbAnnotation(svc, ANNOTATION_ALLOW_SHARED_IP)?.value.trim() ?? "",
    backendKey: backendKeyOf(svc),
    ports: (svc.spec.ports ?? []).map((p) => `${p.protocol ?? "TCP"}/${p.port}`),
  };
}

function requestedAddresses(svc: Service): { ok: true; texts: string[]; from?: string } | { ok: false; message: string } {
  const annotation = lbAnnotation(svc, ANNOTATION_LOAD_BALANCER_IPS);
  const specIP = svc.spec.loadBalancerIP?.trim() ?? "";
  if (annotation && annotation.value.trim() !== "" && specIP !== "") {
    return { ok: false, message: `spec.loadBalancerIP and the ${annotation.key} annotation are both set; keep one of them` };
  }
  if (annotation && annotation.value.trim() !== "") {
    return { ok: true, texts: annotation.value.split(",").map((s) => s.trim()), from: `the ${annotation.key} annotation` };
  }
  if (specIP !== "") return { ok: true, texts: [specIP], from: "spec.loadBalancerIP" };
  return { ok: true, texts: [] };
}

/**
 * Reads the service's request. Fails (with a message that names the field to fix) when the
 * requested addresses are not addresses, name one family twice, or do not fit the service's
 * families: one per family, every family unless the policy is PreferDualStack.
 */
export function readLoadBalancerRequest(svc: Service): ReadRequest {
  const families = serviceFamilies(svc);
  const secondaryOptional = families.length === 2 && svc.spec.ipFamilyPolicy === "PreferDualStack";
  const wanted = requestedAddresses(svc);
  if (!wanted.ok) return wanted;
  const parsed: ParsedIP[] = [];
  for (const text of wanted.texts) {
    const ip = parseIP(text);
    if (!ip) return { ok: false, message: `${wanted.from} has "${text}", which is not an IP address` };
    if (parsed.some((p) => p.family === ip.family)) return { ok: false, message: `${wanted.from} names two ${ip.family} addresses; give at most one per family` };
    if (!families.includes(ip.family)) {
      return { ok: false, message: `${wanted.from} asks for ${text} (${ip.family}) but the service is ${families.join(" and ")} only (spec.ipFamilies)` };
    }
    parsed.push(ip);
  }
  if (parsed.length > 0 && parsed.length < families.length && !secondaryOptional) {
    const missing = families.filter((f) => !parsed.some((p) => p.family === f));
    return { ok: false, message: `${wanted.from} must give one address per family of the service; ${missing.join(" and ")} is missing` };
  }
  const pool = lbAnnotation(svc, ANNOTATION_ADDRESS_POOL);
  const poolName = pool?.value.trim();
  return {
    ok: true,
    request: {
      families,
      secondaryOptional,
      requested: parsed.map(formatIP),
      requestedFrom: wanted.from,
      ...(pool && poolName ? { pool: poolName, poolAnnotation: pool.key } : {}),
      externalTrafficPolicy: svc.spec.externalTrafficPolicy === "Local" ? "Local" : "Cluster",
      claim: sharingClaimOf(svc),
    },
  };
}
