// metav1.LabelSelector (matchLabels + matchExpressions) as Deployments and ReplicaSets carry
// it: validation in Kubernetes' wording, and matching against a set of labels.

import { fieldErrors, type FieldError, type FieldPath } from "../field-errors.js";
import { validateLabels, validateQualifiedName } from "./common.js";
import { list, rec, str, strMap } from "./read.js";

interface Requirement {
  key: string;
  operator: string;
  values: string[];
}

function requirementsOf(selector: unknown): Requirement[] {
  return list(rec(selector).matchExpressions).map((e) => {
    const r = rec(e);
    return { key: str(r.key), operator: str(r.operator), values: list(r.values).map(str) };
  });
}

/** Validates matchLabels and matchExpressions (keys, operators, values). */
export function validateLabelSelector(selector: unknown, p: FieldPath): FieldError[] {
  if (selector === undefined || selector === null) return [];
  const errs: FieldError[] = [];
  const exprPath = p.child("matchExpressions");
  requirementsOf(selector).forEach((r, i) => {
    const ip = exprPath.index(i);
    switch (r.operator) {
      case "In":
      case "NotIn":
        if (r.values.length === 0) errs.push(fieldErrors.required(ip.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case "Exists":
      case "DoesNotExist":
        if (r.values.length > 0) errs.push(fieldErrors.forbidden(ip.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(fieldErrors.invalid(ip.child("operator"), r.operator, "not a valid selector operator"));
    }
    errs.push(...validateQualifiedName(r.key, ip.child("key")));
  });
  errs.push(...validateLabels(rec(selector).matchLabels, p.child("matchLabels")));
  return errs;
}

/** True when the selector has neither matchLabels nor matchExpressions. */
export function isEmptyLabelSelector(selector: unknown): boolean {
  return Object.keys(rec(rec(selector).matchLabels)).length === 0 && list(rec(selector).matchExpressions).length === 0;
}

/** True when labels satisfy every matchLabels entry and every expression. */
export function labelSelectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(strMap(rec(selector).matchLabels))) if (labels[k] !== v) return false;
  for (const r of requirementsOf(selector)) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case "In":
        if (!has || !r.values.includes(labels[r.key])) return false;
        break;
      case "NotIn":
        if (has && r.values.includes(labels[r.key])) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** True when every key=value of a map selector (RC style) is present in labels. */
export function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
