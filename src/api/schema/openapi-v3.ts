// The OpenAPI v3 discovery index and per-group-version documents (GET /openapi/v3 and
// GET /openapi/v3/<api/v1|apis/group/version>). Each document is built once, serialized once,
// and addressed by a content hash so clients can cache it forever.

import { createHash } from "node:crypto";
import type { JsonObject } from "../json.js";
import { deepFreeze } from "../json.js";
import { resourcePaths } from "./openapi-paths.js";
import { groupVersionKey, openApiGroupVersions, openApiResources } from "./openapi-resources.js";
import { definitionForKind, definitions, reachableDefinitions, schemaRefPrefix } from "./schema-registry.js";

/** One served document: the object, its exact serialized bytes, and the hash of those bytes. */
export interface OpenApiDocumentEntry {
  document: JsonObject;
  /** The JSON text to send; the hash is computed over exactly this text. */
  json: string;
  /** Upper-case hex SHA-512 of `json`, as upstream uses for `?hash=` and the ETag. */
  hash: string;
}

/** Kinds documented in a group-version beyond those of its resources' paths. */
const extraKinds: Record<string, { group: string; version: string; kind: string }[]> = {
  "apis/autoscaling/v1": [{ group: "autoscaling", version: "v1", kind: "Scale" }],
};

function refsIn(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, out));
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith(schemaRefPrefix)) out.add(v.slice(schemaRefPrefix.length));
      else refsIn(v, out);
    }
  }
}

function buildDocument(key: string): JsonObject {
  const paths: JsonObject = {};
  for (const r of openApiResources) {
    if (groupVersionKey(r.group, r.version) !== key) continue;
    Object.assign(paths, resourcePaths(r));
  }
  const roots = new Set<string>();
  refsIn(paths, roots);
  for (const gvk of extraKinds[key] ?? []) {
    const name = definitionForKind(gvk);
    if (name) roots.add(name);
  }
  const schemas: JsonObject = {};
  for (const name of [...reachableDefinitions(roots)].sort()) schemas[name] = definitions[name];
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.32.0" },
    paths,
    components: { schemas },
  };
}

let entries: Map<string, OpenApiDocumentEntry> | undefined;

function allEntries(): Map<string, OpenApiDocumentEntry> {
  if (!entries) {
    entries = new Map();
    for (const key of openApiGroupVersions) {
      const document = deepFreeze(buildDocument(key));
      const json = JSON.stringify(document);
      entries.set(key, { document, json, hash: createHash("sha512").update(json).digest("hex").toUpperCase() });
    }
  }
  return entries;
}

/**
 * The document of one group-version with its serialized form and hash; `groupVersion` is the
 * index key ("api/v1", "apis/apps/v1"). Undefined for a group-version that is not served.
 */
export function openApiDocumentEntry(groupVersion: string): OpenApiDocumentEntry | undefined {
  return allEntries().get(groupVersion);
}

/** The OpenAPI v3 document of a group-version ("api/v1", "apis/discovery.k8s.io/v1"); frozen, shared. */
export function openApiDocument(groupVersion: string): JsonObject | undefined {
  return openApiDocumentEntry(groupVersion)?.document;
}

/** The body of GET /openapi/v3: each group-version's document URL, with its content hash. */
export function openApiIndex(): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, entry] of allEntries()) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${entry.hash}` };
  return { paths };
}
