// core/v1 ConfigMap validation (Kubernetes 1.32 ValidateConfigMap, ValidateConfigMapUpdate):
// keys of data and binaryData are config keys and do not overlap, the whole payload is at most
// 1 MiB, and an immutable ConfigMap keeps its data and stays immutable.

import { fieldErrors, path, type FieldError } from "../field-errors.js";
import { jsonEqual } from "../json.js";
import type { ConfigMap } from "../types.js";
import { byteLength, dnsSubdomainMaxLength, maxLenError, nameIsDNSSubdomain, regexError } from "./names.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { strMap } from "./read.js";

/** The largest total size of a ConfigMap's data and binaryData (Kubernetes' MaxSecretSize). */
export const maxConfigMapBytes = 1024 * 1024;

const configKeyFmt = "[-._a-zA-Z0-9]+";
const configKeyRe = new RegExp(`^${configKeyFmt}$`);

/** Kubernetes' IsConfigMapKey: messages for a data key that is not a valid file name. */
export function isConfigMapKey(key: string): string[] {
  const errs: string[] = [];
  if (byteLength(key) > dnsSubdomainMaxLength) errs.push(maxLenError(dnsSubdomainMaxLength));
  if (!configKeyRe.test(key)) {
    errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", configKeyFmt, "key.name", "KEY_NAME", "key-name"));
  }
  if (key === ".") errs.push("must not be '.'");
  else if (key === "..") errs.push("must not be '..'");
  else if (key.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}

/** A ConfigMap on create (and the object rules of an update). */
export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const data = strMap(cm.data);
  const binary = strMap(cm.binaryData);
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldErrors.invalid(path("data").key(key), key, msg));
    // Own keys only: `in` would find "constructor" or "toString" in every object.
    if (Object.hasOwn(binary, key)) errs.push(fieldErrors.invalid(path("data").key(key), key, "duplicate of key present in binaryData"));
    total += byteLength(value);
  }
  for (const [key, value] of Object.entries(binary)) {
    for (const msg of isConfigMapKey(key)) errs.push(fieldErrors.invalid(path("binaryData").key(key), key, msg));
    // On the wire binaryData values are base64; the limit counts the decoded bytes.
    total += Buffer.from(value, "base64").length;
  }
  if (total > maxConfigMapBytes) errs.push(fieldErrors.tooLong(path(""), "", maxConfigMapBytes));
  return errs;
}

/** A ConfigMap update: metadata update rules, the create rules, and immutability once set. */
export function validateConfigMapUpdate(cm: ConfigMap, old: ConfigMap): FieldError[] {
  const errs = validateObjectMetaUpdate(cm.metadata, old.metadata);
  if (old.immutable === true) {
    if (cm.immutable !== true) errs.push(fieldErrors.forbidden(path("immutable"), "field is immutable when `immutable` is set"));
    if (!jsonEqual(cm.data ?? {}, old.data ?? {})) errs.push(fieldErrors.forbidden(path("data"), "field is immutable when `immutable` is set"));
    if (!jsonEqual(cm.binaryData ?? {}, old.binaryData ?? {})) errs.push(fieldErrors.forbidden(path("binaryData"), "field is immutable when `immutable` is set"));
  }
  errs.push(...validateConfigMap(cm));
  return errs;
}
