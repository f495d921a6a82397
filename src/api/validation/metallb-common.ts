// Checks MetalLB's two kinds (IPAddressPool, L2Advertisement) share: their metadata, the
// namespace they must live in (MetalLB's webhooks refuse others, and svcnet reads only that
// one), the structural-schema gate, lists of label selectors and lists without repeats.

import { fieldErrors, path, type FieldError, type FieldPath } from "../field-errors.js";
import type { JsonObject } from "../json.js";
import { jsonEqual } from "../json.js";
import { METALLB_NAMESPACE } from "../metallb-types.js";
import { schemaValidationErrors } from "../schema/structural-schema.js";
import type { KubeObject } from "../types.js";
import { validateLabelSelector } from "./label-selector.js";
import { nameIsDNSSubdomain } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { list } from "./read.js";

/** Metadata of a new object: DNS-subdomain name, and the metallb-system namespace. */
export function validateMetalLBMeta(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const ns = obj.metadata?.namespace;
  if (ns && ns !== METALLB_NAMESPACE) {
    errs.push(
      fieldErrors.invalid(path("metadata", "namespace"), ns, `must be ${METALLB_NAMESPACE}: address pools and advertisements are read from that namespace only`),
    );
  }
  return errs;
}

/**
 * Runs the kind's rules only on an object that fits its schema, as the API server validates the
 * schema before any admission webhook (MetalLB's rules live in one) sees the object.
 */
export function withSchema(definition: string, obj: KubeObject, meta: FieldError[], rules: () => FieldError[]): FieldError[] {
  const schema = schemaValidationErrors(definition, obj as unknown as JsonObject);
  return schema.length ? [...meta, ...schema] : [...meta, ...rules()];
}

/** Create: metadata, schema, then the kind's rules. */
export function validateMetalLBCreate(definition: string, obj: KubeObject, rules: () => FieldError[]): FieldError[] {
  return withSchema(definition, obj, validateMetalLBMeta(obj), rules);
}

/** Update of the main resource: metadata update rules, schema, then the kind's rules. */
export function validateMetalLBUpdate(definition: string, obj: KubeObject, old: KubeObject, rules: () => FieldError[]): FieldError[] {
  return withSchema(definition, obj, validateObjectMetaUpdate(obj.metadata, old.metadata), rules);
}

/** A /status write: metadata update rules and the schema; the spec rules are not run again. */
export function validateMetalLBStatusUpdate(definition: string, obj: KubeObject, old: KubeObject): FieldError[] {
  return withSchema(definition, obj, validateObjectMetaUpdate(obj.metadata, old.metadata), () => []);
}

/** `Duplicate value` at each element equal to an earlier one. */
export function validateNoRepeats(values: readonly unknown[], p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  values.forEach((v, i) => {
    if (values.slice(0, i).some((earlier) => jsonEqual(earlier, v))) errs.push(fieldErrors.duplicate(p.index(i), v));
  });
  return errs;
}

/** A list of metav1.LabelSelectors: each well formed, none repeated (MetalLB refuses repeats). */
export function validateSelectorList(value: unknown, p: FieldPath): FieldError[] {
  const selectors = list(value);
  return [...selectors.flatMap((s, i) => validateLabelSelector(s, p.index(i))), ...validateNoRepeats(selectors, p)];
}
