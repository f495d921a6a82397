// rbac.authorization.k8s.io/v1 and authorization.k8s.io/v1 as svcnet serves them: who may do
// what (Roles, ClusterRoles and their bindings) and the review objects `kubectl auth can-i`
// sends. Data only; the evaluation lives in src/apiserver/authorization/.

import type { KubeObject, MetaLabelSelector } from "./types.js";

export const RBAC_GROUP = "rbac.authorization.k8s.io";
export const AUTHORIZATION_GROUP = "authorization.k8s.io";

/**
 * One grant. A resource rule names verbs, API groups and resources (optionally resource names);
 * a non-resource rule (ClusterRoles only) names verbs and URL paths. "*" matches everything in
 * its list.
 */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  /** Plural names, "resource/subresource", "*" or "*\/subresource". */
  resources?: string[];
  resourceNames?: string[];
  /** Paths such as "/healthz" or "/api/*" (a trailing "*" is a prefix match). */
  nonResourceURLs?: string[];
}

export interface AggregationRule {
  clusterRoleSelectors?: MetaLabelSelector[];
}

export interface Role extends KubeObject {
  rules?: PolicyRule[];
}

export interface ClusterRole extends KubeObject {
  rules?: PolicyRule[];
  /** The rules are those of every ClusterRole one of these selectors matches. */
  aggregationRule?: AggregationRule;
}

export type SubjectKind = "User" | "Group" | "ServiceAccount";

export interface Subject {
  kind: SubjectKind | string;
  name: string;
  /** Required for ServiceAccount subjects; empty for users and groups. */
  namespace?: string;
  /** "rbac.authorization.k8s.io" for users and groups, "" for service accounts. */
  apiGroup?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: "Role" | "ClusterRole" | string;
  name: string;
}

export interface RoleBinding extends KubeObject {
  subjects?: Subject[];
  roleRef: RoleRef;
}

export interface ClusterRoleBinding extends KubeObject {
  subjects?: Subject[];
  roleRef: RoleRef;
}

/** What an access review asks about: a resource request or a non-resource path. */
export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

export interface SubjectAccessReviewStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** authorization.k8s.io/v1 SelfSubjectAccessReview: may I do this? (`kubectl auth can-i`). */
export interface SelfSubjectAccessReview extends KubeObject {
  spec: { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: NonResourceAttributes };
  status?: SubjectAccessReviewStatus;
}

/** authorization.k8s.io/v1 SubjectAccessReview: may this user do this? */
export interface SubjectAccessReview extends KubeObject {
  spec: {
    resourceAttributes?: ResourceAttributes;
    nonResourceAttributes?: NonResourceAttributes;
    user?: string;
    groups?: string[];
    uid?: string;
    extra?: Record<string, string[]>;
  };
  status?: SubjectAccessReviewStatus;
}

export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

/** authorization.k8s.io/v1 SelfSubjectRulesReview: what may I do in this namespace? (`kubectl auth can-i --list`). */
export interface SelfSubjectRulesReview extends KubeObject {
  spec: { namespace?: string };
  status?: { resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[]; incomplete: boolean; evaluationError?: string };
}
