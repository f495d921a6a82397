// Builds the OpenAPI v3 path items for one resource: collection, item, all-namespaces list and
// subresources, each operation with its group-version-kind, action, query parameters, request
// body and responses. kubectl relies on the PATCH operations carrying
// `x-kubernetes-group-version-kind` and a `fieldValidation` parameter to validate on the server.

import type { JsonObject } from "../json.js";
import { definitionForKind, schemaRefPrefix } from "./schema-registry.js";
import type { OpenApiAction, OpenApiResource } from "./openapi-resources.js";
import { groupVersionKey } from "./openapi-resources.js";

type ParamType = "string" | "integer" | "boolean";

function query(name: string, type: ParamType, description: string): JsonObject {
  return { name, in: "query", description, schema: { type, uniqueItems: true } };
}

function pathParam(name: string, description: string): JsonObject {
  return { name, in: "path", required: true, description, schema: { type: "string", uniqueItems: true } };
}

const p = {
  pretty: query("pretty", "string", "If 'true', the output is pretty printed."),
  allowWatchBookmarks: query("allowWatchBookmarks", "boolean", "Ask for BOOKMARK watch events; servers may ignore it."),
  continue: query("continue", "string", "The token from a previous paged list response, to fetch the next page."),
  fieldSelector: query("fieldSelector", "string", "Restricts the result to objects whose fields match, e.g. metadata.name=web."),
  labelSelector: query("labelSelector", "string", "Restricts the result to objects whose labels match, e.g. app=web,tier!=db."),
  limit: query("limit", "integer", "The maximum number of objects to return; the rest is fetched with the continue token."),
  resourceVersion: query("resourceVersion", "string", "The resource version to read at or watch from."),
  resourceVersionMatch: query("resourceVersionMatch", "string", "How resourceVersion applies to a list: Exact or NotOlderThan."),
  sendInitialEvents: query("sendInitialEvents", "boolean", "Start a watch with synthetic ADDED events for the current state."),
  timeoutSeconds: query("timeoutSeconds", "integer", "Ends a list or watch call after this many seconds."),
  watch: query("watch", "boolean", "Watch for changes instead of listing."),
  dryRun: query("dryRun", "string", "When 'All', the request is validated and admitted but nothing is stored."),
  fieldManager: query("fieldManager", "string", "The name of the actor making the change, recorded in managedFields."),
  fieldValidation: query(
    "fieldValidation",
    "string",
    "What to do with unknown or duplicate fields in the body: Ignore drops them, Warn drops them with a Warning header for each, Strict rejects the request.",
  ),
  force: query("force", "boolean", "For apply patches: take ownership of fields other managers own instead of failing with a conflict."),
  gracePeriodSeconds: query("gracePeriodSeconds", "integer", "Seconds to wait before deleting; zero deletes immediately."),
  ignoreStoreReadError: query(
    "ignoreStoreReadErrorWithClusterBreakingPotential",
    "boolean",
    "Delete an object the server cannot decode. Dangerous; off by default.",
  ),
  orphanDependents: query("orphanDependents", "boolean", "Deprecated: use propagationPolicy."),
  propagationPolicy: query("propagationPolicy", "string", "Whether and how dependents are deleted: Orphan, Background or Foreground."),
};

const listParams = [
  p.allowWatchBookmarks,
  p.continue,
  p.fieldSelector,
  p.labelSelector,
  p.limit,
  p.resourceVersion,
  p.resourceVersionMatch,
  p.sendInitialEvents,
  p.timeoutSeconds,
  p.watch,
];
const writeParams = [p.dryRun, p.fieldManager, p.fieldValidation];
const deleteParams = [p.dryRun, p.gracePeriodSeconds, p.ignoreStoreReadError, p.orphanDependents, p.propagationPolicy];

function ref(definition: string): JsonObject {
  return { $ref: schemaRefPrefix + definition };
}

function jsonContent(definition: string): JsonObject {
  return { "application/json": { schema: ref(definition) } };
}

