// The rules of an aggregated ClusterRole (one with an aggregationRule), computed when read. In
// Kubernetes a controller writes them into the role; svcnet has no such controller, so the
// authorizer asks here instead. The result is what that controller would write: for each
// selector in order, the rules of every other ClusterRole it matches, in name order, each rule
// once. A matched role that is itself aggregated contributes its aggregated rules (the
// controller reaches the same fixed point by rewriting roles one after another); a cycle of
// aggregated roles contributes nothing more. The role's own stored rules are ignored, as the
// controller overwrites them. A selector with an unknown operator matches nothing.

import { jsonEqual } from "../../api/json.js";
import type { ClusterRole, PolicyRule } from "../../api/rbac-types.js";
import { labelSelectorMatches } from "../../api/validation/label-selector.js";

export function isAggregated(role: ClusterRole): boolean {
  return role.aggregationRule !== undefined && role.aggregationRule !== null;
}

/** The effective rules of a ClusterRole among `all`: its aggregated rules, or its own rules. */
export function clusterRoleRules(role: ClusterRole, all: readonly ClusterRole[]): readonly PolicyRule[] {
  return effective(role, all, new Set(), new Map());
}

function effective(role: ClusterRole, all: readonly ClusterRole[], visiting: Set<string>, done: Map<string, readonly PolicyRule[]>): readonly PolicyRule[] {
  if (!isAggregated(role)) return role.rules ?? [];
  const name = role.metadata.name ?? "";
  const known = done.get(name);
  if (known) return known;
  if (visiting.has(name)) return [];
  visiting.add(name);
  const out: PolicyRule[] = [];
  for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
    const matched = all
      .filter((r) => r.metadata.name !== name && labelSelectorMatches(selector, r.metadata.labels ?? {}))
      .sort((a, b) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1));
    for (const m of matched) {
      for (const rule of effective(m, all, visiting, done)) if (!out.some((r) => jsonEqual(r, rule))) out.push(rule);
    }
  }
  visiting.delete(name);
  done.set(name, out);
  return out;
}
