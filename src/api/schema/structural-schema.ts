// What kube-apiserver does with a custom resource's structural schema on every write, for the
// kinds svcnet serves that way (MetalLB's): drop null values of non-nullable fields, fill in
// `default`s, and report values of the wrong JSON type and missing required fields as field
// errors (`spec.autoAssign: Invalid value: "string": spec.autoAssign in body must be of type
// boolean: "string"`). Only the schema's own inline parts are walked: referenced definitions
// (metadata → ObjectMeta) have validation of their own. Pure.

import { FieldPath, fieldErrors, type FieldError } from "../field-errors.js";
import type { JsonObject, JsonValue } from "../json.js";
import { isJsonObject, ownValue } from "../json.js";
import { definitions, refTarget } from "./schema-registry.js";

function rootSchema(definition: string): JsonObject {
  const schema = definitions[definition];
  if (!schema) throw new Error(`unknown schema definition ${definition}`);
  return schema;
}

/** The inline schema of a property, or undefined for a reference (validated elsewhere) or none. */
function inlineSchema(schema: JsonObject | undefined): JsonObject | undefined {
  if (!schema || refTarget(schema) !== undefined) return undefined;
  return schema;
}

function propertySchema(schema: JsonObject, key: string): JsonObject | undefined {
  const properties = schema.properties;
  const declared = isJsonObject(properties) ? ownValue(properties, key) : undefined;
  if (isJsonObject(declared)) return inlineSchema(declared);
  if (isJsonObject(schema.additionalProperties)) return inlineSchema(schema.additionalProperties);
  return undefined;
}

function itemSchema(schema: JsonObject): JsonObject | undefined {
  return isJsonObject(schema.items) ? inlineSchema(schema.items) : undefined;
}

/** Calls visit on every object of `value` with its inline schema, parents first. */
function eachObject(schema: JsonObject, value: JsonValue | undefined, visit: (schema: JsonObject, obj: JsonObject) => void): void {
  if (Array.isArray(value)) {
    const items = itemSchema(schema);
    if (items) for (const v of value) eachObject(items, v, visit);
    return;
  }
  if (!isJsonObject(value)) return;
  visit(schema, value);
  for (const [key, v] of Object.entries(value)) {
    const sub = propertySchema(schema, key);
    if (sub) eachObject(sub, v, visit);
  }
}

/**
 * Deletes fields whose value is null where the schema does not declare them nullable, as the
 * API server prunes them before defaulting (so `autoAssign: null` ends up defaulted). Mutates obj.
 */
export function dropNullFields(definition: string, obj: JsonObject): void {
  eachObject(rootSchema(definition), obj, (schema, o) => {
    for (const [key, v] of Object.entries(o)) {
      if (v !== null) continue;
      const sub = propertySchema(schema, key);
      if (sub && sub.nullable !== true) delete o[key];
    }
  });
}

/** Sets every absent property that has a schema `default`, inside objects that are present. Mutates obj. */
export function applySchemaDefaults(definition: string, obj: JsonObject): void {
  eachObject(rootSchema(definition), obj, (schema, o) => {
    const properties = schema.properties;
    if (!isJsonObject(properties)) return;
    for (const [key, sub] of Object.entries(properties)) {
      if (o[key] !== undefined || !isJsonObject(sub) || sub.default === undefined) continue;
      o[key] = structuredClone(sub.default);
    }
  });
}

/** The JSON type of a value the way OpenAPI validation names it ("integer" for whole numbers). */
function jsonTypeOf(v: JsonValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeMatches(want: string, actual: string): boolean {
  return want === actual || (want === "number" && actual === "integer");
}

function check(schema: JsonObject, value: JsonValue, p: FieldPath, out: FieldError[]): void {
  const want = typeof schema.type === "string" ? schema.type : undefined;
  const actual = jsonTypeOf(value);
  if (value === null && schema.nullable === true) return;
  if (want !== undefined && !typeMatches(want, actual)) {
    const name = p.toString();
    out.push(fieldErrors.invalid(p, actual, `${name} in body must be of type ${want}: ${JSON.stringify(actual)}`));
    return;
  }
  if (Array.isArray(value)) {
    const items = itemSchema(schema);
    if (items) value.forEach((v, i) => check(items, v, p.index(i), out));
    return;
  }
  if (!isJsonObject(value)) return;
  if (Array.isArray(schema.required)) {
    for (const key of schema.required) {
      if (typeof key === "string" && value[key] === undefined) out.push(fieldErrors.required(p.child(key)));
    }
  }
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const sub = propertySchema(schema, key);
    // Map entries too are named with a dot (matchLabels.app), as OpenAPI validation names them.
    if (sub) check(sub, v, p.child(key), out);
  }
}

/**
 * The schema validation errors of a whole object: wrong JSON types (not looked into further)
 * and missing required fields, with Kubernetes' field paths. [] when the object fits.
 */
export function schemaValidationErrors(definition: string, obj: JsonObject): FieldError[] {
  const out: FieldError[] = [];
  check(rootSchema(definition), obj, new FieldPath(""), out);
  return out;
}
