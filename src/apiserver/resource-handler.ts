// The resource endpoints: one function per verb, each a thin shell over the Registry that
// decodes the request, checks parameters and encodes the answer (JSON or Table, or a watch
// stream). Subresources (status, scale, binding, finalize) live here too; the review kinds,
// which are answered rather than stored, in review-handler.ts.

import { ApiError } from "../api/errors.js";
import type { JsonObject } from "../api/json.js";
import { isJsonObject } from "../api/json.js";
import type { ResourceInfo } from "../api/resources.js";
import { groupVersionOf } from "../api/resources.js";
import { parseFieldSelector, unsupportedField } from "../api/selectors/field-selector.js";
import type { LabelSelector } from "../api/selectors/label-selector.js";
import { SelectorParseError, formatLabelSelector, parseLabelSelector, selectorFromMap } from "../api/selectors/label-selector.js";
import type { KubeObject } from "../api/types.js";
import { resetFieldsOf } from "./managed-fields.js";
import { applyPatch } from "./patch/index.js";
import type { DeleteOptions, ListOptions, Registry, WriteOptions } from "../registry/registry.js";
import { rfc3339 } from "../api/time.js";
import type { Decoded } from "./body.js";
import { checkTypes, decodeDeleteOptionsBody, decodeObjectBody, definitionName, parseFieldValidation } from "./body.js";
import { mediaType, negotiate } from "./negotiation.js";
import type { ApiRequest, ApiResponse } from "./request.js";
import { jsonResponse } from "./request.js";
import { podLog } from "./pod-log.js";
import type { ReviewHook } from "./review-handler.js";
import { handleReview } from "./review-handler.js";
import type { ServiceAccountTokens } from "./serviceaccount/service-account-tokens.js";
import { handleTokenRequest } from "./serviceaccount/token-request.js";
import { parseIncludeObject, toTable } from "./table-convert.js";
import { watchResponse } from "./watch-stream.js";
import type { UserInfo } from "./user-info.js";
import type { KubeletClientCertificate } from "./kubelet-client.js";

export interface ResourceContext {
  registry: Registry;
  now: () => Date;
  /** Issues tokens for serviceaccounts/<name>/token; without it that subresource is not served. */
  serviceAccountTokens?: ServiceAccountTokens;
  /** The client certificate for node agents (pods/log); without it logs answer 503. */
  kubeletClient?: KubeletClientCertificate;
  /**
   * Answers the access reviews (SelfSubjectAccessReview, SelfSubjectRulesReview,
   * SubjectAccessReview, LocalSubjectAccessReview): given the decoded, validated review, returns
   * it with its status filled in. Without it those resources answer 404.
   */
  reviews?: ReviewHook;
  /**
   * The request's own check of an object about to be written (create, update, patch, of the main
   * resource or a subresource such as /status): the RBAC escalation check and the
   * CertificateSigningRequest admission plugins. Throws to refuse.
   */
  admitWrite?: (user: UserInfo | undefined, r: ResourceInfo, subresource: string, obj: KubeObject, old: KubeObject | undefined) => void;
}

/** The registry's admit option for a write of `t` by the request's user, when the context checks writes. */
function admitFor(ctx: ResourceContext, t: ResourceTarget, req: ApiRequest): WriteOptions["admit"] {
  const check = ctx.admitWrite;
  if (!check) return undefined;
  return (obj, old) => check(req.user, t.resource, t.subresource, obj, old);
}

/** The options every write of `t` carries: its subresource, dry run, who writes and the request's admission check. */
function writeOptions(ctx: ResourceContext, t: ResourceTarget, req: ApiRequest): WriteOptions {
  return { dryRun: dryRunOf(req.query), subresource: t.subresource, admit: admitFor(ctx, t, req), ...(req.user && { requester: req.user }) };
}

export interface ResourceTarget {
  resource: ResourceInfo;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string;
  watch: boolean;
}

const patchTypes = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];
/** Custom resources take no strategic merge patch, as with kube-apiserver. */
const customResourcePatchTypes = patchTypes.filter((t) => t !== "application/strategic-merge-patch+json");