function responses(definition: string, codes: { code: string; description: string }[]): JsonObject {
  const out: JsonObject = {};
  for (const c of codes) out[c.code] = { description: c.description, content: jsonContent(definition) };
  out["401"] = { description: "Unauthorized" };
  return out;
}

const ok = { code: "200", description: "OK" };
const created = { code: "201", description: "Created" };
const accepted = { code: "202", description: "Accepted" };

const patchTypes = [
  "application/apply-patch+yaml",
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
];
/** Custom resources take no strategic merge patch (kubectl apply then falls back to a merge patch). */
const customResourcePatchTypes = patchTypes.filter((t) => t !== "application/strategic-merge-patch+json");

const statusDefinition = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
const deleteOptionsDefinition = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
const patchDefinition = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

interface OperationTarget {
  gvk: { group: string; version: string; kind: string };
  /** The definition of the kind at this path. */
  definition: string;
  /** The definition of its list kind (collection paths only). */
  listDefinition?: string;
  /** Fragments for the operationId: "CoreV1", "Namespaced", "Service", "Status". */
  idGroup: string;
  idScope: string;
  idKind: string;
  idSuffix: string;
  tag: string;
  /** The PATCH request body types. */
  patchTypes: readonly string[];
}

const verbOf: Record<OpenApiAction, string> = {
  list: "list",
  post: "create",
  deletecollection: "deleteCollection",
  get: "read",
  put: "replace",
  patch: "patch",
  delete: "delete",
};

function operationId(action: OpenApiAction, t: OperationTarget): string {
  const body = `${t.idScope}${t.idKind}${t.idSuffix}`;
  if (action === "deletecollection") return `delete${t.idGroup}Collection${body}`;
  return `${verbOf[action]}${t.idGroup}${body}`;
}

function operation(action: OpenApiAction, t: OperationTarget): JsonObject {
  const op: JsonObject = {
    tags: [t.tag],
    operationId: operationId(action, t),
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": { ...t.gvk },
  };
  const kindBody: JsonObject = { content: { "*/*": { schema: ref(t.definition) } }, required: true };
  switch (action) {
    case "list":
      op.description = `list or watch objects of kind ${t.gvk.kind}`;
      op.parameters = listParams;
      op.responses = responses(t.listDefinition ?? t.definition, [ok]);
      break;
    case "post":
      op.description = `create ${t.idSuffix === "" ? "a " + t.gvk.kind : t.idSuffix.toLowerCase() + " of a " + t.idKind}`;
      op.parameters = writeParams;
      op.requestBody = kindBody;
      op.responses = responses(t.definition, [ok, created, accepted]);
      break;
    case "deletecollection":
      op.description = `delete collection of ${t.gvk.kind}`;
      op.parameters = [...deleteParams, ...listParams.filter((x) => x.name !== "watch" && x.name !== "allowWatchBookmarks")];
      op.requestBody = { content: { "*/*": { schema: ref(deleteOptionsDefinition) } } };
      op.responses = responses(statusDefinition, [ok]);
      break;
    case "get":
      op.description = `read the specified ${t.gvk.kind}`;
      op.responses = responses(t.definition, [ok]);
      break;
    case "put":
      op.description = `replace the specified ${t.gvk.kind}`;
      op.parameters = writeParams;
      op.requestBody = kindBody;
      op.responses = responses(t.definition, [ok, created]);
      break;
    case "patch": {
      op.description = `partially update the specified ${t.gvk.kind}`;
      op.parameters = [...writeParams, p.force];
      const content: JsonObject = {};
      for (const type of t.patchTypes) content[type] = { schema: ref(patchDefinition) };
      op.requestBody = { content, required: true };
      op.responses = responses(t.definition, [ok, created]);
      break;
    }
    case "delete":
      op.description = `delete a ${t.gvk.kind}`;
      op.parameters = deleteParams;
      op.requestBody = { content: { "*/*": { schema: ref(deleteOptionsDefinition) } } };
      op.responses = responses(t.definition, [ok, accepted]);
      break;
  }
  return op;
}

