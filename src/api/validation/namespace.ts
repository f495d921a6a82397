// core/v1 Namespace validation: DNS-1123 label names, finalizer names, and the phase rule of
// /status writes.

import { fieldErrors, path, type FieldError, type FieldPath } from "../field-errors.js";
import type { Namespace } from "../types.js";
import { validateQualifiedName } from "./common.js";
import { nameIsDNSLabel } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { list, rec, str } from "./read.js";

function validateFinalizerName(name: string, p: FieldPath): FieldError[] {
  const errs = validateQualifiedName(name, p);
  if (!name.includes("/") && name !== "kubernetes") {
    errs.push(fieldErrors.invalid(p, name, "name is neither a standard finalizer name nor is it fully qualified"));
  }
  return errs;
}

/** A Namespace on create. */
export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, nameValidator: nameIsDNSLabel });
  for (const f of list(rec(ns.spec).finalizers)) errs.push(...validateFinalizerName(str(f), path("spec", "finalizers")));
  return errs;
}

/** A Namespace update (spec changes are carried but not re-validated, as in Kubernetes). */
export function validateNamespaceUpdate(ns: Namespace, old: Namespace): FieldError[] {
  return validateObjectMetaUpdate(ns.metadata, old.metadata);
}

/** A /status write: phase Active without deletionTimestamp, Terminating with one. */
export function validateNamespaceStatusUpdate(ns: Namespace, old: Namespace): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
  const phase = str(rec(ns.status).phase);
  if (!ns.metadata?.deletionTimestamp) {
    if (phase !== "Active") errs.push(fieldErrors.invalid(path("status", "Phase"), phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== "Terminating") {
    errs.push(fieldErrors.invalid(path("status", "Phase"), phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}

/** A /finalize write: metadata rules and valid finalizer names. */
export function validateNamespaceFinalizeUpdate(ns: Namespace, old: Namespace): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
  list(rec(ns.spec).finalizers).forEach((f, i) => errs.push(...validateFinalizerName(str(f), path("spec", "finalizers").index(i))));
  return errs;
}
