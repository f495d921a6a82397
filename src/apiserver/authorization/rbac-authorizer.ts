// Kubernetes' RBAC authorizer (plugin/pkg/auth/authorizer/rbac): a request is allowed when a rule
// of a role bound to the user allows it. ClusterRoleBindings grant their ClusterRole everywhere;
// a RoleBinding grants its Role, or a ClusterRole, inside the binding's namespace only. A binding
// whose role is missing is skipped and named in the reason (`RBAC: clusterrole.rbac.authorization.k8s.io
// "x" not found`), since rules only ever add permissions and the rest can still decide.
//
// Cost per request: one index lookup per user name and group, then the bindings found (those
// naming this user, its groups or its service account; never the others) and their roles' rules,
// stopping at the first rule that allows. Aggregated ClusterRoles are computed once and cached
// until any ClusterRole changes.

import { RBAC_GROUP, type ClusterRoleBinding, type NonResourceRule, type PolicyRule, type ResourceRule, type RoleBinding, type RoleRef, type Subject } from "../../api/rbac-types.js";
import type { UserInfo } from "../user-info.js";
import type { AuthorizationAttributes } from "./attributes.js";
import type { AuthorizationResult, Authorizer, RuleResolver, SubjectRules } from "./authorizer.js";
import { clusterRoleRules, isAggregated } from "./cluster-role-aggregation.js";
import type { RbacPolicySource } from "./rbac-policy-source.js";
import { subjectKey, userKeys } from "./rbac-policy-source.js";
import { ruleAllows } from "./rbac-rules.js";

/** Kubernetes' utilerrors aggregate text: one message bare, several unique ones as `[a, b]`. */
export function aggregateErrors(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0] : `[${unique.join(", ")}]`;
}

/** The rules a role reference grants, or why it grants none. */
export type RoleRefRules = { ok: true; rules: readonly PolicyRule[] } | { ok: false; error: string; notFound?: { resource: "roles" | "clusterroles"; name: string } };

/** `User "jane"`, `Group "g"`, `ServiceAccount "name/namespace"` as the reasons name subjects. */
function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === "ServiceAccount") return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

function describeBinding(b: ClusterRoleBinding | RoleBinding, subject: Subject, bindingNamespace: string): string {
  const ref = `${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)}`;
  const who = describeSubject(subject, bindingNamespace);
  const name = b.metadata.name ?? "";
  return bindingNamespace === "" ? `ClusterRoleBinding ${JSON.stringify(name)} of ${ref} to ${who}` : `RoleBinding ${JSON.stringify(`${name}/${bindingNamespace}`)} of ${ref} to ${who}`;
}

/** The first subject of the binding that is this user (Kubernetes' appliesTo); `keys` are the user's. */
function appliesTo(keys: ReadonlySet<string>, subjects: readonly Subject[] | undefined, bindingNamespace: string): Subject | undefined {
  return (subjects ?? []).find((s) => {
    const k = subjectKey(s, bindingNamespace);
    return k !== undefined && keys.has(k);
  });
}

type Visitor = (source: (() => string) | undefined, rule: PolicyRule | undefined, error: string | undefined) => boolean;

export class RbacAuthorizer implements Authorizer, RuleResolver {
  readonly #source: RbacPolicySource;
  #aggregated = new Map<string, readonly PolicyRule[]>();
  #aggregatedRevision = Number.NaN;

  constructor(source: RbacPolicySource) {
    this.#source = source;
  }

