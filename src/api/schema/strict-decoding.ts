// Strict field validation (fieldValidation=Strict|Warn): which fields of a request body the
// kind's schema does not know, and the messages Kubernetes uses for them and for duplicates.

import type { JsonObject } from "../json.js";
import { isJsonObject, ownValue } from "../json.js";
import { joinFieldPath } from "./json-duplicates.js";
import { definitions, resolveSchema } from "./schema-registry.js";

export { parseJsonWithDuplicates } from "./json-duplicates.js";
export type { ParsedWithDuplicates } from "./json-duplicates.js";
export { findTypeErrors, decodeErrorMessage } from "./type-errors.js";

function walk(schema: JsonObject, value: unknown, path: string, out: string[]): void {
  const resolved = resolveSchema(schema);
  if (!resolved) return;
  if (Array.isArray(value)) {
    const items = resolved.items;
    if (isJsonObject(items)) value.forEach((v, i) => walk(items, v, joinFieldPath(path, i), out));
    return;
  }
  if (!isJsonObject(value)) return;
  const properties = resolved.properties;
  const additional = resolved.additionalProperties;
  if (isJsonObject(properties)) {
    for (const [key, v] of Object.entries(value)) {
      // A key like `__proto__` or `constructor` is a field only if the schema declares it.
      const field = ownValue(properties, key);
      const fieldPath = joinFieldPath(path, key);
      if (isJsonObject(field)) walk(field, v, fieldPath, out);
      else if (!(path === "" && (key === "apiVersion" || key === "kind"))) out.push(fieldPath);
    }
  } else if (isJsonObject(additional)) {
    for (const [key, v] of Object.entries(value)) walk(additional, v, joinFieldPath(path, key), out);
  }
  // Neither: a free-form object (FieldsV1, RawExtension), or a value with a custom form; anything goes.
}

/**
 * The paths of fields in `obj` that the definition's schema does not declare (`spec.unknownField`,
 * `spec.ports[0].foo`), in the object's key order. Map-typed fields accept any key; free-form
 * fields (FieldsV1, RawExtension) and IntOrString/Quantity values accept anything; `apiVersion`
 * and `kind` are always allowed at the top. Values of the wrong type are not reported here (see
 * findTypeErrors). Throws for an unknown definition name.
 */
export function findUnknownFields(definitionName: string, obj: unknown): string[] {
  const schema = definitions[definitionName];
  if (!schema) throw new Error(`unknown schema definition ${definitionName}`);
  const out: string[] = [];
  walk(schema, obj, "", out);
  return out;
}

/** The individual strict-decoding findings: `unknown field "a"` for each unknown, then `duplicate field "b"` for each duplicate. */
export function strictDecodingFindings(unknown: string[], duplicates: string[]): string[] {
  return [...unknown.map((p) => `unknown field ${JSON.stringify(p)}`), ...duplicates.map((p) => `duplicate field ${JSON.stringify(p)}`)];
}

/**
 * The strict-decoding error text Kubernetes returns with 400 BadRequest under fieldValidation=Strict:
 * `strict decoding error: unknown field "spec.unknownField", duplicate field "spec.replicas"`.
 * Kubernetes lists findings in document order; this lists unknown fields first, then
 * duplicates, which agrees whenever the duplicates come after the unknown fields (as in the
 * conformance test). Undefined when there is nothing to report. Wrap it with decodeErrorMessage
 * for the full Status message.
 */
export function strictDecodingMessage(unknown: string[], duplicates: string[]): string | undefined {
  const findings = strictDecodingFindings(unknown, duplicates);
  return findings.length === 0 ? undefined : `strict decoding error: ${findings.join(", ")}`;
}
