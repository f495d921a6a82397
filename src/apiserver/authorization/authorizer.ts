// What an authorizer answers and what a rule resolver lists, as Kubernetes' authorizer.Authorizer
// and authorizer.RuleResolver define them. RBAC is one implementation; a union of authorizers
// (a superuser group first, then RBAC) is another the API server may build from the same shape.

import type { NonResourceRule, ResourceRule } from "../../api/rbac-types.js";
import type { UserInfo } from "../user-info.js";
import type { AuthorizationAttributes } from "./attributes.js";

/**
 * "allow" lets the request through; "deny" refuses it outright; "no-opinion" leaves the decision
 * to the next authorizer (and, when none allows, the request is refused). RBAC never denies.
 */
export type Decision = "allow" | "deny" | "no-opinion";

export interface AuthorizationResult {
  decision: Decision;
  /** Why, in Kubernetes' words (`RBAC: allowed by …`); "" when there is nothing to say. */
  reason: string;
  /** A failure while evaluating (Kubernetes' third return value); RBAC puts its errors in reason. */
  evaluationError?: string;
}

/** Decides one request. Synchronous: every input is in memory. */
export interface Authorizer {
  authorize(attrs: AuthorizationAttributes): AuthorizationResult;
}

/** What a user may do in a namespace, as a SelfSubjectRulesReview reports it. */
export interface SubjectRules {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  /** True when the list may be missing rules this resolver cannot enumerate. */
  incomplete: boolean;
  /** Roles that could not be resolved, in Kubernetes' aggregate wording; absent when none. */
  evaluationError?: string;
}

/** Lists a user's rules in a namespace ("" = cluster-wide rules only). */
export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): SubjectRules;
}
