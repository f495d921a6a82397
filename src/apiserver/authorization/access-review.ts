// The authorization.k8s.io reviews: "may I?" (SelfSubjectAccessReview, what `kubectl auth can-i`
// sends), "may this user?" (SubjectAccessReview, and LocalSubjectAccessReview inside one
// namespace), and "what may I?" (SelfSubjectRulesReview, `kubectl auth can-i --list`). Each is
// computed from an authorizer and the review's spec and answered with the review plus its
// status; nothing is stored. Specs are validated with Kubernetes' messages
// (pkg/apis/authorization/validation); a failure throws the 422 or 400 ApiError.

import { ApiError } from "../../api/errors.js";
import type { FieldError } from "../../api/field-errors.js";
import { fieldErrors } from "../../api/field-errors.js";
import type { NonResourceAttributes, ResourceAttributes, SelfSubjectAccessReview, SelfSubjectRulesReview, SubjectAccessReview, SubjectAccessReviewStatus } from "../../api/rbac-types.js";
import { AUTHORIZATION_GROUP } from "../../api/rbac-types.js";
import type { ObjectMeta } from "../../api/types.js";
import { invalidRendered } from "../../api/validation/go-render.js";
import type { UserInfo } from "../user-info.js";
import type { AuthorizationAttributes } from "./attributes.js";
import { nonResourceAttributes, resourceAttributes } from "./attributes.js";
import type { Authorizer, RuleResolver } from "./authorizer.js";

const API_VERSION = `${AUTHORIZATION_GROUP}/v1`;

type ReviewSpec = { resourceAttributes?: ResourceAttributes | null; nonResourceAttributes?: NonResourceAttributes | null };

/** Go's %#v of the internal NonResourceAttributes, as the "both given" error prints it. */
function goNonResourceAttributes(a: NonResourceAttributes): string {
  return `authorization.NonResourceAttributes{Path:${JSON.stringify(a.path ?? "")}, Verb:${JSON.stringify(a.verb ?? "")}}`;
}

/** Exactly one of resourceAttributes and nonResourceAttributes (Kubernetes' messages). */
function validateAttributes(spec: ReviewSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    errs.push(invalidRendered("spec.nonResourceAttributes", goNonResourceAttributes(spec.nonResourceAttributes), "cannot be specified in combination with resourceAttributes"));
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    // Kubernetes prints the absent nonResourceAttributes pointer, which reads "null".
    errs.push(fieldErrors.invalid("spec.resourceAttributes", "null", "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
  }
  return errs;
}

function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null || v === "" || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && Object.keys(v).length === 0;
}

/**
 * Reviews carry no metadata (managedFields aside, which the server may add): Kubernetes refuses
 * any other field. It prints the whole ObjectMeta as a Go struct there; svcnet shows its JSON.
 */
function validateEmptyMetadata(meta: ObjectMeta | undefined, allowNamespace: boolean): FieldError[] {
  const m = meta ?? {};
  const set = Object.entries(m).filter(([k, v]) => k !== "managedFields" && !(allowNamespace && k === "namespace") && !isEmptyValue(v));
  if (set.length === 0) return [];
  return [fieldErrors.invalid("metadata", m, allowNamespace ? "must be empty except for namespace" : "must be empty")];
}

function throwIfInvalid(kind: string, errs: FieldError[]): void {
  if (errs.length > 0) throw ApiError.invalid(AUTHORIZATION_GROUP, kind, "", errs);
}

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
  throwIfInvalid("SelfSubjectAccessReview", [...validateAttributes(spec), ...validateEmptyMetadata(review.metadata, false)]);
  return { ...review, apiVersion: API_VERSION, kind: "SelfSubjectAccessReview", metadata: review.metadata ?? {}, spec, status: statusOf(authz, reviewAttributes(user, spec)) };
}

type SarSpec = SubjectAccessReview["spec"];

function validateSubject(spec: SarSpec): FieldError[] {
  if (spec.user || (spec.groups ?? []).length > 0) return [];
  return [fieldErrors.invalid("spec.user", spec.user ?? "", "at least one of user or group must be specified")];
}

function subjectOf(spec: SarSpec): UserInfo {
  return { name: spec.user ?? "", groups: spec.groups ?? [], ...(spec.uid ? { uid: spec.uid } : {}), ...(spec.extra ? { extra: spec.extra } : {}) };
}

/** May the user of the spec (with the groups the spec says) do this? */
export function subjectAccessReview(authz: Authorizer, review: SubjectAccessReview): SubjectAccessReview {
  const spec = review.spec ?? {};
  throwIfInvalid("SubjectAccessReview", [...validateAttributes(spec), ...validateSubject(spec), ...validateEmptyMetadata(review.metadata, false)]);
  return { ...review, apiVersion: API_VERSION, kind: "SubjectAccessReview", metadata: review.metadata ?? {}, spec, status: statusOf(authz, reviewAttributes(subjectOf(spec), spec)) };
}

/**
 * A SubjectAccessReview posted to /apis/authorization.k8s.io/v1/namespaces/<ns>/localsubjectaccessreviews:
 * resource attributes only, in that namespace. An object without a namespace takes the request's,
 * as the create handler gives any namespaced object.
 */
export function localSubjectAccessReview(authz: Authorizer, requestNamespace: string, review: SubjectAccessReview): SubjectAccessReview {
  const spec = review.spec ?? {};
  const metadata = { ...review.metadata, namespace: review.metadata?.namespace || requestNamespace };
  const errs = [...validateAttributes(spec), ...validateSubject(spec), ...validateEmptyMetadata(metadata, true)];
  if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? "") !== metadata.namespace) {
    errs.push(fieldErrors.invalid("spec.resourceAttributes.namespace", spec.resourceAttributes.namespace ?? "", "must match metadata.namespace"));
  }
  if (spec.nonResourceAttributes) errs.push(invalidRendered("spec.nonResourceAttributes", goNonResourceAttributes(spec.nonResourceAttributes), "disallowed on this kind of request"));
  throwIfInvalid("LocalSubjectAccessReview", errs);
  if (!requestNamespace) throw ApiError.badRequest("namespace is required on this type: ");
  if (requestNamespace !== metadata.namespace) throw ApiError.badRequest(`spec.resourceAttributes.namespace must match namespace: ${requestNamespace}`);
  return { ...review, apiVersion: API_VERSION, kind: "LocalSubjectAccessReview", metadata, spec, status: statusOf(authz, reviewAttributes(subjectOf(spec), spec)) };
}

/** `kubectl auth can-i --list`: the requester's rules in spec.namespace. */
export function selfSubjectRulesReview(resolver: RuleResolver, user: UserInfo, review: SelfSubjectRulesReview): SelfSubjectRulesReview {
  const namespace = review.spec?.namespace ?? "";
  if (!namespace) throw ApiError.badRequest("no namespace on request");
  const rules = resolver.rulesFor(user, namespace);
  // Kubernetes answers with a new object: its status, and an empty spec.
  return { apiVersion: API_VERSION, kind: "SelfSubjectRulesReview", metadata: {}, spec: {}, status: rules };
}
