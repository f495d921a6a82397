// Service validation with Kubernetes 1.32 semantics and wording (pkg/apis/core/validation:
// ValidateService, ValidateServiceUpdate, ValidateServiceStatusUpdate), plus the IP-family
// checks the allocator makes against the cluster's configuration. Expects a defaulted object.

import { fieldErrors, path, type FieldError, type FieldPath } from "../field-errors.js";
import type { Service, ServiceSpec } from "../types.js";
import { externallyAccessible, needsHealthCheck, type IPFamily } from "../defaults/service.js";
import { invalidEach, validateDNS1123Label, validateDNS1123Subdomain, validateLabels, validatePortNumOrName, validateProtocol, validateQualifiedName } from "./common.js";
import { goStringSliceV, renderedError } from "./go-render.js";
import { isDualStack, isIPv6String, parseCIDR, parseIP, validateIP, validateNonSpecialIP } from "./ip.js";
import { isDNS1123Subdomain, isValidPortNum, nameIsDNS1035Label } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { list, num, optNum, optStr, rec, str } from "./read.js";

export interface ServiceValidationOptions {
  /** The cluster's service IP families, primary first. Default ["IPv4"] (single stack). */
  ipFamilies?: readonly IPFamily[];
}

/** Longest ClientIP affinity timeout Kubernetes accepts: one day. */
export const maxClientIPAffinitySeconds = 86400;

const serviceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const sessionAffinities = ["ClientIP", "None"];
const trafficPolicies = ["Cluster", "Local"];
const ipFamilyPolicies = ["PreferDualStack", "RequireDualStack", "SingleStack"];
const ipFamilies = ["IPv4", "IPv6"];
const ipModes = ["Proxy", "VIP"];

const specPath = path("spec");

function clusterIPsOf(s: ServiceSpec): string[] {
  return list(s.clusterIPs).map(str);
}

/** True for clusterIPs == ["None"]. */
export function isHeadlessService(s: ServiceSpec): boolean {
  const ips = clusterIPsOf(s);
  return ips.length === 1 && ips[0] === "None";
}

/** Go's %#v of core.ServicePort{Protocol, Port}, as the duplicate-port error prints it. */
function goServicePortKey(protocol: string, port: number): string {
  return (
    `core.ServicePort{Name:"", Protocol:${JSON.stringify(protocol)}, AppProtocol:(*string)(nil), Port:${port}, ` +
    `TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`
  );
}

function validateServicePort(sp: Record<string, unknown>, requireName: boolean, names: Set<string>, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(sp.name);
  if (requireName && !name) {
    errs.push(fieldErrors.required(p.child("name")));
  } else if (name) {
    errs.push(...validateDNS1123Label(name, p.child("name")));
    if (names.has(name)) errs.push(fieldErrors.duplicate(p.child("name"), name));
    else names.add(name);
  }
  const port = num(sp.port);
  for (const m of isValidPortNum(port)) errs.push(fieldErrors.invalid(p.child("port"), port, m));
  errs.push(...validateProtocol(sp.protocol, p.child("protocol")));
  errs.push(...validatePortNumOrName(sp.targetPort, p.child("targetPort")));
  const appProtocol = optStr(sp.appProtocol);
  if (appProtocol !== undefined) errs.push(...validateQualifiedName(appProtocol, p.child("appProtocol")));
  return errs;
}

function validateClientIPAffinityConfig(cfg: unknown, p: FieldPath): FieldError[] {
  const why = "when session affinity type is ClientIP";
  if (cfg === undefined || cfg === null) return [fieldErrors.required(p, why)];
  const clientIP = rec(cfg).clientIP;
  if (clientIP === undefined || clientIP === null) return [fieldErrors.required(p.child("clientIP"), why)];
  const timeout = optNum(rec(clientIP).timeoutSeconds);
  const tp = p.child("clientIP", "timeoutSeconds");
  if (timeout === undefined) return [fieldErrors.required(tp, why)];
  if (timeout <= 0 || timeout > maxClientIPAffinitySeconds) {
    return [fieldErrors.invalid(tp, timeout, `must be greater than 0 and less than ${maxClientIPAffinitySeconds}`)];
  }
  return [];
}

