// Kubernetes' privilege-escalation prevention for RBAC writes (pkg/registry/rbac): nobody may
// hand out permissions they do not hold. Creating or updating a Role or ClusterRole needs every
// rule it grants to be covered by the writer's own rules in that namespace, unless the writer is
// in system:masters or may `escalate` on the role resource. Creating or updating a binding needs
// the bound role's rules covered likewise, unless the writer is in system:masters or may `bind`
// that role. Setting an aggregationRule (which can gather anything) needs full authority.
//
// "Covers" is Kubernetes' policy comparator: each requested rule is broken into single
// (group, resource, verb, name) or (URL, verb) pieces, and each piece must fit one rule held.

import { ApiError } from "../../api/errors.js";
import { RBAC_GROUP, type PolicyRule, type RoleRef } from "../../api/rbac-types.js";
import type { UserInfo } from "../user-info.js";
import type { AuthorizationAttributes } from "./attributes.js";
import { resourceAttributes } from "./attributes.js";
import type { Authorizer } from "./authorizer.js";
import type { RoleRefRules } from "./rbac-authorizer.js";
import { aggregateErrors } from "./rbac-authorizer.js";
import { MASTERS_GROUP } from "../user-groups.js";

const ALL = "*";

/** Splits a rule into pieces of one group, resource, verb and name (or one URL and verb). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        for (const name of names) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

const hasAll = (set: readonly string[], wanted: readonly string[]): boolean => wanted.every((w) => set.includes(w));

function resourcesCovered(owned: readonly string[], wanted: readonly string[]): boolean {
  if (owned.includes(ALL) || hasAll(owned, wanted)) return true;
  return wanted.every((r) => {
    if (owned.includes(r)) return true;
    const slash = r.indexOf("/");
    return slash >= 0 && owned.includes(`*/${r.slice(slash + 1)}`);
  });
}

function urlCovered(owned: string, wanted: string): boolean {
  return owned === wanted || (owned.endsWith("*") && wanted.startsWith(owned.replace(/\*+$/, "")));
}

/** Does a held rule cover a broken-down piece (Kubernetes' ruleCovers)? */
export function ruleCovers(owner: PolicyRule, piece: PolicyRule): boolean {
  const verbs = owner.verbs.includes(ALL) || hasAll(owner.verbs, piece.verbs);
  const groups = (owner.apiGroups ?? []).includes(ALL) || hasAll(owner.apiGroups ?? [], piece.apiGroups ?? []);
  const resources = resourcesCovered(owner.resources ?? [], piece.resources ?? []);
  const urls = (piece.nonResourceURLs ?? []).every((u) => (owner.nonResourceURLs ?? []).some((o) => urlCovered(o, u)));
  const ownerNames = owner.resourceNames ?? [];
  const pieceNames = piece.resourceNames ?? [];
  const names = pieceNames.length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, pieceNames);
  return verbs && groups && resources && names && urls;
}

/** The pieces of `requested` that no rule of `held` covers; empty when held covers it all. */
export function uncoveredRules(held: readonly PolicyRule[], requested: readonly PolicyRule[]): PolicyRule[] {
  return requested.flatMap(breakdownRule).filter((piece) => !held.some((h) => ruleCovers(h, piece)));
}

/** Merges pieces of one group and resource that differ only in verb (Kubernetes' CompactRules). */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple = !r.resourceNames?.length && !r.nonResourceURLs?.length && r.apiGroups?.length === 1 && r.resources?.length === 1;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups?.[0], r.resources?.[0]]);
    const known = simple.get(key);
    if (known) known.verbs.push(...r.verbs);
    else simple.set(key, { apiGroups: [...(r.apiGroups ?? [])], resources: [...(r.resources ?? [])], verbs: [...r.verbs] });
  }
  return [...out, ...simple.values()];
}

/** Go's %q of a []string: `["a" "b"]`. */
const goQuotedList = (xs: readonly string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(" ")}]`;

