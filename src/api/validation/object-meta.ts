// ObjectMeta checks on create and update, as k8s.io/apimachinery/pkg/api/validation does them.

import { fieldErrors, path, type FieldError, type FieldPath } from "../field-errors.js";
import type { ObjectMeta } from "../types.js";
import { validateAnnotations, validateImmutable, validateLabels, validateNonnegative, validateQualifiedName } from "./common.js";
import { invalidRendered } from "./go-render.js";
import { nameIsDNSLabel, type NameValidator } from "./names.js";
import { list, num, rec, str } from "./read.js";

export interface ObjectMetaOptions {
  /** Namespaced kinds require metadata.namespace; cluster-scoped kinds forbid it. */
  namespaced: boolean;
  /** The kind's rule for metadata.name (and generateName, with prefix=true). */
  nameValidator: NameValidator;
}

function groupVersionKind(apiVersion: string, kind: string): { group: string; version: string; kind: string } {
  const parts = apiVersion.split("/");
  if (parts.length === 1) return { group: "", version: parts[0], kind };
  if (parts.length === 2) return { group: parts[0], version: parts[1], kind };
  return { group: "", version: "", kind };
}

function goOwnerRef(r: Record<string, unknown>): string {
  const ptr = (v: unknown): string => (typeof v === "boolean" ? `(*bool)(${v})` : "(*bool)(nil)");
  return (
    `v1.OwnerReference{APIVersion:${JSON.stringify(str(r.apiVersion))}, Kind:${JSON.stringify(str(r.kind))}, ` +
    `Name:${JSON.stringify(str(r.name))}, UID:${JSON.stringify(str(r.uid))}, Controller:${ptr(r.controller)}, ` +
    `BlockOwnerDeletion:${ptr(r.blockOwnerDeletion)}}`
  );
}