/** go-restful's answer for a path that exists but not for this method (kubernetes#11181). */
function methodNotAllowedHere(): ApiError {
  return new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === "true" || v === "1";
}

function dryRunOf(q: URLSearchParams): boolean {
  const values = q.getAll("dryRun");
  for (const v of values) if (v !== "All") throw ApiError.badRequest(`dryRun must be one of "All", got ${JSON.stringify(v)}`);
  return values.length > 0;
}

function withWarnings(res: ApiResponse, warnings: readonly string[]): ApiResponse {
  if (warnings.length) res.headers.warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(", ");
  return res;
}

function selectorOptions(r: ResourceInfo, q: URLSearchParams): ListOptions {
  const o: ListOptions = {};
  try {
    const ls = q.get("labelSelector");
    if (ls) o.labelSelector = parseLabelSelector(ls);
    const fs = q.get("fieldSelector");
    if (fs) {
      o.fieldSelector = parseFieldSelector(fs);
      const bad = unsupportedField(o.fieldSelector, r.fieldLabels);
      if (bad) throw ApiError.badRequest(`field label not supported: ${bad}`);
    }
  } catch (e) {
    if (e instanceof SelectorParseError) throw ApiError.badRequest(e.message);
    throw e;
  }
  const limit = q.get("limit");
  if (limit) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 0) throw ApiError.badRequest(`limit must be a non-negative integer, got ${JSON.stringify(limit)}`);
    if (n > 0) o.limit = n;
  }
  const cont = q.get("continue");
  if (cont) o.continue = cont;
  const rv = q.get("resourceVersion");
  if (rv !== null) o.resourceVersion = rv;
  return o;
}

export function expectedFor(r: ResourceInfo): { apiVersion: string; kind: string; definition: string; customResource?: boolean } {
  const expected = { apiVersion: groupVersionOf(r), kind: r.kind, definition: definitionName(r.group, r.version, r.kind) };
  return r.customResource ? { ...expected, customResource: true } : expected;
}

function decodeFor(r: ResourceInfo, req: ApiRequest, kind?: { apiVersion: string; kind: string; definition: string }): Decoded {
  const validation = parseFieldValidation(req.query.get("fieldValidation"));
  return decodeObjectBody(req.body, req.headers["content-type"], kind ?? expectedFor(r), validation);
}

function objectResponse(ctx: ResourceContext, t: ResourceTarget, req: ApiRequest, status: number, obj: KubeObject): ApiResponse {
  const format = negotiate(req.headers.accept);
  if (format.kind === "table") {
    const table = toTable(t.resource, [obj], { resourceVersion: obj.metadata.resourceVersion }, {
      include: parseIncludeObject(req.query.get("includeObject")),
      version: format.version,
      now: ctx.now(),
    });
    return jsonResponse(status, table);
  }
  return jsonResponse(status, obj);
}

/** Dispatches a request for a resource (already authenticated and resolved). */
export async function handleResource(ctx: ResourceContext, t: ResourceTarget, req: ApiRequest): Promise<ApiResponse> {
  const m = req.method.toUpperCase();
  const r = t.resource;
  if (r.review) return handleReview(ctx, t, req);
  // kube-apiserver serves a namespaced resource across all namespaces (/api/v1/pods) for list
  // and watch only: no object is addressed there and nothing is written there (a DELETE would
  // otherwise empty every namespace at once). The /watch/ prefix likewise only reads.
  if (r.namespaced && t.namespace === undefined && t.name !== undefined) throw ApiError.notFoundPath();
  if ((r.namespaced && t.namespace === undefined) || t.watch) {
    if (m !== "GET") throw methodNotAllowedHere();
  }
  if (t.subresource) return handleSubresource(ctx, t, req);
  if (t.name === undefined) {
    if (m === "GET") return t.watch || boolParam(req.query, "watch") ? watchCollection(ctx, t, req) : listCollection(ctx, t, req);
    if (m === "POST") return createObject(ctx, t, req);
    if (m === "DELETE" && r.verbs.includes("deletecollection")) return deleteCollection(ctx, t, req);
    throw ApiError.methodNotAllowed(m, { group: r.group, resource: r.resource });
  }
  switch (m) {
    case "GET":
      if (t.watch) return watchCollection(ctx, { ...t, name: undefined }, req, t.name);
      return objectResponse(ctx, t, req, 200, await ctx.registry.get(r, t.namespace, t.name, { resourceVersion: req.query.get("resourceVersion") ?? undefined }));
    case "PUT":
      return updateObject(ctx, t, req);
    case "PATCH":
      return patchObject(ctx, t, req);
    case "DELETE":
      return deleteObject(ctx, t, req);
    default:
      throw ApiError.methodNotAllowed(m, { group: r.group, resource: r.resource });
  }
}

