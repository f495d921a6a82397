// The errors a typed (Go) decode of a request body reports when a value has the wrong JSON type,
// worded as Kubernetes words them, e.g.
//   Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into
//   Go struct field ServicePort.spec.ports.port of type int32
// Only JSON types are checked (and integer range); formats and enum values are validation's job.

import type { JsonObject } from "../json.js";
import { isJsonObject, ownValue } from "../json.js";
import { builtinNames } from "./gen/schema-annotations.js";
import { definitions, refTarget, resolveSchema } from "./schema-registry.js";

const quantityPattern = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

/** Where in the Go structs a value is being decoded: the innermost struct and the JSON field path (no indices). */
interface Context {
  struct: string;
  path: string;
}

interface Found {
  /** Errors Go saves and reports at the end if nothing fatal happened (plain type mismatches). */
  saved?: string;
  /** Errors from custom unmarshalers, which abort decoding and win over saved ones. */
  fatal?: string;
}

function shortName(definition: string): string {
  return definition.slice(definition.lastIndexOf(".") + 1);
}

function jsonKind(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return "number";
  return Array.isArray(v) ? "array" : "object";
}

/** The Go type a schema decodes into, as Go prints it: int32, []v1.ServicePort, map[string]string. */
function goType(schema: JsonObject): string {
  const target = refTarget(schema);
  if (target !== undefined) {
    if (target === builtinNames.intOrString) return "intstr.IntOrString";
    if (target === builtinNames.quantity) return "resource.Quantity";
    return `v1.${shortName(target)}`;
  }
  if (schema.type === "array" && isJsonObject(schema.items)) return `[]${goType(schema.items)}`;
  if (schema.type === "object" && isJsonObject(schema.additionalProperties)) return `map[string]${goType(schema.additionalProperties)}`;
  if (schema.type === "integer") return schema.format === "int64" ? "int64" : "int32";
  if (schema.type === "number") return "float64";
  if (schema.type === "boolean") return "bool";
  return "string";
}

function typeError(value: string, type: string, ctx: Context): string {
  if (ctx.path === "") return `json: cannot unmarshal ${value} into Go value of type ${type}`;
  return `json: cannot unmarshal ${value} into Go struct field ${ctx.struct}.${ctx.path} of type ${type}`;
}

function integerProblem(v: number, format: unknown): string | undefined {
  const [min, max] = format === "int64" ? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] : [-(2 ** 31), 2 ** 31 - 1];
  return Number.isInteger(v) && v >= min && v <= max ? undefined : `number ${String(v)}`;
}

function check(schema: JsonObject, value: unknown, ctx: Context, found: Found): void {
  if (value === null || found.fatal !== undefined) return;
  const target = refTarget(schema);
  if (target === builtinNames.intOrString) {
    if (typeof value === "string") return;
    const problem = typeof value === "number" ? integerProblem(value, "int32") : jsonKind(value);
    if (problem !== undefined) found.fatal = typeError(problem, "int32", ctx);
    return;
  }
  if (target === builtinNames.quantity) {
    const text = typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : undefined;
    if (text === undefined || !new RegExp(quantityPattern).test(text)) {
      found.fatal = `quantities must match the regular expression '${quantityPattern}'`;
    }
    return;
  }
  if (target === builtinNames.time || target === builtinNames.microTime) {
    if (typeof value !== "string") found.fatal = typeError(jsonKind(value), "string", ctx);
    return;
  }
  const resolved = resolveSchema(schema);
  if (!resolved) return;
  const type = resolved.type;
  const save = (problem: string): void => {
    found.saved ??= typeError(problem, goType(schema), ctx);
  };
  if (type === "string") {
    if (typeof value !== "string") save(jsonKind(value));
  } else if (type === "integer") {
    if (typeof value !== "number") save(jsonKind(value));
    else {
      const problem = integerProblem(value, resolved.format);
      if (problem !== undefined) save(problem);
    }
  } else if (type === "number") {
    if (typeof value !== "number") save(jsonKind(value));
  } else if (type === "boolean") {
    if (typeof value !== "boolean") save(jsonKind(value));
  } else if (type === "array") {
    if (!Array.isArray(value)) save(jsonKind(value));
    else if (isJsonObject(resolved.items)) for (const v of value) check(resolved.items, v, ctx, found);
  } else if (type === "object") {
    if (!isJsonObject(value)) return save(jsonKind(value));
    const properties = resolved.properties;
    const additional = resolved.additionalProperties;
    if (isJsonObject(properties)) {
      const struct = target !== undefined ? shortName(target) : ctx.struct;
      for (const [key, v] of Object.entries(value)) {
        const field = ownValue(properties, key);
        if (isJsonObject(field)) check(field, v, { struct, path: ctx.path === "" ? key : `${ctx.path}.${key}` }, found);
      }
    } else if (isJsonObject(additional)) {
      for (const v of Object.values(value)) check(additional, v, ctx, found);
    }
  }
}

/** The group-version-kind a definition is served as (its first), or a best guess from its name. */
function kindOf(definitionName: string): { version: string; kind: string } {
  const gvks = definitions[definitionName]?.["x-kubernetes-group-version-kind"];
  const first = Array.isArray(gvks) ? gvks[0] : undefined;
  if (isJsonObject(first) && typeof first.version === "string" && typeof first.kind === "string") return { version: first.version, kind: first.kind };
  return { version: "v1", kind: shortName(definitionName) };
}

/**
 * Wraps a decode failure the way the API server reports it in a 400 BadRequest Status:
 * `Deployment in version "v1" cannot be handled as a Deployment: <detail>`. Use it for strict
 * decoding errors as well as type errors.
 */
export function decodeErrorMessage(definitionName: string, detail: string): string {
  const { version, kind } = kindOf(definitionName);
  return `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${detail}`;
}

/**
 * The first JSON type mismatch in `obj` against the definition's schema, as the full BadRequest
 * message (see decodeErrorMessage), or undefined when every value has a decodable type. Like Go,
 * errors from custom decoders (IntOrString, Quantity, Time) win over plain mismatches, nulls are
 * accepted anywhere, and mismatched objects are not looked into. Unknown fields are ignored
 * (see findUnknownFields). Throws for an unknown definition name.
 */
export function findTypeErrors(definitionName: string, obj: unknown): string | undefined {
  const schema = definitions[definitionName];
  if (!schema) throw new Error(`unknown schema definition ${definitionName}`);
  const found: Found = {};
  const root = { $ref: `#/components/schemas/${definitionName}` };
  if (!isJsonObject(obj)) found.saved = typeError(jsonKind(obj), goType(root), { struct: "", path: "" });
  else check(root, obj, { struct: shortName(definitionName), path: "" }, found);
  const detail = found.fatal ?? found.saved;
  return detail === undefined ? undefined : decodeErrorMessage(definitionName, detail);
}
