// Turns client-node's generated models into OpenAPI v3 component schemas named the way
// Kubernetes names them. Pure: the caller supplies the model files.

import type { JsonObject, JsonValue } from "../../json.js";
import { definitionName, packageOf, rootModels } from "./definition-names.js";
import type { ApiPackage } from "./definition-names.js";
import { parseModel } from "./model-source.js";
import type { ModelAttribute, ModelFiles } from "./model-source.js";
import {
  atomicStructs,
  builtinNames,
  builtinSchemas,
  enumFields,
  fieldExtensions,
  kindFieldDescriptions,
  listFieldDescriptions,
  quantityFields,
  untypedFields,
} from "./schema-annotations.js";

/** Loads a model's files by client-node class name; undefined when there is no such model. */
export type ModelLoader = (className: string) => ModelFiles | undefined;

const refPrefix = "#/components/schemas/";

function ref(name: string): JsonObject {
  return { $ref: refPrefix + name };
}

interface Walk {
  rootPkg: ApiPackage;
  ownerPkg: ApiPackage;
  owner: string;
  field: string;
  /** Models to visit, with the package they were assigned. */
  enqueue(className: string, pkg: ApiPackage): string;
  /** Descriptions to use for fields the model leaves undocumented (the standard fields of kinds). */
  fallbackDescriptions: Record<string, string>;
  used: Set<string>;
}

function typeSchema(type: string, format: string, walk: Walk): JsonObject {
  const quantity = quantityFields[walk.owner]?.includes(walk.field) ?? false;
  if (type === "string") {
    if (quantity) return markUsed(walk, builtinNames.quantity);
    return format === "byte" ? { type: "string", format } : { type: "string" };
  }
  if (type === "number") {
    if (format === "int32" || format === "int64") return { type: "integer", format };
    if (format === "double") return { type: "number", format };
    return { type: "number" };
  }
  if (type === "boolean") return { type: "boolean" };
  if (type === "Date" && format === "date-time") return markUsed(walk, builtinNames.time);
  if (type === "Date" && format === "date-time-micro") return markUsed(walk, builtinNames.microTime);
  if (type === "V1MicroTime") return markUsed(walk, builtinNames.microTime);
  if (type === "IntOrString") return markUsed(walk, builtinNames.intOrString);
  if (type === "any") {
    const target = untypedFields[walk.owner]?.[walk.field];
    if (!target) throw new Error(`${walk.owner}.${walk.field}: untyped field with no mapping`);
    return markUsed(walk, target);
  }
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: "array", items: typeSchema(array[1], "", walk) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: "object", additionalProperties: typeSchema(map[1], "", walk) };
  if (/^[A-Z][A-Za-z0-9]+$/.test(type)) return ref(walk.enqueue(type, packageOf(type, { rootPkg: walk.rootPkg, referrerPkg: walk.ownerPkg })));
  throw new Error(`${walk.owner}.${walk.field}: unsupported type ${type}`);
}

function markUsed(walk: Walk, name: string): JsonObject {
  walk.used.add(name);
  return ref(name);
}

/** client-node repeats a value type's own description on fields of that type; it says nothing about the field. */
function isTypeDescription(attr: ModelAttribute): boolean {
  const d = attr.description ?? "";
  return (attr.type === "IntOrString" && d.startsWith("IntOrString is ")) || (attr.type === "V1MicroTime" && d.startsWith("MicroTime is "));
}

function propertySchema(attr: ModelAttribute, walk: Walk): JsonObject {
  const base = typeSchema(attr.type, attr.format, walk);
  const own = attr.description !== undefined && !isTypeDescription(attr) ? attr.description : undefined;
  const description = own ?? walk.fallbackDescriptions[attr.name];
  const schema: JsonObject = typeof base.$ref === "string" ? { allOf: [base] } : base;
  if (description !== undefined) schema.description = description;
  const values = enumFields[walk.owner]?.[attr.name];
  if (values) {
    if (schema.type !== "string") throw new Error(`${walk.owner}.${attr.name}: enum on a non-string field`);
    schema.enum = values;
  }
  const extensions = fieldExtensions[walk.owner]?.[attr.name];
  if (extensions) Object.assign(schema, extensions);
  return schema;
}

