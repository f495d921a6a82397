// core/v1 ServiceAccount validation (Kubernetes 1.32 ValidateServiceAccount and its update):
// ObjectMeta with a DNS-subdomain name; the rest of a service account (secrets,
// imagePullSecrets, automountServiceAccountToken) has no rules of its own.

import type { FieldError } from "../field-errors.js";
import type { ServiceAccount } from "../types.js";
import { nameIsDNSSubdomain } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";

/** A ServiceAccount on create. */
export function validateServiceAccount(sa: ServiceAccount): FieldError[] {
  return validateObjectMeta(sa.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
}

/** A ServiceAccount update: metadata update rules plus the create rules. */
export function validateServiceAccountUpdate(sa: ServiceAccount, old: ServiceAccount): FieldError[] {
  return [...validateObjectMetaUpdate(sa.metadata, old.metadata), ...validateServiceAccount(sa)];
}
