// Does one PolicyRule allow a request? Kubernetes' answer (pkg/apis/rbac/v1 evaluation helpers
// and the RBAC authorizer's RuleAllows), which is deliberately literal: "*" is the only wildcard
// in verbs, groups and names; in resources "*" matches everything and "*/scale" matches the
// scale subresource of any resource, but "pods/*" is just a string that never matches a request;
// in non-resource URLs a trailing "*" is a prefix match.

import type { PolicyRule } from "../../api/rbac-types.js";
import type { AuthorizationAttributes } from "./attributes.js";

const ALL = "*";

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === ALL || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === ALL || g === group);
}

/** `combined` is "resource" or "resource/subresource"; `subresource` is "" for none. */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return (rule.resources ?? []).some((r) => r === ALL || r === combined || (subresource !== "" && r === `*/${subresource}`));
}

/** A rule without resourceNames matches any name; one with them never matches an unnamed request. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === ALL || u === path || (u.endsWith("*") && path.startsWith(u.replace(/\*+$/, ""))));
}

export function ruleAllows(attrs: AuthorizationAttributes, rule: PolicyRule): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!attrs.resourceRequest) return nonResourceURLMatches(rule, attrs.path);
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  return apiGroupMatches(rule, attrs.apiGroup) && resourceMatches(rule, combined, attrs.subresource) && resourceNameMatches(rule, attrs.name);
}

export function rulesAllow(attrs: AuthorizationAttributes, rules: readonly PolicyRule[]): boolean {
  return rules.some((r) => ruleAllows(attrs, r));
}