async function listCollection(ctx: ResourceContext, t: ResourceTarget, req: ApiRequest): Promise<ApiResponse> {
  const format = negotiate(req.headers.accept);
  const list = await ctx.registry.list(t.resource, t.namespace, selectorOptions(t.resource, req.query));
  if (format.kind === "table") {
    for (const it of list.items) {
      it.apiVersion = list.apiVersion;
      it.kind = t.resource.kind;
    }
    const table = toTable(t.resource, list.items, list.metadata, {
      include: parseIncludeObject(req.query.get("includeObject")),
      version: format.version,
      now: ctx.now(),
    });
    return jsonResponse(200, table);
  }
  return jsonResponse(200, list);
}

async function watchCollection(ctx: ResourceContext, t: ResourceTarget, req: ApiRequest, singleName?: string): Promise<ApiResponse> {
  const format = negotiate(req.headers.accept);
  const o = selectorOptions(t.resource, req.query);
  if (singleName) o.fieldSelector = [...(o.fieldSelector ?? []), { field: "metadata.name", op: "=", value: singleName }];
  const timeout = req.query.get("timeoutSeconds");
  // An int64 for Kubernetes (empty means unset); Number() would take "1e309" as Infinity.
  if (timeout && !/^-?\d+$/.test(timeout)) throw ApiError.badRequest(`timeoutSeconds must be an integer, got ${JSON.stringify(timeout)}`);
  return watchResponse({
    registry: ctx.registry,
    resource: t.resource,
    namespace: t.namespace,
    options: o,
    format,
    include: parseIncludeObject(req.query.get("includeObject")),
    timeoutSeconds: timeout ? Number(timeout) : undefined,
    bookmarks: boolParam(req.query, "allowWatchBookmarks"),
    signal: req.signal,
    now: ctx.now,
  });
}

function fieldManager(req: ApiRequest, fallback: string): string {
  const fm = req.query.get("fieldManager");
  if (fm !== null && fm.length > 128) throw ApiError.badRequest("fieldManager: Too long: must have at most 128 bytes");
  return fm || fallback;
}

function userAgentManager(req: ApiRequest): string {
  const ua = req.headers["user-agent"] ?? "unknown";
  return ua.split("/")[0] || "unknown";
}

async function createObject(ctx: ResourceContext, t: ResourceTarget, req: ApiRequest): Promise<ApiResponse> {
  const decoded = decodeFor(t.resource, req);
  const obj = decoded.object as unknown as KubeObject;
  const manager = fieldManager(req, userAgentManager(req));
  const created = await ctx.registry.create(t.resource, t.namespace, obj, { ...writeOptions(ctx, t, req), manager });
  return withWarnings(objectResponse(ctx, t, req, 201, created), decoded.warnings);
}

async function updateObject(ctx: ResourceContext, t: ResourceTarget, req: ApiRequest): Promise<ApiResponse> {
  const decoded = decodeFor(t.resource, req);
  const obj = decoded.object as unknown as KubeObject;
  const name = t.name ?? "";
  const manager = fieldManager(req, userAgentManager(req));
  const res = await ctx.registry.update(t.resource, t.namespace, name, obj, { ...writeOptions(ctx, t, req), manager });
  return withWarnings(objectResponse(ctx, t, req, res.created ? 201 : 200, res.object), decoded.warnings);
}

