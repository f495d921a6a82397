// Field errors in the shape and wording of k8s.io/apimachinery/pkg/util/validation/field:
// `spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive`.
// Validators return lists of these; the API turns them into a 422 Invalid Status with causes.

export type FieldErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "FieldValueTypeInvalid"
  | "InternalError";

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  FieldValueTypeInvalid: "Invalid value",
  InternalError: "Internal error",
};

/** Marks a field error whose bad value is not printed (Kubernetes' `field.OmitValueType`). */
export const omitValue: unique symbol = Symbol("omitValue");

export interface FieldError {
  type: FieldErrorType;
  /** Dotted path with indices and keys, e.g. `spec.ports[0].port`, `metadata.labels[app]`. */
  field: string;
  badValue?: unknown;
  detail?: string;
}

/** A field path builder: `path("spec").child("ports").index(0).child("port").toString()`. */
export class FieldPath {
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  child(name: string, ...more: string[]): FieldPath {
    let t = this.#text === "" ? name : `${this.#text}.${name}`;
    for (const m of more) t = `${t}.${m}`;
    return new FieldPath(t);
  }
  index(i: number): FieldPath {
    return new FieldPath(`${this.#text}[${i}]`);
  }
  key(k: string): FieldPath {
    return new FieldPath(`${this.#text}[${k}]`);
  }
  toString(): string {
    return this.#text;
  }
}

export function path(root: string, ...more: string[]): FieldPath {
  return new FieldPath("").child(root, ...more);
}

type P = FieldPath | string;
const s = (p: P): string => p.toString();

export const fieldErrors = {
  required: (p: P, detail = ""): FieldError => ({ type: "FieldValueRequired", field: s(p), badValue: "", detail }),
  invalid: (p: P, value: unknown, detail: string): FieldError => ({ type: "FieldValueInvalid", field: s(p), badValue: value, detail }),
  duplicate: (p: P, value: unknown): FieldError => ({ type: "FieldValueDuplicate", field: s(p), badValue: value }),
  notFound: (p: P, value: unknown): FieldError => ({ type: "FieldValueNotFound", field: s(p), badValue: value }),
  forbidden: (p: P, detail: string): FieldError => ({ type: "FieldValueForbidden", field: s(p), badValue: "", detail }),
  tooLong: (p: P, value: unknown, max: number): FieldError => ({
    type: "FieldValueTooLong",
    field: s(p),
    badValue: value,
    detail: `may not be more than ${max} bytes`,
  }),
  tooMany: (p: P, actual: number, max: number): FieldError => ({
    type: "FieldValueTooMany",
    field: s(p),
    badValue: actual,
    detail: `must have at most ${max} items`,
  }),
  notSupported: (p: P, value: unknown, supported: readonly string[]): FieldError => ({
    type: "FieldValueNotSupported",
    field: s(p),
    badValue: value,
    detail: supported.length ? `supported values: ${supported.map((v) => JSON.stringify(v)).join(", ")}` : "",
  }),
  internal: (p: P, err: Error): FieldError => ({ type: "InternalError", field: s(p), detail: err.message }),
};

/** Go's %v / %q / %#v rendering of the bad value, as the Kubernetes message shows it. */
function formatBadValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) {
    return `[]string{${v.map((x) => JSON.stringify(x)).join(", ")}}`;
  }
  return JSON.stringify(v);
}

/** The part after the field name: `Invalid value: 70000: must be between 1 and 65535, inclusive`. */
export function fieldErrorBody(e: FieldError): string {
  let out: string;
  const t = typeText[e.type];
  if (
    e.type === "FieldValueRequired" ||
    e.type === "FieldValueForbidden" ||
    e.type === "FieldValueTooLong" ||
    e.type === "InternalError" ||
    e.badValue === omitValue
  ) {
    out = t;
  } else {
    out = `${t}: ${formatBadValue(e.badValue)}`;
  }
  if (e.detail) out += `: ${e.detail}`;
  return out;
}

export function fieldErrorMessage(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** Kubernetes' aggregate rendering: one error bare, several in brackets joined by ", ". */
export function aggregateMessage(errs: readonly FieldError[]): string {
  const msgs = [...new Set(errs.map(fieldErrorMessage))];
  return msgs.length === 1 ? msgs[0] : `[${msgs.join(", ")}]`;
}
