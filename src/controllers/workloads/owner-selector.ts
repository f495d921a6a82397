// The label selector of a workload: a ReplicationController's plain map, or the apps/v1
// metav1.LabelSelector of a ReplicaSet or Deployment (matchLabels plus matchExpressions with
// In / NotIn / Exists / DoesNotExist), turned into the requirements of
// src/api/selectors/label-selector.ts as metav1.LabelSelectorAsSelector does.

import { matchesLabels, selectorFromMap, type LabelRequirement, type LabelSelector } from "../../api/selectors/label-selector.js";
import type { MetaLabelSelector } from "../../api/types.js";
import type { WorkloadOwner } from "./workload-types.js";

/** A selector that cannot be turned into requirements (unknown operator, wrong value count). */
export class InvalidSelectorError extends Error {
  readonly code = "INVALID_SELECTOR";
}

/**
 * Converts a metav1.LabelSelector. `undefined`/`null` selects nothing and is returned as null;
 * an empty selector selects everything (an empty requirement list). Throws InvalidSelectorError
 * for an unknown operator, In/NotIn without values, or Exists/DoesNotExist with values.
 */
export function fromMetaSelector(sel: MetaLabelSelector | null | undefined): LabelSelector | null {
  if (sel === undefined || sel === null) return null;
  const reqs: LabelRequirement[] = [...selectorFromMap(sel.matchLabels)];
  for (const e of sel.matchExpressions ?? []) {
    const values = e.values ?? [];
    switch (e.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) throw new InvalidSelectorError(`for 'in', 'notin' operators, values set can't be empty`);
        reqs.push({ key: e.key, op: e.operator === "In" ? "in" : "notin", values: [...values] });
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length !== 0) throw new InvalidSelectorError(`values set must be empty for exists and does not exist`);
        reqs.push({ key: e.key, op: e.operator === "Exists" ? "exists" : "!", values: [] });
        break;
      default:
        throw new InvalidSelectorError(`"${String(e.operator)}" is not a valid label selector operator`);
    }
  }
  return reqs;
}

/**
 * The selector of a workload. A ReplicationController's map selector becomes equality
 * requirements (an absent or empty map selects everything, as labels.SelectorFromSet does);
 * ReplicaSets and Deployments go through fromMetaSelector (null = selects nothing).
 */
export function selectorOf(owner: WorkloadOwner): LabelSelector | null {
  const sel: unknown = owner.spec.selector;
  if (owner.kind !== "ReplicationController" && isMetaSelector(sel)) return fromMetaSelector(sel);
  if (owner.kind !== "ReplicationController" && owner.kind !== undefined) return fromMetaSelector(undefined);
  return selectorFromMap(isStringMap(sel) ? sel : undefined);
}

function isMetaSelector(sel: unknown): sel is MetaLabelSelector {
  if (typeof sel !== "object" || sel === null || Array.isArray(sel)) return false;
  const s = sel as Record<string, unknown>;
  const keys = Object.keys(s);
  if (!keys.every((k) => k === "matchLabels" || k === "matchExpressions")) return false;
  return (s.matchLabels === undefined || typeof s.matchLabels === "object") && (s.matchExpressions === undefined || Array.isArray(s.matchExpressions));
}

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "string");
}

/** True when the selector (null selects nothing) matches the labels. */
export function selectorMatches(sel: LabelSelector | null, labels: Record<string, string> | undefined): boolean {
  return sel !== null && matchesLabels(sel, labels);
}

/** True when the selector is empty and would select every object (Deployments refuse to act). */
export function selectsEverything(sel: MetaLabelSelector | null | undefined): boolean {
  return sel !== null && sel !== undefined && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}
