// Decoding request bodies into objects of the kind an endpoint expects: JSON or YAML, the
// kind/apiVersion check, duplicate and unknown fields by fieldValidation (Strict, Warn, Ignore),
// and type errors in Kubernetes' words.

import { ApiError } from "../api/errors.js";
import type { JsonObject } from "../api/json.js";
import { isJsonObject, ownValue } from "../api/json.js";
import { groupVersionOf, servedGroups } from "../api/resources.js";
import { definitionForKind } from "../api/schema/schema-registry.js";
import { findTypeErrors, findUnknownFields, parseJsonWithDuplicates } from "../api/schema/strict-decoding.js";
import { mediaType } from "./negotiation.js";
import { jsonTooDeepAt, jsonTooDeepMessage, maxNestingDepth, valueTooDeep } from "./nesting-depth.js";
import { decodeProtobufBody, protobufMediaType } from "./protobuf/decode-body.js";
import { yamlToJson, YamlToJsonError } from "./yaml-body.js";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export function parseFieldValidation(v: string | null): FieldValidation {
  if (v === null || v === "" || v === "Warn") return "Warn";
  if (v === "Strict" || v === "Ignore") return v;
  throw ApiError.badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got: ${JSON.stringify(v)}`);
}

export interface Expected {
  apiVersion: string;
  kind: string;
  /** OpenAPI definition name, e.g. io.k8s.api.core.v1.Service. */
  definition: string;
  /**
   * A custom resource's kind: decoded as unstructured JSON, so values of the wrong type outside
   * metadata are not a decode error here but schema validation errors later (422), as
   * kube-apiserver reports them.
   */
  customResource?: boolean;
}

export interface Decoded {
  object: JsonObject;
  warnings: string[];
}

const jsonTypes = ["application/json", ""];
const yamlTypes = ["application/yaml", "application/apply-patch+yaml"];
export const acceptedBodyTypes = ["application/json", "application/yaml", protobufMediaType];

/**
 * Parses a body: JSON or YAML text (reporting duplicate keys), or a Kubernetes protobuf
 * envelope for the kinds kubectl's generators send that way. Malformed input is a 400, and so
 * is input nested deeper than maxNestingDepth (checked before anything recursive reads it).
 */
export function parseBody(body: Buffer, contentType: string | undefined): { value: unknown; duplicates: string[] } {
  const mt = mediaType(contentType);
  if (mt === protobufMediaType) {
    const value = decodeProtobufBody(body).object;
    // Fields of free-form JSON inside the envelope could nest without bound.
    if (valueTooDeep(value)) throw ApiError.badRequest(`protobuf: exceeded max depth of ${maxNestingDepth}`);
    return { value, duplicates: [] };
  }
  const text = body.toString("utf8");
  if (jsonTypes.includes(mt) || mt.endsWith("+json")) {
    const deep = jsonTooDeepAt(text);
    if (deep >= 0) throw ApiError.badRequest(`json: ${jsonTooDeepMessage(text, deep)}`);
    try {
      return parseJsonWithDuplicates(text);
    } catch (e) {
      throw ApiError.badRequest(`json: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (yamlTypes.includes(mt)) {
    try {
      return { value: yamlToJson(text), duplicates: [] };
    } catch (e) {
      if (e instanceof YamlToJsonError) throw ApiError.badRequest(`error converting YAML to JSON: ${e.message}`);
      throw ApiError.badRequest(`error converting YAML to JSON: yaml: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
    }
  }
  throw ApiError.unsupportedMediaType(mt, acceptedBodyTypes);
}

/** A body that is JSON but not an object, as Go's decoder reports it when looking for the kind. */
function notAnObject(value: unknown): ApiError {
  return ApiError.badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(value) ? "array" : typeof value} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
}

/** Deletes the fields named by paths like `spec.ports[0].foo` (unknown fields under Warn/Ignore). */
export function pruneFields(obj: JsonObject, paths: readonly string[]): void {
  for (const p of paths) {
    const steps = p.match(/[^.[\]]+|\[\d+\]/g) ?? [];
    let cur: unknown = obj;
    for (let i = 0; i < steps.length - 1 && cur !== undefined; i++) {
      const s = steps[i];
      if (s.startsWith("[")) cur = Array.isArray(cur) ? cur[Number(s.slice(1, -1))] : undefined;
      else cur = isJsonObject(cur) ? ownValue(cur, s) : undefined;
    }
    const last = steps[steps.length - 1];
    if (isJsonObject(cur) && last !== undefined) delete cur[last];
  }
}

/**
 * Throws the 400 a typed decode of `obj` as `want` would fail with (a value of the wrong JSON
 * type). A custom resource's metadata is still ObjectMeta, and its kind and apiVersion strings:
 * those are checked as a typed decode would; the rest is left to schema validation.
 */
export function checkTypes(want: Expected, obj: JsonObject): void {
  const typed = want.customResource ? { metadata: obj.metadata ?? null, kind: obj.kind ?? null, apiVersion: obj.apiVersion ?? null } : obj;
  const typeError = findTypeErrors(want.definition, typed);
  if (typeError) throw ApiError.badRequest(typeError);
}

/**
 * The 400 for a body whose kind or apiVersion is not what the endpoint decodes (`want`), in
 * kube-apiserver's words; an empty kind or apiVersion reads as `want`'s.
 */
function notRegistered(kind: string, apiVersion: string, want: Expected): ApiError {
  const k = kind || want.kind;
  const v = apiVersion || want.apiVersion;
  return ApiError.badRequest(`${k} in version "${v}" cannot be handled as a ${want.kind}: no kind "${k}" is registered for version "${v}" in scheme "svcnet"`);
}

/** Decodes a write body for an endpoint that expects `want`, applying field validation. */
export function decodeObjectBody(body: Buffer, contentType: string | undefined, want: Expected, validation: FieldValidation): Decoded {
  if (body.length === 0 || (mediaType(contentType) !== protobufMediaType && body.toString("utf8").trim() === "")) {
    throw ApiError.badRequest("Object 'Kind' is missing in ''");
  }
  const { value, duplicates } = parseBody(body, contentType);
  if (!isJsonObject(value)) throw notAnObject(value);
  const obj = value;
  const kind = typeof obj.kind === "string" ? obj.kind : "";
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  if ((kind && kind !== want.kind) || (apiVersion && apiVersion !== want.apiVersion)) throw notRegistered(kind, apiVersion, want);
  checkTypes(want, obj);
  obj.apiVersion = want.apiVersion;
  obj.kind = want.kind;
  const unknown = findUnknownFields(want.definition, obj);
  const warnings: string[] = [];
  if (validation === "Strict" && (unknown.length || duplicates.length)) {
    const parts = [...unknown.map((f) => `unknown field "${f}"`), ...duplicates.map((f) => `duplicate field "${f}"`)];
    // kube-apiserver's words: `Service in version "v1" cannot be handled as a Service: strict decoding error: …`.
    throw ApiError.badRequest(`${want.kind} in version "${want.apiVersion.split("/").pop() ?? ""}" cannot be handled as a ${want.kind}: strict decoding error: ${parts.join(", ")}`);
  }
  if (validation === "Warn") {
    for (const f of unknown) warnings.push(`unknown field "${f}"`);
    for (const f of duplicates) warnings.push(`duplicate field "${f}"`);
  }
  pruneFields(obj, unknown);
  if (!isJsonObject(obj.metadata)) obj.metadata = {};
  return { object: obj, warnings };
}

/** Group-versions a DeleteOptions body may name: it is registered in every served one, and in meta.k8s.io/v1. */
const deleteOptionsVersions: ReadonlySet<string> = new Set(["meta.k8s.io/v1", ...servedGroups().map(groupVersionOf)]);

/** DeleteOptions as a body names it by default: the core group's v1. */
const deleteOptions: Expected = { apiVersion: "v1", kind: "DeleteOptions", definition: "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions" };

/**
 * Decodes the body of a DELETE (DeleteOptions), as strictly as any other body: a type kube-apiserver
 * does not decode is a 415, malformed or wrongly typed content a 400, and another kind or an unknown
 * group-version a 400 — rather than being ignored, which would let a delete go ahead on options
 * the client never meant. Unknown fields are dropped.
 */
export function decodeDeleteOptionsBody(body: Buffer, contentType: string | undefined): JsonObject {
  const mt = mediaType(contentType);
  // Not parseBody's leniency (any +json type): a DELETE takes what kube-apiserver decodes it from.
  if (mt !== "" && !acceptedBodyTypes.includes(mt)) throw ApiError.unsupportedMediaType(mt, acceptedBodyTypes);
  const { value } = parseBody(body, contentType);
  if (!isJsonObject(value)) throw notAnObject(value);
  const kind = typeof value.kind === "string" ? value.kind : "";
  const apiVersion = typeof value.apiVersion === "string" ? value.apiVersion : "";
  if ((kind && kind !== deleteOptions.kind) || (apiVersion && !deleteOptionsVersions.has(apiVersion))) throw notRegistered(kind, apiVersion, deleteOptions);
  checkTypes(deleteOptions, value);
  return value;
}

/**
 * OpenAPI definition name for a kind: the definition that declares its group-version-kind
 * (io.metallb.v1beta1.IPAddressPool), else io.k8s.api.<group short name>.<version>.<Kind>.
 */
export function definitionName(group: string, version: string, kind: string): string {
  const declared = definitionForKind({ group, version, kind });
  if (declared) return declared;
  const pkg = group === "" ? "core" : group.split(".")[0];
  return `io.k8s.api.${pkg}.${version}.${kind}`;
}
