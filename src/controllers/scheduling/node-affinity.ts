// Does a node satisfy a pod's hard placement constraints: spec.nodeSelector (every label must
// be equal) AND spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
// (any one of its nodeSelectorTerms; within a term, every matchExpressions and matchFields
// requirement). Preferred (soft) affinity is not scored here.

import { isJsonObject, type JsonObject } from "../../api/json.js";
import type { Node, Pod } from "../../api/types.js";

const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** Integers as Gt/Lt compare them; anything else never matches. */
function asInteger(s: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(s) ? Number(s) : undefined;
}

/** One NodeSelectorRequirement against a set of key/values (labels, or fields). */
function requirementMatches(req: JsonObject, values: Record<string, string>): boolean {
  const key = typeof req.key === "string" ? req.key : "";
  const want = strings(req.values);
  const has = Object.hasOwn(values, key);
  const value = values[key];
  switch (req.operator) {
    case "In":
      return has && want.includes(value);
    case "NotIn":
      return !has || !want.includes(value);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "Gt":
    case "Lt": {
      if (!has || want.length !== 1) return false;
      const a = asInteger(value);
      const b = asInteger(want[0]);
      if (a === undefined || b === undefined) return false;
      return req.operator === "Gt" ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A term matches when it has at least one requirement and all of them hold. */
function termMatches(term: JsonObject, node: Node): boolean {
  const exprs = list(term.matchExpressions);
  const fields = list(term.matchFields);
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  const nodeFields = { "metadata.name": node.metadata.name ?? "" };
  return exprs.every((r) => requirementMatches(r, labels)) && fields.every((r) => requirementMatches(r, nodeFields));
}

/**
 * Whether the node satisfies the pod's nodeSelector and required node affinity. A pod with
 * neither matches every node; a required affinity with an empty term list matches none.
 */
export function matchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  // Only the pod is read unless it has constraints: the scheduler asks this of many nodes.
  const selector = isJsonObject(pod.spec?.nodeSelector) ? pod.spec.nodeSelector : undefined;
  if (selector) {
    const labels = node.metadata.labels ?? {};
    for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  }
  const affinity = isJsonObject(pod.spec?.affinity) ? pod.spec.affinity.nodeAffinity : undefined;
  const required = isJsonObject(affinity) ? affinity.requiredDuringSchedulingIgnoredDuringExecution : undefined;
  if (!isJsonObject(required)) return true;
  return list(required.nodeSelectorTerms).some((term) => termMatches(term, node));
}
