// Field-level checks shared by every kind: labels, annotations, non-negative numbers,
// immutable fields, and names wrapped into field errors. Wording follows Kubernetes 1.32.

import { fieldErrors, type FieldError, type FieldPath } from "../field-errors.js";
import { jsonEqual } from "../json.js";
import { invalidRendered } from "./go-render.js";
import { byteLength, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName, isValidPortNum } from "./names.js";
import { rec } from "./read.js";

/** Kubernetes' limit on the total size of all annotation keys and values: 256 KiB. */
export const totalAnnotationSizeLimit = 256 * 1024;

/** `must be greater than or equal to 0`. */
export const isNegativeErrorMsg = "must be greater than or equal to 0";
/** `field is immutable`. */
export const fieldImmutableErrorMsg = "field is immutable";

/** Each message of a string check as an Invalid error at p. */
export function invalidEach(p: FieldPath, value: string, msgs: readonly string[]): FieldError[] {
  return msgs.map((m) => fieldErrors.invalid(p, value, m));
}

/** A DNS-1123 label (port names, hostnames, container names). */
export function validateDNS1123Label(value: string, p: FieldPath): FieldError[] {
  return invalidEach(p, value, isDNS1123Label(value));
}

/** A DNS-1123 subdomain. */
export function validateDNS1123Subdomain(value: string, p: FieldPath): FieldError[] {
  return invalidEach(p, value, isDNS1123Subdomain(value));
}

/** A qualified name (label keys, appProtocol, loadBalancerClass, finalizers). */
export function validateQualifiedName(value: string, p: FieldPath): FieldError[] {
  return invalidEach(p, value, isQualifiedName(value));
}

/** Label keys and values; every error is reported at p itself, as Kubernetes does. */
export function validateLabels(labels: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(rec(labels))) {
    errs.push(...validateQualifiedName(k, p));
    const value = typeof v === "string" ? v : "";
    errs.push(...invalidEach(p, value, isValidLabelValue(value)));
  }
  return errs;
}

/** Annotation keys (qualified names, case-insensitive) and their total size. */
export function validateAnnotations(annotations: unknown, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(rec(annotations))) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(fieldErrors.invalid(p, k, m));
    total += byteLength(k) + byteLength(typeof v === "string" ? v : "");
  }
  if (total > totalAnnotationSizeLimit) errs.push(fieldErrors.tooLong(p, "", totalAnnotationSizeLimit));
  return errs;
}

/** `must be greater than or equal to 0` for negative numbers. */
export function validateNonnegative(value: number, p: FieldPath): FieldError[] {
  return value < 0 ? [fieldErrors.invalid(p, value, isNegativeErrorMsg)] : [];
}

/**
 * `field is immutable` when the values differ. Scalars print as themselves; pass goText to
 * print a structured new value the way Go does.
 */
export function validateImmutable(newVal: unknown, oldVal: unknown, p: FieldPath, goText?: string): FieldError[] {
  if (jsonEqual(newVal ?? null, oldVal ?? null)) return [];
  if (goText !== undefined) return [invalidRendered(p, goText, fieldImmutableErrorMsg)];
  return [fieldErrors.invalid(p, newVal ?? null, fieldImmutableErrorMsg)];
}

/** A port given as number (1-65535) or IANA service name (targetPort). */
export function validatePortNumOrName(port: unknown, p: FieldPath): FieldError[] {
  if (typeof port === "number") return isValidPortNum(port).map((m) => fieldErrors.invalid(p, port, m));
  if (typeof port === "string") return invalidEach(p, port, isValidPortName(port));
  return [fieldErrors.internal(p, new Error(`unknown type: ${typeof port}`))];
}

/** Supported port protocols, sorted as Kubernetes lists them. */
export const supportedPortProtocols = ["SCTP", "TCP", "UDP"] as const;

/** A port protocol: required, and one of SCTP, TCP, UDP. */
export function validateProtocol(protocol: unknown, p: FieldPath): FieldError[] {
  if (typeof protocol !== "string" || protocol === "") return [fieldErrors.required(p)];
  if (!(supportedPortProtocols as readonly string[]).includes(protocol)) return [fieldErrors.notSupported(p, protocol, supportedPortProtocols)];
  return [];
}
