// The component schemas — generated ones (generated/schemas.json, see scripts/gen-schemas.ts)
// and the hand-written ones of custom resources (metallb-schemas.ts) — frozen, with the small
// amount of navigation every consumer needs: follow a $ref, find a kind.

import type { JsonObject, JsonValue } from "../json.js";
import { deepFreeze, isJsonObject } from "../json.js";
import generated from "./generated/schemas.json" with { type: "json" };
import { metallbDefinitions } from "./metallb-schemas.js";

/** Prefix of every `$ref` in the schemas. */
export const schemaRefPrefix = "#/components/schemas/";

/** All definitions by Kubernetes definition name ("io.k8s.api.core.v1.Service"). Frozen; never mutate. */
export const definitions: Readonly<Record<string, JsonObject>> = deepFreeze({
  ...(generated as unknown as Record<string, JsonObject>),
  ...metallbDefinitions,
});

/** The definition a schema points at through `$ref` or a single-element `allOf: [{$ref}]`, if any. */
export function refTarget(schema: JsonObject): string | undefined {
  const direct = schema.$ref;
  if (typeof direct === "string") return direct.startsWith(schemaRefPrefix) ? direct.slice(schemaRefPrefix.length) : undefined;
  const allOf = schema.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && isJsonObject(allOf[0])) return refTarget(allOf[0]);
  return undefined;
}

/** Follows references until reaching a schema that is not just a reference; undefined for a dangling reference. */
export function resolveSchema(schema: JsonObject): JsonObject | undefined {
  let current: JsonObject | undefined = schema;
  for (let hops = 0; current && hops < 16; hops++) {
    const target = refTarget(current);
    if (target === undefined) return current;
    current = definitions[target];
  }
  return undefined;
}

/** Every definition name a schema references, directly or through other definitions, including itself when named. */
export function reachableDefinitions(roots: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const visit = (v: JsonValue | undefined): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isJsonObject(v)) {
      const target = typeof v.$ref === "string" && v.$ref.startsWith(schemaRefPrefix) ? v.$ref.slice(schemaRefPrefix.length) : undefined;
      if (target !== undefined) add(target);
      for (const x of Object.values(v)) visit(x);
    }
  };
  const add = (name: string): void => {
    if (seen.has(name)) return;
    const def = definitions[name];
    if (!def) throw new Error(`unknown schema definition ${name}`);
    seen.add(name);
    visit(def);
  };
  for (const r of roots) add(r);
  return seen;
}

let byKind: Map<string, string> | undefined;

/** The definition name of a kind, found through `x-kubernetes-group-version-kind` (the first definition that names it). */
export function definitionForKind(gvk: { group: string; version: string; kind: string }): string | undefined {
  if (!byKind) {
    byKind = new Map();
    for (const [name, def] of Object.entries(definitions)) {
      const kinds = def["x-kubernetes-group-version-kind"];
      if (!Array.isArray(kinds)) continue;
      for (const k of kinds) {
        if (!isJsonObject(k)) continue;
        const key = `${String(k.group)}/${String(k.version)}/${String(k.kind)}`;
        if (!byKind.has(key)) byKind.set(key, name);
      }
    }
  }
  return byKind.get(`${gvk.group}/${gvk.version}/${gvk.kind}`);
}