/** Returns a copy of a JSON value with every object's keys sorted, so output is byte-stable. */
export function sortKeys(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== "object") return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) {
    const x = v[k];
    if (x !== undefined) out[k] = sortKeys(x);
  }
  return out;
}

function checkAnnotationsUsed(defs: Record<string, JsonObject>): void {
  const tables: [string, Record<string, Record<string, unknown> | string[]>][] = [
    ["fieldExtensions", fieldExtensions],
    ["enumFields", enumFields],
    ["untypedFields", untypedFields],
    ["quantityFields", quantityFields],
  ];
  for (const [table, entries] of tables) {
    for (const [def, fields] of Object.entries(entries)) {
      const props = defs[def]?.properties;
      if (!props || typeof props !== "object" || Array.isArray(props)) throw new Error(`${table}: ${def} is not a generated definition`);
      for (const f of Array.isArray(fields) ? fields : Object.keys(fields)) {
        if (!(f in props)) throw new Error(`${table}: ${def} has no field ${f}`);
      }
    }
  }
  for (const def of atomicStructs) if (!defs[def]) throw new Error(`atomicStructs: ${def} is not a generated definition`);
}

/**
 * Builds the component schemas of every served kind and everything it references, keyed by
 * Kubernetes definition name, with keys sorted. Throws on anything it cannot map faithfully.
 * Every annotation must name a field of a reached definition, so typos and model drift throw.
 */
export function buildSchemas(load: ModelLoader): Record<string, JsonObject> {
  const defs: Record<string, JsonObject> = {};
  const assigned = new Map<string, string>();
  const used = new Set<string>([builtinNames.patch]);
  for (const root of rootModels) {
    const queue: { className: string; pkg: ApiPackage }[] = [];
    const enqueue = (className: string, pkg: ApiPackage): string => {
      const name = definitionName(className, pkg);
      const previous = assigned.get(className);
      if (previous === undefined) {
        assigned.set(className, name);
        queue.push({ className, pkg });
        return name;
      }
      return previous;
    };
    enqueue(root.className, root.pkg);
    while (queue.length > 0) {
      const next = queue.shift();
      if (!next) break;
      const files = load(next.className);
      if (!files) throw new Error(`model ${next.className} not found`);
      const model = parseModel(next.className, files);
      const owner = definitionName(next.className, next.pkg);
      const properties: JsonObject = {};
      const isRoot = next.className === root.className;
      const fallbackDescriptions = !isRoot ? {} : next.className.endsWith("List") ? listFieldDescriptions : kindFieldDescriptions;
      for (const attr of model.attributes) {
        properties[attr.name] = propertySchema(attr, {
          rootPkg: root.pkg,
          ownerPkg: next.pkg,
          owner,
          field: attr.name,
          enqueue,
          used,
          fallbackDescriptions,
        });
      }
      const schema: JsonObject = { type: "object", properties };
      if (model.description !== undefined) schema.description = model.description;
      const required = model.attributes.filter((a) => a.required).map((a) => a.name);
      if (required.length > 0) schema.required = required;
      if (atomicStructs.has(owner)) schema["x-kubernetes-map-type"] = "atomic";
      if (isRoot) schema["x-kubernetes-group-version-kind"] = root.gvks.map((g) => ({ ...g }));
      defs[owner] = schema;
    }
  }
  for (const name of used) defs[name] = builtinSchemas[name];
  checkAnnotationsUsed(defs);
  return sortKeys(defs) as Record<string, JsonObject>;
}

/** The committed file's text: the schemas as sorted, two-space-indented JSON with a trailing newline. */
export function renderSchemas(defs: Record<string, JsonObject>): string {
  return JSON.stringify(sortKeys(defs), null, 2) + "\n";
}
