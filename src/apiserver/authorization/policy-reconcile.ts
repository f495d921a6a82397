// Bringing the default RBAC objects up to date at server start, as kube-apiserver's
// "ensure RBAC policy" step does (pkg/registry/rbac/reconciliation) in its additive mode: a
// missing object is created; an existing one gets what it lacks — rules, aggregation selectors,
// subjects, labels and annotations — and keeps whatever an administrator added. A binding whose
// roleRef differs (roleRef is immutable) must be deleted and created again. An object annotated
// rbac.authorization.kubernetes.io/autoupdate=false is left alone.

import { deepCopy, jsonEqual } from "../../api/json.js";
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding, Subject } from "../../api/rbac-types.js";
import { AUTOUPDATE_ANNOTATION, type BootstrapPolicy } from "./bootstrap-policy.js";
import { uncoveredRules } from "./escalation.js";

export type ReconcileOp = "create" | "update" | "recreate";

export type ReconcileAction =
  | { op: ReconcileOp; kind: "ClusterRole"; object: ClusterRole }
  | { op: ReconcileOp; kind: "Role"; object: Role }
  | { op: ReconcileOp; kind: "ClusterRoleBinding"; object: ClusterRoleBinding }
  | { op: ReconcileOp; kind: "RoleBinding"; object: RoleBinding };

export type AnyRole = Role | ClusterRole;
export type AnyBinding = RoleBinding | ClusterRoleBinding;

const isProtected = (existing: AnyRole | AnyBinding): boolean => existing.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === "false";

/** Labels and annotations the object lacks are added; values it has win. Returns whether anything changed. */
function mergeMetadata(out: AnyRole | AnyBinding, expected: AnyRole | AnyBinding): boolean {
  const labels = { ...expected.metadata.labels, ...out.metadata.labels };
  const annotations = { ...expected.metadata.annotations, ...out.metadata.annotations };
  const changed = !jsonEqual(labels, out.metadata.labels ?? {}) || !jsonEqual(annotations, out.metadata.annotations ?? {});
  if (Object.keys(labels).length > 0) out.metadata.labels = labels;
  if (Object.keys(annotations).length > 0) out.metadata.annotations = annotations;
  return changed;
}

/** The Role or ClusterRole to write so that `existing` grants what `expected` grants; undefined when it already does. */
export function reconcileRole<T extends AnyRole>(expected: T, existing: T | undefined): { op: "create" | "update"; object: T } | undefined {
  if (!existing) return { op: "create", object: deepCopy(expected) };
  if (isProtected(existing)) return undefined;
  const out = deepCopy(existing);
  let changed = mergeMetadata(out, expected);
  const missing = uncoveredRules(existing.rules ?? [], expected.rules ?? []);
  if (missing.length > 0) {
    out.rules = [...(existing.rules ?? []), ...missing];
    changed = true;
  }
  const want = (expected as ClusterRole).aggregationRule;
  const have = (existing as ClusterRole).aggregationRule;
  if (!want && have) {
    delete (out as ClusterRole).aggregationRule;
    changed = true;
  } else if (want) {
    const selectors = have?.clusterRoleSelectors ?? [];
    const lacking = (want.clusterRoleSelectors ?? []).filter((s) => !selectors.some((h) => jsonEqual(h, s)));
    if (lacking.length > 0) {
      (out as ClusterRole).aggregationRule = { clusterRoleSelectors: [...selectors, ...lacking] };
      changed = true;
    }
  }
  return changed ? { op: "update", object: out } : undefined;
}

/** Whether two binding subjects name the same subject (an unset namespace or apiGroup is ""). */
export const sameSubject = (a: Subject, b: Subject): boolean =>
  a.kind === b.kind && a.name === b.name && (a.namespace ?? "") === (b.namespace ?? "") && (a.apiGroup ?? "") === (b.apiGroup ?? "");

/** The binding to write so that `existing` binds what `expected` binds; undefined when it already does. */
export function reconcileBinding<T extends AnyBinding>(expected: T, existing: T | undefined): { op: ReconcileOp; object: T } | undefined {
  if (!existing) return { op: "create", object: deepCopy(expected) };
  if (isProtected(existing)) return undefined;
  const out = deepCopy(existing);
  let changed = mergeMetadata(out, expected);
  const lacking = (expected.subjects ?? []).filter((s) => !(existing.subjects ?? []).some((e) => sameSubject(e, s)));
  if (lacking.length > 0) {
    out.subjects = [...(existing.subjects ?? []), ...lacking];
    changed = true;
  }
  if (!jsonEqual(expected.roleRef, existing.roleRef)) {
    out.roleRef = deepCopy(expected.roleRef);
    return { op: "recreate", object: out };
  }
  return changed ? { op: "update", object: out } : undefined;
}

const key = (o: AnyRole | AnyBinding): string => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;

function byKey<T extends AnyRole | AnyBinding>(objs: readonly T[]): Map<string, T> {
  return new Map(objs.map((o) => [key(o), o]));
}

/**
 * What to write so the cluster holds the default policy, given what it holds now: roles first
 * (so bindings never point at a role about to appear), each in the order of `expected`.
 */
export function reconcilePolicy(expected: BootstrapPolicy, existing: BootstrapPolicy): ReconcileAction[] {
  const out: ReconcileAction[] = [];
  const clusterRoles = byKey(existing.clusterRoles);
  for (const e of expected.clusterRoles) {
    const r = reconcileRole(e, clusterRoles.get(key(e)));
    if (r) out.push({ kind: "ClusterRole", ...r });
  }
  const roles = byKey(existing.roles);
  for (const e of expected.roles) {
    const r = reconcileRole(e, roles.get(key(e)));
    if (r) out.push({ kind: "Role", ...r });
  }
  const clusterBindings = byKey(existing.clusterRoleBindings);
  for (const e of expected.clusterRoleBindings) {
    const r = reconcileBinding(e, clusterBindings.get(key(e)));
    if (r) out.push({ kind: "ClusterRoleBinding", ...r });
  }
  const bindings = byKey(existing.roleBindings);
  for (const e of expected.roleBindings) {
    const r = reconcileBinding(e, bindings.get(key(e)));
    if (r) out.push({ kind: "RoleBinding", ...r });
  }
  return out;
}
