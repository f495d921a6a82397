// rbac.authorization.k8s.io/v1 validation (Kubernetes 1.32 pkg/apis/rbac/validation): names that
// are safe URL path segments; policy rules with verbs, and either resources with API groups or
// (ClusterRoles only) non-resource URLs; aggregation selectors; bindings whose roleRef names a
// Role or ClusterRole of this group (a ClusterRoleBinding only a ClusterRole) and never changes,
// and subjects that are users, groups or service accounts with the apiGroup and namespace each
// kind requires.

import { fieldErrors, path, type FieldError, type FieldPath } from "../field-errors.js";
import { RBAC_GROUP } from "../rbac-types.js";
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from "../rbac-types.js";
import type { KubeObject } from "../types.js";
import { invalidRendered } from "./go-render.js";
import { validateLabelSelector } from "./label-selector.js";
import { nameIsDNSSubdomain, nameIsPathSegment, type NameValidator } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { list, rec, str } from "./read.js";

/**
 * RBAC objects' (and roleRef) names: only what a URL path segment cannot carry is refused.
 * Kubernetes applies the same rule to generateName, prefix or not.
 */
export const nameIsRBACName: NameValidator = (name) => nameIsPathSegment(name, false);

/** The kinds a binding's subject may have, in Kubernetes' order. */
export const subjectKinds = ["ServiceAccount", "User", "Group"] as const;

function strings(v: unknown): string[] {
  return list(v).map(str);
}

/** One rule of a Role (namespaced) or ClusterRole. */
export function validatePolicyRule(ruleValue: unknown, namespaced: boolean, p: FieldPath): FieldError[] {
  const rule = rec(ruleValue);
  const errs: FieldError[] = [];
  if (list(rule.verbs).length === 0) errs.push(fieldErrors.required(p.child("verbs"), "verbs must contain at least one value"));
  const urls = strings(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(fieldErrors.invalid(p.child("nonResourceURLs"), urls, "namespaced rules cannot apply to non-resource URLs"));
    if (list(rule.apiGroups).length > 0 || list(rule.resources).length > 0 || list(rule.resourceNames).length > 0) {
      errs.push(fieldErrors.invalid(p.child("nonResourceURLs"), urls, "rules cannot apply to both regular resources and non-resource URLs"));
    }
    return errs;
  }
  if (list(rule.apiGroups).length === 0) errs.push(fieldErrors.required(p.child("apiGroups"), "resource rules must supply at least one api group"));
  if (list(rule.resources).length === 0) errs.push(fieldErrors.required(p.child("resources"), "resource rules must supply at least one resource"));
  return errs;
}

function validateRules(rules: unknown, namespaced: boolean): FieldError[] {
  return list(rules).flatMap((rule, i) => validatePolicyRule(rule, namespaced, path("rules").index(i)));
}

/** A Role on create. */
export function validateRole(role: Role): FieldError[] {
  return [...validateObjectMeta(role.metadata, { namespaced: true, nameValidator: nameIsRBACName }), ...validateRules(role.rules, true)];
}

/** A Role update: the create rules, then metadata's update rules (Kubernetes' order). */
export function validateRoleUpdate(role: Role, old: Role): FieldError[] {
  return [...validateRole(role), ...validateObjectMetaUpdate(role.metadata, old.metadata)];
}

/** A ClusterRole on create: its rules, and an aggregationRule with at least one valid selector. */
export function validateClusterRole(role: ClusterRole): FieldError[] {
  const errs = [...validateObjectMeta(role.metadata, { namespaced: false, nameValidator: nameIsRBACName }), ...validateRules(role.rules, false)];
  if (role.aggregationRule !== undefined && role.aggregationRule !== null) {
    const p = path("aggregationRule", "clusterRoleSelectors");
    const selectors = list(rec(role.aggregationRule).clusterRoleSelectors);
    if (selectors.length === 0) errs.push(fieldErrors.required(p, "at least one clusterRoleSelector required if aggregationRule is non-nil"));
    selectors.forEach((s, i) => errs.push(...validateLabelSelector(s, p.index(i))));
  }
  return errs;
}

/** A ClusterRole update: the create rules, then metadata's update rules. */
export function validateClusterRoleUpdate(role: ClusterRole, old: ClusterRole): FieldError[] {
  return [...validateClusterRole(role), ...validateObjectMetaUpdate(role.metadata, old.metadata)];
}