/** ClusterIP / ClusterIPs / ipFamilies / ipFamilyPolicy consistency (ValidateServiceClusterIPsRelatedFields). */
function validateClusterIPsRelatedFields(s: ServiceSpec): FieldError[] {
  if (s.type === "ExternalName") return [];
  const errs: FieldError[] = [];
  const ipsPath = specPath.child("clusterIPs");
  const ips = clusterIPsOf(s);
  const clusterIP = str(s.clusterIP);
  if (clusterIP) {
    if (ips.length === 0) errs.push(fieldErrors.required(ipsPath));
    else if (ips[0] !== clusterIP) errs.push(fieldErrors.invalid(ipsPath, ips, "first value must match `clusterIP`"));
  } else if (ips.length > 0) {
    errs.push(fieldErrors.invalid(ipsPath, ips, "must be empty when `clusterIP` is not specified"));
  }
  const seen = new Set<string>();
  list(s.ipFamilies).map(str).forEach((f, i) => {
    if (!ipFamilies.includes(f)) errs.push(fieldErrors.notSupported(specPath.child("ipFamilies").index(i), f, ipFamilies));
    if (seen.has(f)) errs.push(fieldErrors.duplicate(specPath.child("ipFamilies").index(i), f));
    seen.add(f);
  });
  const policy = s.ipFamilyPolicy;
  if (policy !== undefined && policy !== null && !ipFamilyPolicies.includes(str(policy))) {
    errs.push(fieldErrors.notSupported(specPath.child("ipFamilyPolicy"), policy, ipFamilyPolicies));
  }
  let invalidIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === "None") {
      if (ips.length > 1) {
        invalidIPs = true;
        errs.push(fieldErrors.invalid(ipsPath, ips, "'None' must be the first and only value"));
      }
      return;
    }
    const e = validateIP(ipsPath.index(i), ip);
    if (e.length) invalidIPs = true;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push(fieldErrors.invalid(ipsPath, ips, "may only hold up to 2 values"));
  if (invalidIPs) return errs;
  if (ips.length > 1 && !isDualStack(ips)) errs.push(fieldErrors.invalid(ipsPath, ips, "may specify no more than one IP for each IP family"));
  const fams = list(s.ipFamilies).map(str);
  if (!isHeadlessService(s) && ips.length > 0 && fams.length > 0) {
    ips.forEach((ip, i) => {
      if (i >= fams.length) return;
      if (fams[i] === "IPv4" && isIPv6String(ip)) errs.push(fieldErrors.invalid(ipsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (fams[i] === "IPv6" && !isIPv6String(ip)) errs.push(fieldErrors.invalid(ipsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

/** What the allocator refuses on a cluster that does not serve the requested families. */
function validateFamiliesAgainstCluster(s: ServiceSpec, cluster: readonly IPFamily[]): FieldError[] {
  // Headless services without a selector may name any families (Kubernetes' special case).
  if (s.type === "ExternalName" || (isHeadlessService(s) && Object.keys(rec(s.selector)).length === 0)) return [];
  const errs: FieldError[] = [];
  if (s.ipFamilyPolicy === "RequireDualStack" && cluster.length < 2) {
    errs.push(fieldErrors.invalid(specPath.child("ipFamilyPolicy"), s.ipFamilyPolicy, "this cluster is not configured for dual-stack services"));
  }
  list(s.ipFamilies).map(str).forEach((f, i) => {
    if (ipFamilies.includes(f) && !(cluster as readonly string[]).includes(f)) {
      errs.push(fieldErrors.invalid(specPath.child("ipFamilies").index(i), f, "not configured on this cluster"));
    }
  });
  return errs;
}

function validateExternalTrafficPolicy(s: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const etp = str(s.externalTrafficPolicy);
  if (!externallyAccessible(s)) {
    if (etp) errs.push(fieldErrors.invalid(specPath.child("externalTrafficPolicy"), etp, "may only be set for externally-accessible services"));
  } else if (!etp) {
    errs.push(fieldErrors.required(specPath.child("externalTrafficPolicy")));
  } else if (!trafficPolicies.includes(etp)) {
    errs.push(fieldErrors.notSupported(specPath.child("externalTrafficPolicy"), etp, trafficPolicies));
  }
  const hc = num(s.healthCheckNodePort);
  if (!needsHealthCheck(s)) {
    if (hc !== 0) {
      errs.push(fieldErrors.invalid(specPath.child("healthCheckNodePort"), hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  } else if (hc !== 0) {
    // 0 (unset) is fine: the allocator, which runs after validation here, assigns one.
    for (const m of isValidPortNum(hc)) errs.push(fieldErrors.invalid(specPath.child("healthCheckNodePort"), hc, m));
  }
  return errs;
}

function validateLoadBalancerClass(s: ServiceSpec, old?: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const p = specPath.child("loadBalancerClass");
  const cls = optStr(s.loadBalancerClass);
  if (old && old.type === "LoadBalancer" && s.type === "LoadBalancer" && (optStr(old.loadBalancerClass) ?? null) !== (cls ?? null)) {
    errs.push(fieldErrors.invalid(p, cls ?? null, "may not change once set"));
  }
  if (s.type === "LoadBalancer") {
    if (cls !== undefined) errs.push(...validateQualifiedName(cls, p));
  } else if (cls !== undefined) {
    errs.push(fieldErrors.forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

function validateSourceRanges(svc: Service): FieldError[] {
  const s = svc.spec;
  const ranges = list(s.loadBalancerSourceRanges).map(str);
  const annotation = svc.metadata?.annotations?.["service.beta.kubernetes.io/load-balancer-source-ranges"];
  if (ranges.length === 0 && annotation === undefined) return [];
  const fromField = ranges.length > 0;
  const p = fromField ? specPath.child("LoadBalancerSourceRanges") : path("metadata", "annotations").key("service.beta.kubernetes.io/load-balancer-source-ranges");
  const errs: FieldError[] = [];
  if (s.type !== "LoadBalancer") errs.push(fieldErrors.forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
  const values = fromField ? ranges : str(annotation).trim() === "" ? [] : str(annotation).split(",");
  if (values.some((v) => !parseCIDR(v.trim()))) {
    const shown = fromField ? goStringSliceV(ranges) : str(annotation);
    errs.push(fieldErrors.invalid(p, shown, "must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 "));
  }
  return errs;
}

/** Validation of a Service on create (and the spec part of every update). */
export function validateService(svc: Service, opts: ServiceValidationOptions = {}): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, { namespaced: true, nameValidator: nameIsDNS1035Label });
  const s: ServiceSpec = rec(svc.spec);
  const ports = list(s.ports).map(rec);
  const headless = isHeadlessService(s);
  if (ports.length === 0 && !headless && s.type !== "ExternalName") errs.push(fieldErrors.required(specPath.child("ports")));
  const ips = clusterIPsOf(s);
  switch (s.type) {
    case "LoadBalancer":
      if (headless) errs.push(fieldErrors.invalid(specPath.child("clusterIPs").index(0), ips[0], "may not be set to 'None' for LoadBalancer services"));
      break;
    case "NodePort":
      if (headless) errs.push(fieldErrors.invalid(specPath.child("clusterIPs").index(0), ips[0], "may not be set to 'None' for NodePort services"));
      break;
    case "ExternalName": {
      if (ips.length > 0) errs.push(fieldErrors.forbidden(specPath.child("clusterIPs"), "may not be set for ExternalName services"));
      if (list(s.ipFamilies).length > 0) errs.push(fieldErrors.forbidden(specPath.child("ipFamilies"), "may not be set for ExternalName services"));
      if (s.ipFamilyPolicy !== undefined && s.ipFamilyPolicy !== null) errs.push(fieldErrors.forbidden(specPath.child("ipFamilyPolicy"), "may not be set for ExternalName services"));
      const cname = str(s.externalName).replace(/\.$/, "");
      if (cname) errs.push(...invalidEach(specPath.child("externalName"), cname, isDNS1123Subdomain(cname)));
      else errs.push(fieldErrors.required(specPath.child("externalName")));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((sp, i) => errs.push(...validateServicePort(sp, ports.length > 1, names, specPath.child("ports").index(i))));
  if (s.selector !== undefined && s.selector !== null) errs.push(...validateLabels(s.selector, specPath.child("selector")));
  const affinity = str(s.sessionAffinity);
  if (!affinity) errs.push(fieldErrors.required(specPath.child("sessionAffinity")));
  else if (!sessionAffinities.includes(affinity)) errs.push(fieldErrors.notSupported(specPath.child("sessionAffinity"), affinity, sessionAffinities));
  if (affinity === "ClientIP") errs.push(...validateClientIPAffinityConfig(s.sessionAffinityConfig, specPath.child("sessionAffinityConfig")));
  else if (affinity === "None" && s.sessionAffinityConfig !== undefined && s.sessionAffinityConfig !== null) {
    errs.push(fieldErrors.forbidden(specPath.child("sessionAffinityConfig"), "must not be set when session affinity is None"));
  }
  errs.push(...validateClusterIPsRelatedFields(s));
  list(s.externalIPs).map(str).forEach((ip, i) => {
    const p = specPath.child("externalIPs").index(i);
    const e = validateIP(p, ip);
    errs.push(...(e.length ? e : validateNonSpecialIP(p, ip)));
  });
  const type = str(s.type);
  if (!type) errs.push(fieldErrors.required(specPath.child("type")));
  else if (!serviceTypes.includes(type)) errs.push(fieldErrors.notSupported(specPath.child("type"), type, serviceTypes));
  if (type === "ClusterIP") {
    ports.forEach((sp, i) => {
      if (num(sp.nodePort) !== 0) errs.push(fieldErrors.forbidden(specPath.child("ports").index(i).child("nodePort"), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((sp, i) => {
    const np = num(sp.nodePort);
    if (np === 0) return;
    const key = `${str(sp.protocol)}/${np}`;
    if (nodePorts.has(key)) errs.push(fieldErrors.duplicate(specPath.child("ports").index(i).child("nodePort"), np));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((sp, i) => {
    const key = `${str(sp.protocol)}/${num(sp.port)}`;
    if (portKeys.has(key)) errs.push(renderedError("FieldValueDuplicate", specPath.child("ports").index(i), goServicePortKey(str(sp.protocol), num(sp.port))));
    portKeys.add(key);
  });
  errs.push(...validateSourceRanges(svc));
  if (s.allocateLoadBalancerNodePorts !== undefined && s.allocateLoadBalancerNodePorts !== null && type !== "LoadBalancer") {
    errs.push(fieldErrors.forbidden(specPath.child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === "LoadBalancer" && (s.allocateLoadBalancerNodePorts === undefined || s.allocateLoadBalancerNodePorts === null)) {
    errs.push(fieldErrors.required(path("allocateLoadBalancerNodePorts")));
  }
  errs.push(...validateLoadBalancerClass(s));
  errs.push(...validateExternalTrafficPolicy(s));
  const itp = s.internalTrafficPolicy;
  if (itp === undefined || itp === null) {
    if (type === "ClusterIP" || type === "NodePort" || type === "LoadBalancer") errs.push(fieldErrors.required(specPath.child("internalTrafficPolicy")));
  } else if (!trafficPolicies.includes(str(itp))) {
    errs.push(fieldErrors.notSupported(specPath.child("internalTrafficPolicy"), itp, trafficPolicies));
  }
  const td = s.trafficDistribution;
  if (td !== undefined && td !== null && td !== "PreferClose") errs.push(fieldErrors.notSupported(specPath.child("trafficDistribution"), td, ["PreferClose"]));
  errs.push(...validateFamiliesAgainstCluster(s, opts.ipFamilies?.length ? opts.ipFamilies : ["IPv4"]));
  return errs;
}

function validateUpgradeDowngradeClusterIPs(old: ServiceSpec, s: ServiceSpec): FieldError[] {
  if (s.type === "ExternalName" || old.type === "ExternalName") return [];
  if (isHeadlessService(old) && isHeadlessService(s)) return [];
  const errs: FieldError[] = [];
  const oldIPs = clusterIPsOf(old);
  const ips = clusterIPsOf(s);
  const p = specPath.child("clusterIPs");
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(fieldErrors.invalid(p.index(i), ips, "may not change once set"));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(fieldErrors.invalid(p.index(0), ips, "primary clusterIP can not be unset"));
    if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(fieldErrors.invalid(p.index(0), ips, "may not change once set"));
    if (ips.length === 1 && s.ipFamilyPolicy !== "SingleStack") {
      errs.push(fieldErrors.invalid(specPath.child("ipFamilyPolicy"), s.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(fieldErrors.invalid(p.index(0), ips, "may not change once set"));
  }
  return errs;
}

function validateUpgradeDowngradeIPFamilies(old: ServiceSpec, s: ServiceSpec): FieldError[] {
  if (s.type === "ExternalName" || old.type === "ExternalName") return [];
  if (isHeadlessService(old) !== isHeadlessService(s) || isHeadlessService(s)) return [];
  const errs: FieldError[] = [];
  const oldF = list(old.ipFamilies).map(str);
  const f = list(s.ipFamilies).map(str);
  const p = specPath.child("ipFamilies").index(0);
  if (oldF.length === f.length) {
    oldF.forEach((x, i) => {
      if (x !== f[i]) errs.push(fieldErrors.invalid(p, f, "may not change once set"));
    });
  } else if (oldF.length > f.length) {
    if (clusterIPsOf(s).length === 0) errs.push(fieldErrors.invalid(p, f, "primary ipFamily can not be unset"));
    if (f.length > 0 && f[0] !== oldF[0]) errs.push(fieldErrors.invalid(p, clusterIPsOf(s), "may not change once set"));
    if (f.length === 1 && s.ipFamilyPolicy !== "SingleStack") {
      errs.push(fieldErrors.invalid(specPath.child("ipFamilyPolicy"), s.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (oldF.length > 0 && f.length > 0 && f[0] !== oldF[0]) {
    errs.push(fieldErrors.invalid(p, clusterIPsOf(s), "may not change once set"));
  }
  return errs;
}

/**
 * Validation of an update of the main resource: metadata immutability, clusterIPs and
 * ipFamilies that may not change once set (except on the way to or from ExternalName),
 * loadBalancerClass fixed for LoadBalancer services, healthCheckNodePort fixed while needed,
 * then the full create-time validation of the new object.
 */
export function validateServiceUpdate(svc: Service, old: Service, opts: ServiceValidationOptions = {}): FieldError[] {
  const s: ServiceSpec = rec(svc.spec);
  const o: ServiceSpec = rec(old.spec);
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  errs.push(...validateUpgradeDowngradeClusterIPs(o, s));
  errs.push(...validateUpgradeDowngradeIPFamilies(o, s));
  errs.push(...validateLoadBalancerClass(s, o).filter((e) => e.detail === "may not change once set"));
  if (needsHealthCheck(o) && needsHealthCheck(s) && num(s.healthCheckNodePort) !== num(o.healthCheckNodePort)) {
    errs.push(fieldErrors.forbidden(specPath.child("healthCheckNodePort"), "field is immutable"));
  }
  errs.push(...validateService(svc, opts));
  return errs;
}

/** Validation of a /status write: metadata immutability and well-formed load-balancer ingress. */
export function validateServiceStatus(svc: Service, old: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  const ingPath = path("status", "loadBalancer", "ingress");
  const ingress = list(rec(rec(svc.status).loadBalancer).ingress).map(rec);
  if (rec(svc.spec).type !== "LoadBalancer" && ingress.length > 0) {
    errs.push(fieldErrors.forbidden(ingPath, "may only be used when `spec.type` is 'LoadBalancer'"));
    return errs;
  }
  ingress.forEach((ing, i) => {
    const p = ingPath.index(i);
    const ip = str(ing.ip);
    if (ip) errs.push(...validateIP(p.child("ip"), ip));
    // Kubernetes defaults a missing ipMode to VIP before this check (defaultService does the
    // same), so an absent ipMode is accepted here rather than reported as required.
    const mode = optStr(ing.ipMode);
    if (mode === undefined) {
      // accepted: defaulted to VIP
    } else if (!ip) {
      errs.push(fieldErrors.forbidden(p.child("ipMode"), "may not be specified when `ip` is not set"));
    } else if (!ipModes.includes(mode)) {
      errs.push(fieldErrors.notSupported(p.child("ipMode"), mode, ipModes));
    }
    const host = str(ing.hostname);
    if (host) {
      errs.push(...validateDNS1123Subdomain(host, p.child("hostname")));
      if (parseIP(host)) errs.push(fieldErrors.invalid(p.child("hostname"), host, "must be a DNS name, not an IP address"));
    }
  });
  return errs;
}
