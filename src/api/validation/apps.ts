// apps/v1 Deployment and ReplicaSet validation (Kubernetes 1.32 pkg/apis/apps/validation):
// label selectors that are required, non-empty, immutable and match the template, and the
// Deployment strategy.

import { fieldErrors, path, type FieldError, type FieldPath } from "../field-errors.js";
import type { KubeObject } from "../types.js";
import { validateImmutable, validateNonnegative } from "./common.js";
import { invalidRendered, renderedError } from "./go-render.js";
import { isEmptyLabelSelector, labelSelectorMatches, validateLabelSelector } from "./label-selector.js";
import { nameIsDNSSubdomain } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { list, num, optNum, rec, str } from "./read.js";
import { validateReplicaStatus, validateTemplateForController } from "./replication-controller.js";

const specPath = path("spec");

function validateSelectorAndTemplate(spec: Record<string, unknown>, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const selector = spec.selector;
  if (selector === undefined || selector === null) {
    errs.push(fieldErrors.required(specPath.child("selector")));
  } else {
    errs.push(...validateLabelSelector(selector, specPath.child("selector")));
    if (isEmptyLabelSelector(selector)) {
      errs.push(invalidRendered(specPath.child("selector"), "&v1.LabelSelector{}", `empty selector is invalid for ${kind === "Deployment" ? "deployment" : "replicaset"}`));
    }
  }
  errs.push(
    ...validateTemplateForController(spec.template, (labels) => labelSelectorMatches(selector, labels), isEmptyLabelSelector(selector), specPath.child("template"), "ReplicaSet"),
  );
  return errs;
}

function validateIntOrPercent(v: unknown, p: FieldPath): FieldError[] {
  if (typeof v === "number") return validateNonnegative(v, p);
  if (typeof v === "string") {
    if (!/^[0-9]+%$/.test(v)) {
      return [fieldErrors.invalid(p, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
    }
    return [];
  }
  return [];
}

function percentOrInt(v: unknown): number {
  return typeof v === "string" ? Number(v.replace("%", "")) : num(v);
}

function validateStrategy(strategyValue: unknown): FieldError[] {
  const strategy = rec(strategyValue);
  const p = specPath.child("strategy");
  const type = str(strategy.type);
  if (type === "Recreate") {
    return strategy.rollingUpdate === undefined || strategy.rollingUpdate === null
      ? []
      : [fieldErrors.forbidden(p.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")];
  }
  if (type === "RollingUpdate") {
    const ru = strategy.rollingUpdate;
    if (ru === undefined || ru === null) return [fieldErrors.required(p.child("rollingUpdate"), "this should be defaulted and never be nil")];
    const rp = p.child("rollingUpdate");
    const { maxUnavailable, maxSurge } = rec(ru);
    const errs = [...validateIntOrPercent(maxUnavailable, rp.child("maxUnavailable")), ...validateIntOrPercent(maxSurge, rp.child("maxSurge"))];
    if (percentOrInt(maxUnavailable) === 0 && percentOrInt(maxSurge) === 0) {
      errs.push(fieldErrors.invalid(rp.child("maxUnavailable"), maxUnavailable, "may not be 0 when `maxSurge` is 0"));
    }
    if (typeof maxUnavailable === "string" && percentOrInt(maxUnavailable) > 100) {
      errs.push(fieldErrors.invalid(rp.child("maxUnavailable"), maxUnavailable, "must not be greater than 100%"));
    }
    return errs;
  }
  const goText = `apps.DeploymentStrategy{Type:${JSON.stringify(type)}, RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}`;
  return [renderedError("FieldValueNotSupported", p, goText, 'supported values: "Recreate", "RollingUpdate"')];
}

/** A Deployment being created (expects a defaulted object). */
export function validateDeployment(obj: KubeObject): FieldError[] {
  const spec = rec(obj.spec);
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  errs.push(...validateNonnegative(num(spec.replicas), specPath.child("replicas")));
  errs.push(...validateSelectorAndTemplate(spec, "Deployment"));
  errs.push(...validateStrategy(spec.strategy));
  errs.push(...validateNonnegative(num(spec.minReadySeconds), specPath.child("minReadySeconds")));
  const rhl = optNum(spec.revisionHistoryLimit);
  if (rhl !== undefined) errs.push(...validateNonnegative(rhl, specPath.child("revisionHistoryLimit")));
  const pds = optNum(spec.progressDeadlineSeconds);
  if (pds !== undefined) {
    errs.push(...validateNonnegative(pds, specPath.child("progressDeadlineSeconds")));
    if (pds <= num(spec.minReadySeconds)) errs.push(fieldErrors.invalid(specPath.child("progressDeadlineSeconds"), pds, "must be greater than minReadySeconds"));
  }
  return errs;
}

function selectorGoText(selector: unknown): string {
  const ml = rec(rec(selector).matchLabels);
  const keys = Object.keys(ml).sort();
  const labels = keys.length ? `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(str(ml[k]))}`).join(", ")}}` : "map[string]string(nil)";
  const exprs = list(rec(selector).matchExpressions).length ? "[]v1.LabelSelectorRequirement{...}" : "[]v1.LabelSelectorRequirement(nil)";
  return `&v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`;
}

/** A Deployment update: the create rules plus an immutable spec.selector. */
export function validateDeploymentUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateDeployment(obj).filter((e) => !e.field.startsWith("metadata.")));
  const sel = rec(obj.spec).selector;
  errs.push(...validateImmutable(sel, rec(old.spec).selector, specPath.child("selector"), selectorGoText(sel)));
  return errs;
}

/** A ReplicaSet being created (expects a defaulted object). */
export function validateReplicaSet(obj: KubeObject): FieldError[] {
  const spec = rec(obj.spec);
  const errs = validateObjectMeta(obj.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  errs.push(...validateNonnegative(num(spec.replicas), specPath.child("replicas")));
  errs.push(...validateSelectorAndTemplate(spec, "ReplicaSet"));
  errs.push(...validateNonnegative(num(spec.minReadySeconds), specPath.child("minReadySeconds")));
  return errs;
}

/** A ReplicaSet update: the create rules plus an immutable spec.selector. */
export function validateReplicaSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  errs.push(...validateReplicaSet(obj).filter((e) => !e.field.startsWith("metadata.")));
  const sel = rec(obj.spec).selector;
  errs.push(...validateImmutable(sel, rec(old.spec).selector, specPath.child("selector"), selectorGoText(sel)));
  return errs;
}

/** A Deployment or ReplicaSet /status write. */
export function validateAppsStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateReplicaStatus(obj.status)];
}
