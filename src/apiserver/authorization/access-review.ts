// The authorization.k8s.io reviews: "may I?" (SelfSubjectAccessReview, what `kubectl auth can-i`
// sends), "may this user?" (SubjectAccessReview, and LocalSubjectAccessReview inside one
// namespace), and "what may I?" (SelfSubjectRulesReview, `kubectl auth can-i --list`). Each is
// computed from an authorizer and the review's spec and answered with the review plus its
// status; nothing is stored. The review handler (review-handler.ts) has settled the object's
// namespace and validated the review (api/validation/access-review.ts) before these run.

import type { NonResourceAttributes, ResourceAttributes, SelfSubjectAccessReview, SelfSubjectRulesReview, SubjectAccessReview, SubjectAccessReviewStatus } from "../../api/rbac-types.js";
import { AUTHORIZATION_GROUP } from "../../api/rbac-types.js";
import type { UserInfo } from "../user-info.js";
import type { AuthorizationAttributes } from "./attributes.js";
import { nonResourceAttributes, resourceAttributes } from "./attributes.js";
import type { Authorizer, RuleResolver } from "./authorizer.js";

const API_VERSION = `${AUTHORIZATION_GROUP}/v1`;

type ReviewSpec = { resourceAttributes?: ResourceAttributes | null; nonResourceAttributes?: NonResourceAttributes | null };

/** The attributes a review spec asks about (Kubernetes' ResourceAttributesFrom / NonResourceAttributesFrom). */
export function reviewAttributes(user: UserInfo, spec: ReviewSpec): AuthorizationAttributes {
  const r = spec.resourceAttributes;
  if (r) {
    return resourceAttributes(user, {
      verb: r.verb ?? "",
      namespace: r.namespace ?? "",
      apiGroup: r.group ?? "",
      // A review that names no version asks about every version.
      apiVersion: r.version || "*",
      resource: r.resource ?? "",
      subresource: r.subresource ?? "",
      name: r.name ?? "",
    });
  }
  const n = spec.nonResourceAttributes ?? {};
  return nonResourceAttributes(user, n.verb ?? "", n.path ?? "");
}

function statusOf(authz: Authorizer, attrs: AuthorizationAttributes): SubjectAccessReviewStatus {
  const got = authz.authorize(attrs);
  return {
    allowed: got.decision === "allow",
    ...(got.decision === "deny" ? { denied: true } : {}),
    ...(got.reason ? { reason: got.reason } : {}),
    ...(got.evaluationError ? { evaluationError: got.evaluationError } : {}),
  };
}

/** `kubectl auth can-i`: may the requester (possibly impersonated) do this? */
export function selfSubjectAccessReview(authz: Authorizer, user: UserInfo, review: SelfSubjectAccessReview): SelfSubjectAccessReview {
  const spec = review.spec ?? {};
  return { ...review, apiVersion: API_VERSION, kind: "SelfSubjectAccessReview", metadata: review.metadata ?? {}, spec, status: statusOf(authz, reviewAttributes(user, spec)) };
}

type SarSpec = SubjectAccessReview["spec"];

function subjectOf(spec: SarSpec): UserInfo {
  return { name: spec.user ?? "", groups: spec.groups ?? [], ...(spec.uid ? { uid: spec.uid } : {}), ...(spec.extra ? { extra: spec.extra } : {}) };
}

/** May the user of the spec (with the groups the spec says) do this? */
export function subjectAccessReview(authz: Authorizer, review: SubjectAccessReview): SubjectAccessReview {
  const spec = review.spec ?? {};
  return { ...review, apiVersion: API_VERSION, kind: "SubjectAccessReview", metadata: review.metadata ?? {}, spec, status: statusOf(authz, reviewAttributes(subjectOf(spec), spec)) };
}

/**
 * A SubjectAccessReview posted to /apis/authorization.k8s.io/v1/namespaces/<ns>/localsubjectaccessreviews:
 * resource attributes only, in that namespace, which the handler has already given the object.
 */
export function localSubjectAccessReview(authz: Authorizer, review: SubjectAccessReview): SubjectAccessReview {
  const spec = review.spec ?? {};
  return { ...review, apiVersion: API_VERSION, kind: "LocalSubjectAccessReview", metadata: review.metadata ?? {}, spec, status: statusOf(authz, reviewAttributes(subjectOf(spec), spec)) };
}

/** `kubectl auth can-i --list`: the requester's rules in spec.namespace (the handler refuses a review without one). */
export function selfSubjectRulesReview(resolver: RuleResolver, user: UserInfo, review: SelfSubjectRulesReview): SelfSubjectRulesReview {
  const rules = resolver.rulesFor(user, review.spec?.namespace ?? "");
  // Kubernetes answers with a new object: its status, and an empty spec.
  return { apiVersion: API_VERSION, kind: "SelfSubjectRulesReview", metadata: {}, spec: {}, status: rules };
}
