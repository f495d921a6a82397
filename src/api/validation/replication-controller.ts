// ReplicationController validation in Kubernetes 1.32 wording: a non-empty selector that
// matches the template's labels, non-negative counts, a valid template whose pods restart
// Always, and status counters that add up.

import { fieldErrors, path, type FieldError, type FieldPath } from "../field-errors.js";
import type { ReplicationController } from "../types.js";
import { validateNonnegative } from "./common.js";
import { goStringMap, invalidRendered } from "./go-render.js";
import { mapSelectorMatches } from "./label-selector.js";
import { nameIsDNSSubdomain } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { validatePodTemplateSpec } from "./pod-spec.js";
import { num, rec, str, strMap } from "./read.js";

/**
 * A template governed by a selector (RC, ReplicaSet, Deployment): labels must match, the pod
 * spec must be valid, restartPolicy must be Always and activeDeadlineSeconds unset.
 */
export function validateTemplateForController(template: unknown, matches: (labels: Record<string, string>) => boolean, selectorEmpty: boolean, p: FieldPath, owner: string): FieldError[] {
  if (template === undefined || template === null) return [fieldErrors.required(p)];
  const t = rec(template);
  const labels = strMap(rec(t.metadata).labels);
  const errs: FieldError[] = [];
  if (!selectorEmpty && !matches(labels)) {
    const raw = rec(t.metadata).labels;
    errs.push(invalidRendered(p.child("metadata", "labels"), raw === undefined || raw === null ? goStringMap(null) : goStringMap(labels), "`selector` does not match template `labels`"));
  }
  errs.push(...validatePodTemplateSpec(t, p));
  const spec = rec(t.spec);
  const restart = str(spec.restartPolicy);
  if (restart && restart !== "Always") errs.push(fieldErrors.notSupported(p.child("spec", "restartPolicy"), restart, ["Always"]));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.push(
      owner === "ReplicationController"
        ? fieldErrors.forbidden(p.child("spec", "activeDeadlineSeconds"), "activeDeadlineSeconds in ReplicationController is not Supported")
        : fieldErrors.invalid(p.child("spec", "activeDeadlineSeconds"), num(spec.activeDeadlineSeconds), "activeDeadlineSeconds in ReplicaSet is not Supported"),
    );
  }
  return errs;
}

function validateSpec(specValue: unknown): FieldError[] {
  const spec = rec(specValue);
  const p = path("spec");
  const selector = strMap(spec.selector);
  const errs = validateNonnegative(num(spec.minReadySeconds), p.child("minReadySeconds"));
  if (Object.keys(selector).length === 0) errs.push(fieldErrors.required(p.child("selector")));
  errs.push(...validateNonnegative(num(spec.replicas), p.child("replicas")));
  errs.push(
    ...validateTemplateForController(spec.template, (labels) => mapSelectorMatches(selector, labels), Object.keys(selector).length === 0, p.child("template"), "ReplicationController"),
  );
  return errs;
}

/** An RC being created (expects a defaulted RC). */
export function validateReplicationController(rc: ReplicationController): FieldError[] {
  return [...validateObjectMeta(rc.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }), ...validateSpec(rc.spec)];
}

/** An RC update: metadata rules plus the full spec validation (RC selectors may change). */
export function validateReplicationControllerUpdate(rc: ReplicationController, old: ReplicationController): FieldError[] {
  return [...validateObjectMetaUpdate(rc.metadata, old.metadata), ...validateSpec(rc.spec)];
}

/**
 * Replica counters of an RC/ReplicaSet/Deployment status: non-negative, none above
 * status.replicas, available not above ready.
 */
export function validateReplicaStatus(statusValue: unknown, p: FieldPath = path("status")): FieldError[] {
  const st = rec(statusValue);
  const errs: FieldError[] = [];
  for (const f of ["replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration"]) {
    errs.push(...validateNonnegative(num(st[f]), p.child(f)));
  }
  const msg = "cannot be greater than status.replicas";
  for (const f of ["fullyLabeledReplicas", "readyReplicas", "availableReplicas"]) {
    if (num(st[f]) > num(st.replicas)) errs.push(fieldErrors.invalid(p.child(f), num(st[f]), msg));
  }
  if (num(st.availableReplicas) > num(st.readyReplicas)) {
    errs.push(fieldErrors.invalid(p.child("availableReplicas"), num(st.availableReplicas), "cannot be greater than readyReplicas"));
  }
  return errs;
}

/** An RC /status write. */
export function validateReplicationControllerStatusUpdate(rc: ReplicationController, old: ReplicationController): FieldError[] {
  return [...validateObjectMetaUpdate(rc.metadata, old.metadata), ...validateReplicaStatus(rc.status)];
}