async function patchObject(ctx: ResourceContext, t: ResourceTarget, req: ApiRequest): Promise<ApiResponse> {
  const r = t.resource;
  const ct = mediaType(req.headers["content-type"]);
  const accepted = r.customResource ? customResourcePatchTypes : patchTypes;
  if (!accepted.includes(ct)) throw ApiError.unsupportedMediaType(ct, accepted);
  const name = t.name ?? "";
  const isApply = ct === "application/apply-patch+yaml";
  const manager = req.query.get("fieldManager") ?? (isApply ? "" : userAgentManager(req));
  if (isApply && !manager) throw ApiError.badRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
  const force = boolParam(req.query, "force");
  const validation = parseFieldValidation(req.query.get("fieldValidation"));
  const warnings: string[] = [];
  const expected = expectedFor(r);
  const res = await ctx.registry.patch(
    r,
    t.namespace,
    name,
    (live) => {
      if (!live && !isApply) throw ApiError.notFound({ group: r.group, resource: r.resource }, name);
      const patched = applyPatch({ apiVersion: expected.apiVersion, kind: r.kind }, live as unknown as JsonObject | undefined, ct, req.body, {
        manager,
        force,
        now: rfc3339(ctx.now()),
        subresource: t.subresource,
        // An endpoint owns only its part of the object (managed-fields.ts).
        resetFields: resetFieldsOf(t.subresource),
        checkConfig: (applied) => checkTypes(expected, applied),
      });
      // Re-check the patched object as if it had been sent whole.
      const check = decodeObjectBody(Buffer.from(JSON.stringify(patched)), "application/json", expected, validation);
      warnings.push(...check.warnings);
      const obj = check.object as unknown as KubeObject;
      if (live && obj.metadata.name && obj.metadata.name !== name) {
        throw ApiError.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
      }
      obj.metadata.name = name;
      return obj;
    },
    { ...writeOptions(ctx, t, req), manager: isApply ? undefined : manager },
  );
  return withWarnings(objectResponse(ctx, t, req, res.created ? 201 : 200, res.object), warnings);
}

function deleteOptionsOf(req: ApiRequest): DeleteOptions {
  const o: DeleteOptions = {};
  if (req.body.length) {
    const value = decodeDeleteOptionsBody(req.body, req.headers["content-type"]);
    if (typeof value.gracePeriodSeconds === "number") o.gracePeriodSeconds = value.gracePeriodSeconds;
    if (typeof value.propagationPolicy === "string") o.propagationPolicy = value.propagationPolicy as DeleteOptions["propagationPolicy"];
    if (value.orphanDependents === true) o.propagationPolicy = "Orphan";
    if (isJsonObject(value.preconditions)) {
      const p = value.preconditions;
      o.preconditions = {
        uid: typeof p.uid === "string" ? p.uid : undefined,
        resourceVersion: typeof p.resourceVersion === "string" ? p.resourceVersion : undefined,
      };
    }
    if (Array.isArray(value.dryRun)) {
      // A dry run asked for with a typo must not become a real delete.
      for (const v of value.dryRun) if (v !== "All") throw ApiError.badRequest(`dryRun must be one of "All", got ${JSON.stringify(v)}`);
      if (value.dryRun.length) o.dryRun = true;
    }
  }
  const q = req.query;
  const g = q.get("gracePeriodSeconds");
  if (g) {
    // An int64 for Kubernetes (empty means unset); past 2^53 JavaScript would round it to a number no client reads.
    if (!/^-?\d+$/.test(g) || !Number.isSafeInteger(Number(g))) throw ApiError.badRequest(`gracePeriodSeconds must be an integer, got ${JSON.stringify(g)}`);
    o.gracePeriodSeconds = Number(g);
  }
  const pp = q.get("propagationPolicy");
  if (pp) o.propagationPolicy = pp as DeleteOptions["propagationPolicy"];
  if (q.get("orphanDependents") === "true") o.propagationPolicy = "Orphan";
  if (q.getAll("dryRun").length) o.dryRun = dryRunOf(q);
  if (o.propagationPolicy && !["Orphan", "Background", "Foreground"].includes(o.propagationPolicy)) {
    throw ApiError.invalid("meta.k8s.io", "DeleteOptions", "", [
      { type: "FieldValueNotSupported", field: "propagationPolicy", badValue: o.propagationPolicy, detail: `supported values: "Foreground", "Background", "Orphan", "nil"` },
    ]);
  }
  if (o.gracePeriodSeconds !== undefined) {
    if (!Number.isInteger(o.gracePeriodSeconds)) throw ApiError.badRequest(`gracePeriodSeconds must be an integer, got ${o.gracePeriodSeconds}`);
    // As Kubernetes does: a negative grace period means "as soon as possible", i.e. 1 s.
    if (o.gracePeriodSeconds < 0) o.gracePeriodSeconds = 1;
  }
  return o;
}

