// Grants the default policy once made and no longer makes. The start-up reconcile
// (policy-reconcile.ts) only adds, as Kubernetes' does, so a cluster created before a grant was
// narrowed would keep the old, broader one for ever. This step removes exactly the retired pieces
// — a subject from a binding, a rule from a role — from default objects that still say
// rbac.authorization.kubernetes.io/autoupdate=true, and nothing else: what an administrator added
// stays, and an object set to autoupdate=false (or stripped of the annotation) is theirs.
//
// Retired so far:
// - The join token's group (JOIN_TOKEN_GROUP) as a node: before TLS bootstrap a joined machine
//   kept working with its token, so the group was bound to system:node, system:node-proxier,
//   svcnet:loadbalancer-speaker and the node's Lease Roles. A joined machine now has its own
//   certificate, and the token may only ask for one.
// - system:kube-controller-manager's broad rules, from when every controller wrote through that
//   identity: each controller now writes as its own service account.

import { deepCopy } from "../../api/json.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from "../../api/rbac-types.js";
import { RBAC_GROUP } from "../../api/rbac-types.js";
import type { BootstrapPolicy } from "./bootstrap-policy.js";
import { AUTOUPDATE_ANNOTATION, JOIN_TOKEN_GROUP } from "./bootstrap-policy.js";
import { sameSubject, type AnyBinding, type AnyRole } from "./policy-reconcile.js";

/** Subjects a default binding no longer has, by the binding's kind, namespace and name. */
export interface RetiredSubjects {
  kind: "ClusterRoleBinding" | "RoleBinding";
  namespace?: string;
  name: string;
  subjects: Subject[];
}

/** Rules a default role no longer has. */
export interface RetiredRules {
  kind: "ClusterRole" | "Role";
  namespace?: string;
  name: string;
  rules: PolicyRule[];
}

export interface RetiredGrants {
  subjects: RetiredSubjects[];
  rules: RetiredRules[];
}

const joinTokenGroup: Subject = { kind: "Group", apiGroup: RBAC_GROUP, name: JOIN_TOKEN_GROUP };

/** Everything the default policy has retired (see the file comment). */
export const retiredGrants: RetiredGrants = {
  subjects: [
    { kind: "ClusterRoleBinding", name: "system:node", subjects: [joinTokenGroup] },
    { kind: "ClusterRoleBinding", name: "system:node-proxier", subjects: [joinTokenGroup] },
    { kind: "ClusterRoleBinding", name: "svcnet:loadbalancer-speaker", subjects: [joinTokenGroup] },
    { kind: "RoleBinding", namespace: "kube-node-lease", name: "svcnet:node-lease", subjects: [joinTokenGroup] },
    { kind: "RoleBinding", namespace: "kube-system", name: "svcnet:loadbalancer-speaker", subjects: [joinTokenGroup] },
  ],
  rules: [
    {
      kind: "ClusterRole",
      name: "system:kube-controller-manager",
      rules: [
        { verbs: ["*"], apiGroups: ["", "apps", "discovery.k8s.io", "coordination.k8s.io", "metallb.io"], resources: ["*"] },
        { verbs: ["get", "list", "watch"], apiGroups: ["*"], resources: ["*"] },
        { verbs: ["delete", "deletecollection"], apiGroups: [RBAC_GROUP], resources: ["roles", "rolebindings"] },
      ],
    },
  ],
};

/** One object to write back without its retired pieces, and a line per piece removed. */
export type RetireAction =
  | { kind: "ClusterRole"; object: ClusterRole; lines: string[] }
  | { kind: "Role"; object: Role; lines: string[] }
  | { kind: "ClusterRoleBinding"; object: ClusterRoleBinding; lines: string[] }
  | { kind: "RoleBinding"; object: RoleBinding; lines: string[] };

const autoUpdated = (o: AnyRole | AnyBinding): boolean => o.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === "true";

// Rules are compared as sets of each field: a rule is retired only when it grants exactly what
// the retired one granted, whatever the order its lists were written in.
const sameSet = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean => {
  const x = new Set(a ?? []);
  const y = new Set(b ?? []);
  return x.size === y.size && [...x].every((v) => y.has(v));
};