function pathItem(actions: OpenApiAction[], t: OperationTarget, parameters: JsonObject[]): JsonObject {
  const item: JsonObject = { parameters };
  const method: Record<OpenApiAction, string> = {
    list: "get",
    post: "post",
    deletecollection: "delete",
    get: "get",
    put: "put",
    patch: "patch",
    delete: "delete",
  };
  for (const a of actions) item[method[a]] = operation(a, t);
  return item;
}

function mustDefine(gvk: { group: string; version: string; kind: string }): string {
  const name = definitionForKind(gvk);
  if (!name) throw new Error(`no schema for ${gvk.group}/${gvk.version} ${gvk.kind}`);
  return name;
}

const capitalized = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

/**
 * The group part of upstream-style operation ids and tags: built-in groups by their words before
 * ".k8s.io" ("discovery.k8s.io" → "Discovery", "rbac.authorization.k8s.io" →
 * "RbacAuthorization", "" → "Core"), custom resources' groups by every word ("metallb.io" →
 * "MetallbIo"), as kube-apiserver names a CRD's operations.
 */
function groupWordOf(group: string, custom: boolean): string {
  if (group === "") return "Core";
  if (!custom) return group.replace(/\.k8s\.io$/, "").split(".").map(capitalized).join("");
  return group.split(/[.-]/).map(capitalized).join("");
}

function idGroupOf(group: string, version: string, custom: boolean): string {
  return groupWordOf(group, custom) + capitalized(version);
}

function tagOf(group: string, version: string, custom: boolean): string {
  const word = groupWordOf(group, custom);
  return `${word.charAt(0).toLowerCase()}${word.slice(1)}_${version}`;
}

/** The path items of one resource, keyed by URL path ("/api/v1/namespaces/{namespace}/services/{name}"). */
export function resourcePaths(r: OpenApiResource): Record<string, JsonObject> {
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const base = "/" + groupVersionKey(r.group, r.version);
  const scoped = r.namespaced ? `${base}/namespaces/{namespace}/${r.plural}` : `${base}/${r.plural}`;
  const target: OperationTarget = {
    gvk,
    definition: mustDefine(gvk),
    // Review kinds are only created: they have no list kind.
    listDefinition: r.collection.includes("list") ? mustDefine({ ...gvk, kind: `${r.kind}List` }) : undefined,
    idGroup: idGroupOf(r.group, r.version, r.customResource === true),
    idScope: r.namespaced ? "Namespaced" : "",
    idKind: r.kind,
    idSuffix: "",
    tag: tagOf(r.group, r.version, r.customResource === true),
    patchTypes: r.customResource ? customResourcePatchTypes : patchTypes,
  };
  const scopeParams = r.namespaced ? [pathParam("namespace", "object name and auth scope, such as for teams and projects")] : [];
  const nameParam = pathParam("name", `name of the ${r.kind}`);
  const paths: Record<string, JsonObject> = {};
  paths[scoped] = pathItem(r.collection, target, [...scopeParams, p.pretty]);
  if (r.item.length > 0) paths[`${scoped}/{name}`] = pathItem(r.item, target, [nameParam, ...scopeParams, p.pretty]);
  for (const sub of r.subresources) {
    const subGvk = { group: sub.group, version: sub.version, kind: sub.kind };
    const suffix = sub.name.charAt(0).toUpperCase() + sub.name.slice(1);
    const subTarget: OperationTarget = { ...target, gvk: subGvk, definition: mustDefine(subGvk), listDefinition: undefined, idSuffix: suffix };
    paths[`${scoped}/{name}/${sub.name}`] = pathItem(sub.actions, subTarget, [nameParam, ...scopeParams, p.pretty]);
  }
  if (r.namespaced && r.collection.includes("list")) {
    paths[`${base}/${r.plural}`] = pathItem(["list"], { ...target, idScope: "", idSuffix: "ForAllNamespaces" }, [p.pretty]);
  }
  return paths;
}