async function deleteObject(ctx: ResourceContext, t: ResourceTarget, req: ApiRequest): Promise<ApiResponse> {
  const res = await ctx.registry.delete(t.resource, t.namespace, t.name ?? "", deleteOptionsOf(req));
  return jsonResponse(res.gone ? 200 : 202, res.object);
}

async function deleteCollection(ctx: ResourceContext, t: ResourceTarget, req: ApiRequest): Promise<ApiResponse> {
  const list = await ctx.registry.deleteCollection(t.resource, t.namespace, selectorOptions(t.resource, req.query), deleteOptionsOf(req));
  return jsonResponse(200, list);
}

// ---- subresources ----

async function handleSubresource(ctx: ResourceContext, t: ResourceTarget, req: ApiRequest): Promise<ApiResponse> {
  const r = t.resource;
  const sub = r.subresources.find((s) => s.name === t.subresource);
  const m = req.method.toUpperCase();
  if (!sub || t.name === undefined) throw ApiError.notFoundPath();
  // /approval of a CertificateSigningRequest reads and writes the whole object, as /status does.
  if (sub.name === "status" || sub.name === "approval") {
    if (m === "GET") return objectResponse(ctx, t, req, 200, await ctx.registry.get(r, t.namespace, t.name));
    if (m === "PUT") return updateObject(ctx, t, req);
    if (m === "PATCH") return patchObject(ctx, t, req);
  }
  if (sub.name === "scale") return handleScale(ctx, t, req);
  if (sub.name === "binding" && m === "POST") return handleBinding(ctx, t, req);
  if (sub.name === "log" && m === "GET") return podLog(ctx.registry, t.namespace ?? "", t.name, req, ctx.kubeletClient);
  if (sub.name === "finalize" && m === "PUT") return updateObject(ctx, t, req);
  if (sub.name === "token" && m === "POST") {
    const tokens = ctx.serviceAccountTokens;
    if (!tokens) throw ApiError.notFoundPath();
    return handleTokenRequest({ registry: ctx.registry, tokens }, t.namespace ?? "", t.name, req);
  }
  throw ApiError.methodNotAllowed(m, { group: r.group, resource: `${r.resource}/${sub.name}` });
}

function selectorOf(obj: KubeObject): LabelSelector {
  const spec = (obj.spec ?? {}) as { selector?: unknown };
  const sel = spec.selector;
  if (isJsonObject(sel) && (isJsonObject(sel.matchLabels) || Array.isArray(sel.matchExpressions))) {
    return selectorFromMap(sel.matchLabels as Record<string, string> | undefined);
  }
  return selectorFromMap(sel as Record<string, string> | undefined);
}

/** The autoscaling/v1 Scale view of a replicated object. */
export function scaleOf(obj: KubeObject): JsonObject {
  const spec = (obj.spec ?? {}) as { replicas?: number };
  const status = (obj.status ?? {}) as { replicas?: number };
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp ?? null,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: formatLabelSelector(selectorOf(obj)) },
  };
}