const sameRule = (a: PolicyRule, b: PolicyRule): boolean =>
  sameSet(a.verbs, b.verbs) &&
  sameSet(a.apiGroups, b.apiGroups) &&
  sameSet(a.resources, b.resources) &&
  sameSet(a.resourceNames, b.resourceNames) &&
  sameSet(a.nonResourceURLs, b.nonResourceURLs);

const describeSubject = (s: Subject): string => `${s.kind} ${s.namespace ? `${s.namespace}/` : ""}${s.name}`;

const describeRule = (r: PolicyRule): string =>
  r.nonResourceURLs
    ? `verbs=[${r.verbs.join(",")}] nonResourceURLs=[${r.nonResourceURLs.join(",")}]`
    : `verbs=[${r.verbs.join(",")}] apiGroups=[${(r.apiGroups ?? []).map((g) => g || '""').join(",")}] resources=[${(r.resources ?? []).join(",")}]${r.resourceNames ? ` resourceNames=[${r.resourceNames.join(",")}]` : ""}`;

const objectName = (kind: string, o: AnyRole | AnyBinding): string => `${kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name ?? ""}`;

const matches = (o: AnyRole | AnyBinding, r: { namespace?: string; name: string }): boolean =>
  o.metadata.name === r.name && (o.metadata.namespace ?? "") === (r.namespace ?? "");

/** `binding` without `retired`'s subjects; undefined when it has none of them or is not to be updated. */
export function retireSubjects<T extends AnyBinding>(binding: T, retired: RetiredSubjects): { object: T; lines: string[] } | undefined {
  if (!autoUpdated(binding) || !matches(binding, retired)) return undefined;
  const subjects = binding.subjects ?? [];
  const removed = subjects.filter((s) => retired.subjects.some((r) => sameSubject(s, r)));
  if (removed.length === 0) return undefined;
  const object = deepCopy(binding);
  object.subjects = subjects.filter((s) => !removed.includes(s));
  const lines = removed.map((s) => `RBAC: removed the retired subject ${describeSubject(s)} from ${objectName(retired.kind, binding)}`);
  return { object, lines };
}

/** `role` without `retired`'s rules; undefined when it has none of them or is not to be updated. */
export function retireRules<T extends AnyRole>(role: T, retired: RetiredRules): { object: T; lines: string[] } | undefined {
  if (!autoUpdated(role) || !matches(role, retired)) return undefined;
  const rules = role.rules ?? [];
  const removed = rules.filter((x) => retired.rules.some((r) => sameRule(x, r)));
  if (removed.length === 0) return undefined;
  const object = deepCopy(role);
  object.rules = rules.filter((x) => !removed.includes(x));
  const lines = removed.map((x) => `RBAC: removed the retired rule ${describeRule(x)} from ${objectName(retired.kind, role)}`);
  return { object, lines };
}

/**
 * The objects of `existing` to write back without the retired grants, in the order of `retired`
 * (each object is named at most once there).
 */
export function retirePolicy(existing: BootstrapPolicy, retired: RetiredGrants = retiredGrants): RetireAction[] {
  const out: RetireAction[] = [];
  for (const r of retired.rules) {
    if (r.kind === "ClusterRole") {
      for (const o of existing.clusterRoles) {
        const a = retireRules(o, r);
        if (a) out.push({ kind: "ClusterRole", ...a });
      }
    } else {
      for (const o of existing.roles) {
        const a = retireRules(o, r);
        if (a) out.push({ kind: "Role", ...a });
      }
    }
  }
  for (const r of retired.subjects) {
    if (r.kind === "ClusterRoleBinding") {
      for (const o of existing.clusterRoleBindings) {
        const a = retireSubjects(o, r);
        if (a) out.push({ kind: "ClusterRoleBinding", ...a });
      }
    } else {
      for (const o of existing.roleBindings) {
        const a = retireSubjects(o, r);
        if (a) out.push({ kind: "RoleBinding", ...a });
      }
    }
  }
  return out;
}
