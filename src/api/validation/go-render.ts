// Kubernetes prints non-scalar bad values with Go's %#v (`map[string]string{"app":"nginx"}`,
// `core.ServicePort{...}`). The shared field-error formatter only knows JSON shapes, so for
// those values we render the Go text here and carry it in the detail of an error whose bad
// value is omitted: the message reads exactly as Kubernetes', `Invalid value: <go text>: why`.

import { omitValue, type FieldError, type FieldErrorType, type FieldPath } from "../field-errors.js";

/** Go's %#v of a map[string]string: keys sorted, `map[string]string{"a":"1", "b":"2"}`. */
export function goStringMap(m: Record<string, string> | undefined | null): string {
  if (!m) return "map[string]string(nil)";
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`).join(", ")}}`;
}

/** Go's %v of a []string: `[a b c]`. */
export function goStringSliceV(xs: readonly string[]): string {
  return `[${xs.join(" ")}]`;
}

/** A field error whose bad value is shown as pre-rendered Go text. */
export function renderedError(type: FieldErrorType, p: FieldPath | string, goText: string, detail?: string): FieldError {
  return { type, field: p.toString(), badValue: omitValue, detail: detail ? `${goText}: ${detail}` : goText };
}

/** `Invalid value: <goText>: detail`. */
export function invalidRendered(p: FieldPath | string, goText: string, detail: string): FieldError {
  return renderedError("FieldValueInvalid", p, goText, detail);
}
