// core/v1 Secret defaults and validation (Kubernetes 1.32): stringData is merged into data
// (base64-encoded, over keys of the same name) and dropped, as the API's conversion does; the
// type defaults to Opaque. Keys are config keys, values base64, the whole at most 1 MiB; the
// type cannot change, and an immutable Secret keeps its data and stays immutable.

import { fieldErrors, path, type FieldError } from "../field-errors.js";
import { jsonEqual } from "../json.js";
import type { Secret } from "../types.js";
import { isConfigMapKey, maxConfigMapBytes } from "./config-map.js";
import { nameIsDNSSubdomain } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { strMap } from "./read.js";

/** Merges stringData into data and defaults the type. Mutates `s`. */
export function defaultSecret(s: Secret): void {
  const plain = strMap(s.stringData);
  if (Object.keys(plain).length > 0) {
    s.data = { ...strMap(s.data) };
    for (const [k, v] of Object.entries(plain)) s.data[k] = Buffer.from(v, "utf8").toString("base64");
  }
  delete s.stringData;
  if (!s.type) s.type = "Opaque";
}

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A Secret on create (and the object rules of an update). */
export function validateSecret(s: Secret): FieldError[] {
  const errs = validateObjectMeta(s.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  let total = 0;
  for (const [key, value] of Object.entries(strMap(s.data))) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldErrors.invalid(path("data").key(key), key, msg));
    if (!base64.test(value)) errs.push(fieldErrors.invalid(path("data").key(key), "<secret contents redacted>", "must be base64-encoded"));
    total += Buffer.from(value, "base64").length;
  }
  if (total > maxConfigMapBytes) errs.push(fieldErrors.tooLong(path("data"), "", maxConfigMapBytes));
  return errs;
}

/** A Secret update: metadata rules, the create rules, an unchanged type, and immutability once set. */
export function validateSecretUpdate(s: Secret, old: Secret): FieldError[] {
  const errs = validateObjectMetaUpdate(s.metadata, old.metadata);
  if ((s.type ?? "") !== (old.type ?? "")) errs.push(fieldErrors.invalid(path("type"), s.type ?? "", "field is immutable"));
  if (old.immutable === true) {
    if (s.immutable !== true) errs.push(fieldErrors.forbidden(path("immutable"), "field is immutable when `immutable` is set"));
    if (!jsonEqual(s.data ?? {}, old.data ?? {})) errs.push(fieldErrors.forbidden(path("data"), "field is immutable when `immutable` is set"));
  }
  errs.push(...validateSecret(s));
  return errs;
}
