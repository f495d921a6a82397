// ipFamilyPolicy / ipFamilies defaulting and checks for a single-stack cluster, as Kubernetes
// does them at allocation time (so they are visible in dry runs too). Dual-stack clusters are
// not supported: the cluster has exactly one family, that of its service CIDR.

import type { FieldError } from "../api/field-errors.js";
import { fieldErrors, path } from "../api/field-errors.js";
import type { Service } from "../api/types.js";
import type { IPFamily } from "./ip.js";
import { otherFamily, parseIP } from "./ip.js";
import { clusterIPNone, usesClusterIPField } from "./service-holdings.js";

const ipExample = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

/**
 * Defaults spec.ipFamilyPolicy and spec.ipFamilies of `svc` for a cluster whose only family is
 * `clusterFamily`, and returns the field errors Kubernetes reports for requests that cluster
 * cannot serve (an IPv6 clusterIP on an IPv4 cluster, RequireDualStack, ...). Mutates `svc`
 * only when no errors are returned. `oldSvc` (on update) lends its policy when the new object
 * has none. ExternalName services are left alone.
 */
export function initIPFamilies(svc: Service, clusterFamily: IPFamily, oldSvc?: Service): FieldError[] {
  if (!usesClusterIPField(svc)) return [];
  const spec = svc.spec;
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  const families = [...(spec.ipFamilies ?? [])];
  const headlessSelectorless = ips[0] === clusterIPNone && Object.keys(spec.selector ?? {}).length === 0;
  let policy = spec.ipFamilyPolicy;
  if (!policy) policy = oldSvc?.spec.ipFamilyPolicy ?? (headlessSelectorless ? "RequireDualStack" : "SingleStack");

  const errs: FieldError[] = [];
  const policyPath = path("spec", "ipFamilyPolicy");
  if (policy === "SingleStack" && ips.length === 2) {
    errs.push(fieldErrors.invalid(policyPath, policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
  }
  if (policy === "SingleStack" && families.length === 2) {
    errs.push(fieldErrors.invalid(policyPath, policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  }
  for (let i = 0; i < ips.length; i++) {
    if (ips[i] === clusterIPNone && i === 0) break;
    const ip = parseIP(ips[i]);
    if (!ip) {
      errs.push(fieldErrors.invalid(path("spec", "clusterIPs").index(i), ips[i], ipExample));
      continue;
    }
    if (i < families.length) continue;
    if (ip.family !== clusterFamily) {
      errs.push(fieldErrors.invalid(path("spec", "clusterIPs").index(i), [...ips], `${ip.family} is not configured on this cluster`));
    } else {
      families.push(ip.family);
    }
  }
  if (errs.length) return errs;

  if (headlessSelectorless) {
    if (!families.length) families.push(clusterFamily);
    if (families.length < 2 && policy !== "SingleStack") families.push(otherFamily(families[0]));
    spec.ipFamilyPolicy = policy;
    spec.ipFamilies = families;
    return [];
  }
  if (policy === "RequireDualStack") {
    errs.push(fieldErrors.invalid(policyPath, policy, "this cluster is not configured for dual-stack services"));
  }
  families.forEach((f, i) => {
    if (f !== clusterFamily) errs.push(fieldErrors.invalid(path("spec", "ipFamilies").index(i), f, "not configured on this cluster"));
  });
  if (errs.length) return errs;
  spec.ipFamilyPolicy = policy;
  spec.ipFamilies = families.length ? families : [clusterFamily];
  return [];
}