/** `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`, the form escalation errors list rules in. */
export function compactRuleString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuotedList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuotedList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuotedList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuotedList(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${goQuotedList(r.verbs)}`);
  return `{${parts.join(", ")}}`;
}

/**
 * Kubernetes' ConfirmNoEscalation: undefined when `held` covers `requested`, else the message:
 * `user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not
 * currently held:` and one compacted rule per line, sorted, then any resolution errors (roles
 * of the writer that could not be read, which may be why something is missing).
 */
export function confirmNoEscalation(user: UserInfo, held: readonly PolicyRule[], requested: readonly PolicyRule[], resolutionErrors: readonly string[] = []): string | undefined {
  const missing = uncoveredRules(held, requested);
  if (missing.length === 0) return undefined;
  const lines = [...new Set(compactRules(missing).map(compactRuleString))].sort();
  let msg = `user ${JSON.stringify(user.name)} (groups=${goQuotedList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join("\n")}`;
  if (resolutionErrors.length > 0) msg += `; resolution errors: [${aggregateErrors(resolutionErrors)}]`;
  return msg;
}

/** Members of system:masters may write any role or binding (Kubernetes' EscalationAllowed). */
export function isPrivileged(user: UserInfo): boolean {
  return user.groups.includes(MASTERS_GROUP);
}

/**
 * The check that lets a writer create roles granting more than it holds: `escalate` on the role
 * resource. Kubernetes takes the name from the request path, so a create (a POST to the
 * collection) has none and a rule limited by resourceNames never lets it escalate.
 */
export function escalateAttributes(user: UserInfo, target: { resource: "roles" | "clusterroles"; namespace: string; name: string; create?: boolean }): AuthorizationAttributes {
  const name = target.create ? "" : target.name;
  return resourceAttributes(user, { verb: "escalate", apiGroup: RBAC_GROUP, resource: target.resource, namespace: target.namespace, name });
}

/** The check that lets a writer bind a role it does not hold: `bind` on that role, in the binding's namespace ("" for a ClusterRoleBinding). */
export function bindAttributes(user: UserInfo, ref: RoleRef, bindingNamespace: string): AuthorizationAttributes | undefined {
  if (ref.kind !== "ClusterRole" && ref.kind !== "Role") return undefined;
  return resourceAttributes(user, { verb: "bind", apiGroup: ref.apiGroup, resource: ref.kind === "Role" ? "roles" : "clusterroles", namespace: bindingNamespace, name: ref.name });
}

/** What the checks below read: the authorizer (for escalate and bind) and the writer's rules. */
export interface EscalationContext {
  authorizer: Authorizer;
  policyRulesFor(user: UserInfo, namespace: string): { rules: readonly PolicyRule[]; errors: readonly string[] };
  roleRefRules(ref: RoleRef, bindingNamespace: string): RoleRefRules;
}

const fullAuthority: PolicyRule[] = [
  { verbs: [ALL], apiGroups: [ALL], resources: [ALL] },
  { verbs: [ALL], nonResourceURLs: [ALL] },
];

/**
 * May `user` create or update this Role or ClusterRole? undefined when it may, else the 403.
 * `aggregation` is true when the new object, or for an update the old one, has an
 * aggregationRule with selectors; `create` is true for a create (see escalateAttributes).
 * Kubernetes does not check updates that only touch the fields the garbage collector writes
 * (finalizers, ownerReferences); svcnet's caller (AccessControl.rbacWriteCheck) checks every
 * update, so such an update is refused to a writer who could not write the rules themselves.
 */
export function checkRoleWrite(
  ctx: EscalationContext,
  user: UserInfo,
  target: { resource: "roles" | "clusterroles"; namespace: string; name: string; rules: readonly PolicyRule[]; aggregation?: boolean; create?: boolean },
): ApiError | undefined {
  if (isPrivileged(user) || ctx.authorizer.authorize(escalateAttributes(user, target)).decision === "allow") return undefined;
  const gr = { group: RBAC_GROUP, resource: target.resource };
  const held = ctx.policyRulesFor(user, target.namespace);
  const refused = confirmNoEscalation(user, held.rules, target.rules, held.errors);
  if (refused) return ApiError.forbidden(gr, target.name, refused);
  if (target.aggregation && confirmNoEscalation(user, held.rules, fullAuthority)) {
    return ApiError.forbidden(gr, target.name, "must have cluster-admin privileges to use the aggregationRule");
  }
  return undefined;
}

/**
 * May `user` create or update this RoleBinding or ClusterRoleBinding? undefined when it may,
 * else the error: 403 when the role grants more than the writer holds, 404 when the role does
 * not exist (Kubernetes reads it from storage and passes the NotFound on).
 */
export function checkBindingWrite(
  ctx: EscalationContext,
  user: UserInfo,
  target: { resource: "rolebindings" | "clusterrolebindings"; namespace: string; name: string; roleRef: RoleRef },
): ApiError | undefined {
  if (isPrivileged(user)) return undefined;
  const bind = bindAttributes(user, target.roleRef, target.namespace);
  if (bind && ctx.authorizer.authorize(bind).decision === "allow") return undefined;
  const granted = ctx.roleRefRules(target.roleRef, target.namespace);
  if (!granted.ok) {
    if (granted.notFound) return ApiError.notFound({ group: RBAC_GROUP, resource: granted.notFound.resource }, granted.notFound.name);
    return ApiError.internal(new Error(granted.error));
  }
  const held = ctx.policyRulesFor(user, target.namespace);
  const refused = confirmNoEscalation(user, held.rules, granted.rules, held.errors);
  return refused ? ApiError.forbidden({ group: RBAC_GROUP, resource: target.resource }, target.name, refused) : undefined;
}