async function handleScale(ctx: ResourceContext, t: ResourceTarget, req: ApiRequest): Promise<ApiResponse> {
  const r = t.resource;
  const name = t.name ?? "";
  const m = req.method.toUpperCase();
  const scaleKind = { apiVersion: "autoscaling/v1", kind: "Scale", definition: "io.k8s.api.autoscaling.v1.Scale" };
  if (m === "GET") return jsonResponse(200, scaleOf(await ctx.registry.get(r, t.namespace, name)));
  let replicas: number | undefined;
  let rv: string | undefined;
  const readScale = (scale: JsonObject): void => {
    const spec = scale.spec;
    const n = isJsonObject(spec) ? spec.replicas : undefined;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      throw ApiError.invalid("autoscaling", "Scale", name, [
        { type: "FieldValueInvalid", field: "spec.replicas", badValue: n ?? null, detail: "must be greater than or equal to 0" },
      ]);
    }
    replicas = n;
    const md = scale.metadata;
    if (isJsonObject(md) && typeof md.resourceVersion === "string" && md.resourceVersion) rv = md.resourceVersion;
  };
  const validation = parseFieldValidation(req.query.get("fieldValidation"));
  if (m === "PUT") readScale(decodeFor(r, req, scaleKind).object);
  else if (m !== "PATCH") throw ApiError.methodNotAllowed(m, { group: r.group, resource: `${r.resource}/scale` });
  const res = await ctx.registry.patch(
    r,
    t.namespace,
    name,
    (live) => {
      if (!live) throw ApiError.notFound({ group: r.group, resource: r.resource }, name);
      if (m === "PATCH") {
        const patched = applyPatch({ apiVersion: "autoscaling/v1", kind: "Scale" }, scaleOf(live), mediaType(req.headers["content-type"]), req.body, {
          manager: req.query.get("fieldManager") ?? userAgentManager(req),
          force: boolParam(req.query, "force"),
          now: rfc3339(ctx.now()),
          subresource: "scale",
          checkConfig: (applied) => checkTypes(scaleKind, applied),
        });
        // Re-check the patched Scale as if it had been sent whole (a wrongly typed field is a 400).
        readScale(decodeObjectBody(Buffer.from(JSON.stringify(patched)), "application/json", scaleKind, validation).object);
      }
      if (rv && rv !== live.metadata.resourceVersion) throw ApiError.modified({ group: r.group, resource: r.resource }, name);
      (live.spec as { replicas?: number }).replicas = replicas;
      return live;
    },
    { dryRun: dryRunOf(req.query) },
  );
  return jsonResponse(200, scaleOf(res.object));
}

async function handleBinding(ctx: ResourceContext, t: ResourceTarget, req: ApiRequest): Promise<ApiResponse> {
  const r = t.resource;
  const name = t.name ?? "";
  const decoded = decodeFor(r, req, { apiVersion: "v1", kind: "Binding", definition: "io.k8s.api.core.v1.Binding" });
  const binding = decoded.object;
  const target = isJsonObject(binding.target) ? binding.target : {};
  const node = typeof target.name === "string" ? target.name : "";
  if (!node) {
    throw ApiError.invalid("", "Binding", name, [{ type: "FieldValueRequired", field: "target.name", badValue: "", detail: "" }]);
  }
  await bindPod(ctx, r, t.namespace, name, node, dryRunOf(req.query));
  return jsonResponse(201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
}

/** Sets spec.nodeName of an unbound pod; a bound pod is a 409 as in Kubernetes. */
export async function bindPod(ctx: ResourceContext, r: ResourceInfo, ns: string | undefined, name: string, node: string, dryRun: boolean): Promise<void> {
  await ctx.registry.patch(
    r,
    ns,
    name,
    (live) => {
      if (!live) throw ApiError.notFound({ group: "", resource: "pods" }, name);
      const spec = live.spec as { nodeName?: string };
      if (live.metadata.deletionTimestamp) {
        throw ApiError.conflict({ group: "", resource: "pods/binding" }, name, `pod ${name} is being deleted, cannot be assigned to a host`);
      }
      if (spec.nodeName) {
        throw ApiError.conflict({ group: "", resource: "pods/binding" }, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
      }
      spec.nodeName = node;
      // As Kubernetes' binding does: the pod is now scheduled (replacing an Unschedulable condition).
      const status = (live.status ??= {}) as { conditions?: { type: string; status: string; lastProbeTime?: null; lastTransitionTime?: string }[] };
      status.conditions = [
        ...(status.conditions ?? []).filter((c) => c.type !== "PodScheduled"),
        { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: rfc3339(ctx.now()) },
      ];
      return live;
    },
    { dryRun, subresource: "binding" },
  );
}
