// coordination.k8s.io/v1 Lease validation: DNS-subdomain names, a positive duration, a
// non-negative transition count, and preferredHolder only together with a strategy.

import { fieldErrors, path, type FieldError } from "../field-errors.js";
import type { KubeObject } from "../types.js";
import { nameIsDNSSubdomain } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { optNum, optStr, rec } from "./read.js";

function validateLeaseSpec(specValue: unknown): FieldError[] {
  const spec = rec(specValue);
  const p = path("spec");
  const errs: FieldError[] = [];
  const duration = optNum(spec.leaseDurationSeconds);
  if (duration !== undefined && duration <= 0) errs.push(fieldErrors.invalid(p.child("leaseDurationSeconds"), duration, "must be greater than 0"));
  const transitions = optNum(spec.leaseTransitions);
  if (transitions !== undefined && transitions < 0) errs.push(fieldErrors.invalid(p.child("leaseTransitions"), transitions, "must be greater than or equal to 0"));
  const strategy = optStr(spec.strategy);
  if (strategy !== undefined && strategy !== "OldestEmulationVersion") errs.push(fieldErrors.notSupported(p.child("strategy"), strategy, ["OldestEmulationVersion"]));
  const preferred = optStr(spec.preferredHolder);
  if (preferred && !strategy) errs.push(fieldErrors.forbidden(p.child("preferredHolder"), "may only be specified if `strategy` is defined"));
  return errs;
}

/** A Lease on create. */
export function validateLease(lease: KubeObject): FieldError[] {
  return [...validateObjectMeta(lease.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }), ...validateLeaseSpec(lease.spec)];
}

/** A Lease update: metadata rules plus the spec rules. */
export function validateLeaseUpdate(lease: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(lease.metadata, old.metadata), ...validateLeaseSpec(lease.spec)];
}