/** Owner references: apiVersion/kind/name/uid present, Events never owners, one controller at most. */
export function validateOwnerReferences(refs: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = "";
  const all = list(refs).map(rec);
  for (const r of all) {
    const gvk = groupVersionKind(str(r.apiVersion), str(r.kind));
    if (!gvk.version) errs.push(fieldErrors.invalid(p.child("apiVersion"), str(r.apiVersion), "version must not be empty"));
    if (!gvk.kind) errs.push(fieldErrors.invalid(p.child("kind"), str(r.kind), "must not be empty"));
    if (!str(r.name)) errs.push(fieldErrors.invalid(p.child("name"), str(r.name), "must not be empty"));
    if (!str(r.uid)) errs.push(fieldErrors.invalid(p.child("uid"), str(r.uid), "must not be empty"));
    if (gvk.group === "" && gvk.version === "v1" && gvk.kind === "Event") {
      errs.push(invalidRendered(p, goOwnerRef(r), "/v1, Kind=Event is disallowed from being an owner"));
    }
    if (r.controller === true) {
      const name = `${str(r.kind)}/${str(r.name)}`;
      if (firstController) {
        errs.push(
          invalidRendered(
            p,
            `[]v1.OwnerReference{${all.map(goOwnerRef).join(", ")}}`,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`,
          ),
        );
      } else {
        firstController = name;
      }
    }
  }
  return errs;
}

/** Finalizer names are qualified names; orphan and foregroundDeletion exclude each other. */
export function validateFinalizers(finalizers: unknown, p: FieldPath): FieldError[] {
  const names = list(finalizers).map(str);
  const errs = names.flatMap((f) => validateQualifiedName(f, p));
  if (names.includes("orphan") && names.includes("foregroundDeletion")) {
    errs.push(fieldErrors.invalid(p, names, "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  return errs;
}

function validateManagedFields(entries: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(entries).forEach((e, i) => {
    const m = rec(e);
    const op = str(m.operation);
    if (op !== "Apply" && op !== "Update") errs.push(fieldErrors.invalid(p.index(i).child("operation"), op, "must be `Apply` or `Update`"));
    const ft = str(m.fieldsType);
    if (ft !== "FieldsV1") errs.push(fieldErrors.invalid(p.index(i).child("fieldsType"), ft, "must be `FieldsV1`"));
  });
  return errs;
}

function validateCommon(meta: ObjectMeta, namespaced: boolean, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(meta.namespace);
  if (namespaced) {
    if (!ns) errs.push(fieldErrors.required(p.child("namespace")));
    else for (const m of nameIsDNSLabel(ns, false)) errs.push(fieldErrors.invalid(p.child("namespace"), ns, m));
  } else if (ns) {
    errs.push(fieldErrors.forbidden(p.child("namespace"), "not allowed on this type"));
  }
  errs.push(...validateNonnegative(num(meta.generation), p.child("generation")));
  errs.push(...validateLabels(meta.labels, p.child("labels")));
  errs.push(...validateAnnotations(meta.annotations, p.child("annotations")));
  errs.push(...validateOwnerReferences(meta.ownerReferences, p.child("ownerReferences")));
  errs.push(...validateFinalizers(meta.finalizers, p.child("finalizers")));
  errs.push(...validateManagedFields(meta.managedFields, p.child("managedFields")));
  return errs;
}

/**
 * Metadata of an object being created. Name generation must already have happened, so an
 * empty name is `metadata.name: Required value: name or generateName is required`.
 */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: ObjectMetaOptions, p: FieldPath = path("metadata")): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  const gen = str(m.generateName);
  if (gen) for (const msg of opts.nameValidator(gen, true)) errs.push(fieldErrors.invalid(p.child("generateName"), gen, msg));
  const name = str(m.name);
  if (!name) errs.push(fieldErrors.required(p.child("name"), "name or generateName is required"));
  else for (const msg of opts.nameValidator(name, false)) errs.push(fieldErrors.invalid(p.child("name"), name, msg));
  errs.push(...validateCommon(m, opts.namespaced, p));
  return errs;
}

/**
 * Metadata of an object being updated: name, namespace, uid, creationTimestamp and deletion
 * fields are immutable, generation never goes down, no finalizers are added during deletion,
 * and labels, annotations, owners and finalizers are well formed. (resourceVersion handling is
 * the registry's: it checks and fills it around validation.)
 */
export function validateObjectMetaUpdate(meta: ObjectMeta | undefined, old: ObjectMeta | undefined, p: FieldPath = path("metadata")): FieldError[] {
  const m = meta ?? {};
  const o = old ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const before = new Set(list(o.finalizers).map(str));
    const extra = [...new Set(list(m.finalizers).map(str))].filter((f) => !before.has(f)).sort();
    if (extra.length) {
      errs.push(
        fieldErrors.forbidden(
          p.child("finalizers"),
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((x) => JSON.stringify(x)).join(", ")}}`,
        ),
      );
    }
  }
  if (num(m.generation) < num(o.generation)) errs.push(fieldErrors.invalid(p.child("generation"), num(m.generation), "must not be decremented"));
  errs.push(...validateImmutable(str(m.name), str(o.name), p.child("name")));
  errs.push(...validateImmutable(str(m.namespace), str(o.namespace), p.child("namespace")));
  errs.push(...validateImmutable(str(m.uid), str(o.uid), p.child("uid")));
  errs.push(...validateImmutable(m.creationTimestamp ?? null, o.creationTimestamp ?? null, p.child("creationTimestamp")));
  errs.push(...validateImmutable(m.deletionTimestamp ?? null, o.deletionTimestamp ?? null, p.child("deletionTimestamp")));
  errs.push(...validateImmutable(m.deletionGracePeriodSeconds ?? null, o.deletionGracePeriodSeconds ?? null, p.child("deletionGracePeriodSeconds")));
  errs.push(...validateLabels(m.labels, p.child("labels")));
  errs.push(...validateAnnotations(m.annotations, p.child("annotations")));
  errs.push(...validateOwnerReferences(m.ownerReferences, p.child("ownerReferences")));
  errs.push(...validateFinalizers(m.finalizers, p.child("finalizers")));
  errs.push(...validateManagedFields(m.managedFields, p.child("managedFields")));
  return errs;
}