/** One subject of a binding; service accounts of a ClusterRoleBinding must name their namespace. */
export function validateSubject(subjectValue: unknown, namespaced: boolean, p: FieldPath): FieldError[] {
  const subject = rec(subjectValue);
  const name = str(subject.name);
  const kind = str(subject.kind);
  const apiGroup = str(subject.apiGroup);
  const errs: FieldError[] = [];
  if (!name) errs.push(fieldErrors.required(p.child("name")));
  switch (kind) {
    case "ServiceAccount":
      if (name) for (const msg of nameIsDNSSubdomain(name, false)) errs.push(fieldErrors.invalid(p.child("name"), name, msg));
      if (apiGroup) errs.push(fieldErrors.notSupported(p.child("apiGroup"), apiGroup, [""]));
      if (!namespaced && !str(subject.namespace)) errs.push(fieldErrors.required(p.child("namespace")));
      break;
    case "User":
    case "Group":
      if (apiGroup !== RBAC_GROUP) errs.push(fieldErrors.notSupported(p.child("apiGroup"), apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(fieldErrors.notSupported(p.child("kind"), kind, subjectKinds));
  }
  return errs;
}

function validateBinding(binding: RoleBinding | ClusterRoleBinding, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(binding.metadata, { namespaced, nameValidator: nameIsRBACName });
  const ref = rec(binding.roleRef);
  const apiGroup = str(ref.apiGroup);
  if (apiGroup !== RBAC_GROUP) errs.push(fieldErrors.notSupported(path("roleRef", "apiGroup"), apiGroup, [RBAC_GROUP]));
  const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
  const kind = str(ref.kind);
  if (!kinds.includes(kind)) errs.push(fieldErrors.notSupported(path("roleRef", "kind"), kind, kinds));
  const name = str(ref.name);
  if (!name) errs.push(fieldErrors.required(path("roleRef", "name")));
  else for (const msg of nameIsRBACName(name, false)) errs.push(fieldErrors.invalid(path("roleRef", "name"), name, msg));
  list(binding.subjects).forEach((s, i) => errs.push(...validateSubject(s, namespaced, path("subjects").index(i))));
  return errs;
}

/** Go's %#v of the internal rbac.RoleRef, as the "cannot change roleRef" message prints it. */
function goRoleRef(ref: unknown): string {
  const r = rec(ref);
  const q = (v: unknown): string => JSON.stringify(str(v));
  return `rbac.RoleRef{APIGroup:${q(r.apiGroup)}, Kind:${q(r.kind)}, Name:${q(r.name)}}`;
}

/** A binding may not point at another role once created (delete and recreate it instead). */
function validateRoleRefUnchanged(binding: KubeObject & { roleRef?: unknown }, old: KubeObject & { roleRef?: unknown }): FieldError[] {
  const a = rec(binding.roleRef);
  const b = rec(old.roleRef);
  const same = ["apiGroup", "kind", "name"].every((k) => str(a[k]) === str(b[k]));
  return same ? [] : [invalidRendered(path("roleRef"), goRoleRef(binding.roleRef), "cannot change roleRef")];
}

/** A RoleBinding on create: roleRef to a Role or ClusterRole, and its subjects. */
export function validateRoleBinding(binding: RoleBinding): FieldError[] {
  return validateBinding(binding, true);
}

/** A RoleBinding update: the create rules, metadata's update rules, and roleRef unchanged. */
export function validateRoleBindingUpdate(binding: RoleBinding, old: RoleBinding): FieldError[] {
  return [...validateRoleBinding(binding), ...validateObjectMetaUpdate(binding.metadata, old.metadata), ...validateRoleRefUnchanged(binding, old)];
}

/** A ClusterRoleBinding on create: roleRef to a ClusterRole, and its subjects. */
export function validateClusterRoleBinding(binding: ClusterRoleBinding): FieldError[] {
  return validateBinding(binding, false);
}

/** A ClusterRoleBinding update: the create rules, metadata's update rules, and roleRef unchanged. */
export function validateClusterRoleBindingUpdate(binding: ClusterRoleBinding, old: ClusterRoleBinding): FieldError[] {
  return [...validateClusterRoleBinding(binding), ...validateObjectMetaUpdate(binding.metadata, old.metadata), ...validateRoleRefUnchanged(binding, old)];
}
