// authorization.k8s.io/v1 access review validation (Kubernetes 1.32
// pkg/apis/authorization/validation): a review asks about exactly one of a resource or a
// non-resource request; a SubjectAccessReview names a user or a group; a review's metadata is
// empty (a LocalSubjectAccessReview's but for its namespace, which resourceAttributes must
// repeat). SelfSubjectRulesReviews have no rules here (the server answers a missing namespace
// with 400 instead).

import { fieldErrors, path, type FieldError } from "../field-errors.js";
import type { KubeObject, ObjectMeta } from "../types.js";
import { goStringMap, invalidRendered } from "./go-render.js";
import { list, rec, str } from "./read.js";

/** True when the value is what Go's semantic equality takes for zero: absent, "", 0, false, null, or an empty map or list. */
function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === "" || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === "object") return Object.keys(v).length === 0;
  return false;
}

const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/**
 * Go's %#v of a metav1.Time: time.Date(…). kube-apiserver decodes timestamps into its local
 * zone, which Go prints as time.Local (the fields here are those of a server running in UTC);
 * the zero time is UTC.
 */
function goTime(value: unknown): string {
  const ms = typeof value === "string" ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) return "time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)";
  const d = new Date(ms);
  return `time.Date(${d.getUTCFullYear()}, time.${months[d.getUTCMonth()]}, ${d.getUTCDate()}, ${d.getUTCHours()}, ${d.getUTCMinutes()}, ${d.getUTCSeconds()}, 0, time.Local)`;
}

/** A Go pointer in %#v: nil, or an address Go would print (which we cannot reproduce, so a fixed one). */
function goPointer(type: string, value: unknown): string {
  return value === undefined || value === null ? `(${type})(nil)` : `(${type})(0xc000000000)`;
}

function goStrings(v: unknown): string {
  const xs = list(v).map(str);
  return xs.length ? `[]string{${xs.map((x) => JSON.stringify(x)).join(", ")}}` : "[]string(nil)";
}

function goOwnerReferences(v: unknown): string {
  const refs = list(v).map(rec);
  if (!refs.length) return "[]v1.OwnerReference(nil)";
  const one = (r: Record<string, unknown>): string =>
    `v1.OwnerReference{APIVersion:${JSON.stringify(str(r.apiVersion))}, Kind:${JSON.stringify(str(r.kind))}, Name:${JSON.stringify(str(r.name))}, ` +
    `UID:${JSON.stringify(str(r.uid))}, Controller:${goPointer("*bool", r.controller)}, BlockOwnerDeletion:${goPointer("*bool", r.blockOwnerDeletion)}}`;
  return `[]v1.OwnerReference{${refs.map(one).join(", ")}}`;
}

/**
 * Go's %#v of a v1.ObjectMeta, as the "must be empty" messages print it. Managed fields are
 * always shown as nil: kube-apiserver's own entry carries the request's time, which no client
 * can predict anyway.
 */
export function goObjectMeta(meta: ObjectMeta | undefined): string {
  const m = meta ?? {};
  const q = (v: unknown): string => JSON.stringify(str(v));
  const labels = rec(m.labels);
  const annotations = rec(m.annotations);
  return (
    `v1.ObjectMeta{Name:${q(m.name)}, GenerateName:${q(m.generateName)}, Namespace:${q(m.namespace)}, SelfLink:${q(m.selfLink)}, ` +
    `UID:${q(m.uid)}, ResourceVersion:${q(m.resourceVersion)}, Generation:${typeof m.generation === "number" ? m.generation : 0}, ` +
    `CreationTimestamp:${goTime(m.creationTimestamp)}, DeletionTimestamp:${m.deletionTimestamp ? goTime(m.deletionTimestamp) : "<nil>"}, ` +
    `DeletionGracePeriodSeconds:${goPointer("*int64", m.deletionGracePeriodSeconds)}, ` +
    `Labels:${goStringMap(Object.keys(labels).length ? (labels as Record<string, string>) : null)}, ` +
    `Annotations:${goStringMap(Object.keys(annotations).length ? (annotations as Record<string, string>) : null)}, ` +
    `OwnerReferences:${goOwnerReferences(m.ownerReferences)}, Finalizers:${goStrings(m.finalizers)}, ManagedFields:[]v1.ManagedFieldsEntry(nil)}`
  );
}

