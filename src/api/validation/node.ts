// core/v1 Node validation (Kubernetes 1.32 ValidateNode / ValidateNodeUpdate): cluster-scoped
// DNS-subdomain names, valid taints and podCIDRs (one per family), podCIDRs and providerID
// fixed once set, no duplicate status addresses.

import { fieldErrors, path, type FieldError, type FieldPath } from "../field-errors.js";
import type { Node } from "../types.js";
import { validateQualifiedName } from "./common.js";
import { parseCIDR, validateCIDR } from "./ip.js";
import { isValidLabelValue, nameIsDNSSubdomain } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { list, rec, str } from "./read.js";

const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

function validateTaints(taints: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list(taints).map(rec).forEach((t, i) => {
    const ip = p.index(i);
    const key = str(t.key);
    const effect = str(t.effect);
    errs.push(...validateQualifiedName(key, ip.child("key")));
    const vmsgs = isValidLabelValue(str(t.value));
    if (vmsgs.length) errs.push(fieldErrors.invalid(ip.child("value"), str(t.value), vmsgs.join(";")));
    if (!effect) errs.push(fieldErrors.required(ip.child("effect")));
    else if (!taintEffects.includes(effect)) errs.push(fieldErrors.notSupported(ip.child("effect"), effect, taintEffects));
    const k = `${effect}\u0000${key}`;
    if (seen.has(k)) errs.push({ ...fieldErrors.duplicate(ip, t), detail: "taints must be unique by key and effect pair" });
    seen.add(k);
  });
  return errs;
}

function validatePodCIDRs(cidrs: unknown): FieldError[] {
  const all = list(cidrs).map(str);
  const p = path("spec", "podCIDRs");
  const errs: FieldError[] = [];
  all.forEach((c, i) => errs.push(...validateCIDR(p.index(i), c)));
  if (all.length > 1) {
    const fams = all.map((c) => (c.split("/")[0].includes(":") ? "IPv6" : "IPv4"));
    if (all.length > 2 || fams[0] === fams[1] || all.some((c) => !parseCIDR(c))) {
      errs.push(fieldErrors.invalid(p, all, "may specify no more than one CIDR for each IP family"));
    }
    const seen = new Set<string>();
    all.forEach((c, i) => {
      if (seen.has(c)) errs.push(fieldErrors.duplicate(p.index(i), c));
      seen.add(c);
    });
  }
  return errs;
}

/** A Node on create. (Taint errors are reported under metadata.taints, as Kubernetes does.) */
export function validateNode(node: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata, { namespaced: false, nameValidator: nameIsDNSSubdomain });
  errs.push(...validateTaints(rec(node.spec).taints, path("metadata", "taints")));
  errs.push(...validatePodCIDRs(rec(node.spec).podCIDRs));
  return errs;
}

/** A Node update (also used for /status): podCIDRs and providerID may only go from unset to set. */
export function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const errs = validateObjectMetaUpdate(node.metadata, old.metadata);
  const spec = rec(node.spec);
  const oldSpec = rec(old.spec);
  const addrs = new Set<string>();
  list(rec(node.status).addresses).map(rec).forEach((a, i) => {
    const k = `${str(a.type)}\u0000${str(a.address)}`;
    if (addrs.has(k)) errs.push(fieldErrors.duplicate(path("status", "addresses").index(i), a));
    addrs.add(k);
  });
  const oldCIDRs = list(oldSpec.podCIDRs).map(str);
  const newCIDRs = list(spec.podCIDRs).map(str);
  if (oldCIDRs.length > 0) {
    const msg = 'node updates may not change podCIDR except from "" to valid';
    if (oldCIDRs.length !== newCIDRs.length) errs.push(fieldErrors.forbidden(path("spec", "podCIDRs"), msg));
    else oldCIDRs.forEach((c, i) => c !== newCIDRs[i] && errs.push(fieldErrors.forbidden(path("spec", "podCIDRs"), msg)));
  }
  const oldProvider = str(oldSpec.providerID);
  if (oldProvider && oldProvider !== str(spec.providerID)) {
    errs.push(fieldErrors.forbidden(path("spec", "providerID"), 'node updates may not change providerID except from "" to valid'));
  }
  errs.push(...validateTaints(spec.taints, path("metadata", "taints")));
  errs.push(...validatePodCIDRs(spec.podCIDRs));
  return errs;
}