  authorize(attrs: AuthorizationAttributes): AuthorizationResult {
    let allowedBy: string | undefined;
    const errors: string[] = [];
    this.#visit(attrs.user, attrs.namespace, (source, rule, error) => {
      if (source && rule && ruleAllows(attrs, rule)) {
        allowedBy = source();
        return false;
      }
      if (error) errors.push(error);
      return true;
    });
    if (allowedBy !== undefined) return { decision: "allow", reason: `RBAC: allowed by ${allowedBy}` };
    return { decision: "no-opinion", reason: errors.length > 0 ? `RBAC: ${aggregateErrors(errors)}` : "" };
  }

  /** Every rule granted to the user in the namespace ("" = cluster-wide only), and the resolution errors. */
  policyRulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.#visit(user, namespace, (_source, rule, error) => {
      if (rule) rules.push(rule);
      if (error) errors.push(error);
      return true;
    });
    return { rules, errors };
  }

  /** For SelfSubjectRulesReview (`kubectl auth can-i --list`): rules split by kind, never incomplete. */
  rulesFor(user: UserInfo, namespace: string): SubjectRules {
    const { rules, errors } = this.policyRulesFor(user, namespace);
    const resourceRules: ResourceRule[] = [];
    const nonResourceRules: NonResourceRule[] = [];
    for (const r of rules) {
      if ((r.resources ?? []).length > 0) {
        resourceRules.push({
          verbs: [...r.verbs],
          ...(r.apiGroups?.length ? { apiGroups: [...r.apiGroups] } : {}),
          resources: [...(r.resources ?? [])],
          ...(r.resourceNames?.length ? { resourceNames: [...r.resourceNames] } : {}),
        });
      }
      if ((r.nonResourceURLs ?? []).length > 0) nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...(r.nonResourceURLs ?? [])] });
    }
    return { resourceRules, nonResourceRules, incomplete: false, ...(errors.length > 0 ? { evaluationError: aggregateErrors(errors) } : {}) };
  }

  /**
   * The rules a binding's roleRef grants (Kubernetes' GetRoleReferenceRules): a Role of the
   * binding's namespace, or a ClusterRole (aggregated if it is). Errors read as the listers'
   * NotFound errors, which is what RBAC reasons quote.
   */
  roleRefRules(ref: RoleRef, bindingNamespace: string): RoleRefRules {
    switch (ref.kind) {
      case "Role": {
        const role = this.#source.role(bindingNamespace, ref.name);
        if (!role) return { ok: false, error: `role.${RBAC_GROUP} ${JSON.stringify(ref.name)} not found`, notFound: { resource: "roles", name: ref.name } };
        return { ok: true, rules: role.rules ?? [] };
      }
      case "ClusterRole": {
        const rules = this.#clusterRoleRules(ref.name);
        if (!rules) return { ok: false, error: `clusterrole.${RBAC_GROUP} ${JSON.stringify(ref.name)} not found`, notFound: { resource: "clusterroles", name: ref.name } };
        return { ok: true, rules };
      }
      default:
        return { ok: false, error: `unsupported role reference kind: ${JSON.stringify(ref.kind)}` };
    }
  }

  #clusterRoleRules(name: string): readonly PolicyRule[] | undefined {
    const role = this.#source.clusterRole(name);
    if (!role) return undefined;
    if (!isAggregated(role)) return role.rules ?? [];
    const revision = this.#source.clusterRolesRevision();
    if (revision !== this.#aggregatedRevision) {
      this.#aggregated = new Map();
      this.#aggregatedRevision = revision;
    }
    let rules = this.#aggregated.get(name);
    if (!rules) this.#aggregated.set(name, (rules = clusterRoleRules(role, this.#source.clusterRoles())));
    return rules;
  }

  /** Kubernetes' VisitRulesFor: ClusterRoleBindings first, then the namespace's RoleBindings; stops when the visitor returns false. */
  #visit(user: UserInfo, namespace: string, visitor: Visitor): void {
    const keys = new Set(userKeys(user));
    const scopes: [string, readonly (ClusterRoleBinding | RoleBinding)[]][] = [["", this.#source.clusterRoleBindingsFor(user)]];
    if (namespace !== "") scopes.push([namespace, this.#source.roleBindingsFor(namespace, user)]);
    for (const [ns, bindings] of scopes) {
      for (const b of bindings) {
        const subject = appliesTo(keys, b.subjects, ns);
        if (!subject) continue;
        const got = this.roleRefRules(b.roleRef, ns);
        if (!got.ok) {
          if (!visitor(undefined, undefined, got.error)) return;
          continue;
        }
        const source = (): string => describeBinding(b, subject, ns);
        for (const rule of got.rules) if (!visitor(source, rule, undefined)) return;
      }
    }
  }
}