/** Go's %#v of the internal authorization.NonResourceAttributes. */
function goNonResourceAttributes(v: unknown): string {
  const a = rec(v);
  return `authorization.NonResourceAttributes{Path:${JSON.stringify(str(a.path))}, Verb:${JSON.stringify(str(a.verb))}}`;
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** Exactly one of resourceAttributes and nonResourceAttributes; both reported as Kubernetes words it. */
function validateAttributes(specValue: unknown): FieldError[] {
  const spec = rec(specValue);
  const p = path("spec");
  const errs: FieldError[] = [];
  const resource = present(spec.resourceAttributes);
  const nonResource = present(spec.nonResourceAttributes);
  if (resource && nonResource) {
    errs.push(invalidRendered(p.child("nonResourceAttributes"), goNonResourceAttributes(spec.nonResourceAttributes), "cannot be specified in combination with resourceAttributes"));
  }
  // Kubernetes shows the (nil) nonResourceAttributes here, which prints as the string "null".
  if (!resource && !nonResource) errs.push(fieldErrors.invalid(p.child("resourceAttributes"), "null", "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
  return errs;
}

function validateSubject(specValue: unknown): FieldError[] {
  const spec = rec(specValue);
  if (str(spec.user) || list(spec.groups).length) return [];
  return [fieldErrors.invalid(path("spec", "user"), str(spec.user), "at least one of user or group must be specified")];
}

/** Metadata must be empty; managed fields (and, where `allowNamespace`, the namespace) do not count. */
function validateEmptyMeta(meta: ObjectMeta | undefined, allowNamespace: boolean): FieldError[] {
  const ignored = new Set(["managedFields", ...(allowNamespace ? ["namespace"] : [])]);
  const empty = Object.entries(rec(meta)).every(([k, v]) => ignored.has(k) || isZero(v));
  if (empty) return [];
  return [invalidRendered(path("metadata"), goObjectMeta(meta), allowNamespace ? "must be empty except for namespace" : "must be empty")];
}

/** A SelfSubjectAccessReview: one kind of attributes, empty metadata. */
export function validateSelfSubjectAccessReview(review: KubeObject): FieldError[] {
  return [...validateAttributes(review.spec), ...validateEmptyMeta(review.metadata, false)];
}

/** A SubjectAccessReview: one kind of attributes, a user or group, empty metadata. */
export function validateSubjectAccessReview(review: KubeObject): FieldError[] {
  return [...validateAttributes(review.spec), ...validateSubject(review.spec), ...validateEmptyMeta(review.metadata, false)];
}

/**
 * A LocalSubjectAccessReview: as a SubjectAccessReview, but metadata may carry the namespace,
 * resource attributes must name that namespace, and non-resource attributes are not allowed.
 */
export function validateLocalSubjectAccessReview(review: KubeObject): FieldError[] {
  const errs = [...validateAttributes(review.spec), ...validateSubject(review.spec), ...validateEmptyMeta(review.metadata, true)];
  const spec = rec(review.spec);
  if (present(spec.resourceAttributes)) {
    const ns = str(rec(spec.resourceAttributes).namespace);
    if (ns !== str(review.metadata?.namespace)) errs.push(fieldErrors.invalid(path("spec", "resourceAttributes", "namespace"), ns, "must match metadata.namespace"));
  }
  if (present(spec.nonResourceAttributes)) {
    errs.push(invalidRendered(path("spec", "nonResourceAttributes"), goNonResourceAttributes(spec.nonResourceAttributes), "disallowed on this kind of request"));
  }
  return errs;
}

/** The rules of a review kind by its Kind; [] for kinds without any (SelfSubjectRulesReview, SelfSubjectReview). */
export function validateAccessReview(kind: string, review: KubeObject): FieldError[] {
  switch (kind) {
    case "SelfSubjectAccessReview":
      return validateSelfSubjectAccessReview(review);
    case "SubjectAccessReview":
      return validateSubjectAccessReview(review);
    case "LocalSubjectAccessReview":
      return validateLocalSubjectAccessReview(review);
    default:
      return [];
  }
}
