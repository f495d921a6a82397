// The review kinds: objects that are POSTed and answered, never stored. SelfSubjectReview
// (`kubectl auth whoami`) is answered here from the authenticated user; the access reviews
// (`kubectl auth can-i`: SelfSubjectAccessReview, SelfSubjectRulesReview, SubjectAccessReview,
// LocalSubjectAccessReview) by a hook the authorizer provides. The body is decoded as any
// create's (JSON, YAML or protobuf, with field validation), checked as kube-apiserver checks it
// (metadata namespace, the kind's validation, a user where the kind needs one), and the answer
// is 201 Created, as kube-apiserver's create handler sends it.

import { ApiError } from "../api/errors.js";
import type { JsonObject } from "../api/json.js";
import type { ResourceInfo } from "../api/resources.js";
import { groupVersionOf } from "../api/resources.js";
import { rfc3339 } from "../api/time.js";
import type { KubeObject } from "../api/types.js";
import { validateAccessReview } from "../api/validation/access-review.js";
import { decodeObjectBody, definitionName, parseFieldValidation } from "./body.js";
import { negotiate } from "./negotiation.js";
import type { ApiRequest, ApiResponse } from "./request.js";
import { jsonResponse } from "./request.js";
import { parseIncludeObject, toTable } from "./table-convert.js";
import type { UserInfo } from "./user-info.js";

/** What an access review hook is asked: the review (decoded, validated), where it was posted, and by whom. */
export interface ReviewInput {
  resource: ResourceInfo;
  /** The namespace of the URL (LocalSubjectAccessReview), else undefined. */
  namespace: string | undefined;
  object: KubeObject;
  user: UserInfo | undefined;
}

/** Computes the answer to an access review: the object with its status filled in. */
export type ReviewHook = (input: ReviewInput) => KubeObject | Promise<KubeObject>;

export interface ReviewContext {
  /** Answers access reviews; without it they are not served (404). */
  reviews?: ReviewHook;
  now: () => Date;
}

export interface ReviewTarget {
  resource: ResourceInfo;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string;
  watch: boolean;
}

const selfSubjectReview = "SelfSubjectReview";

function noUser(): ApiError {
  return ApiError.badRequest("no user present on request");
}

/** kube-apiserver's answer to a SelfSubjectReview: the caller's user info, empty parts left out. */
export function selfSubjectReviewOf(user: UserInfo, now: Date): JsonObject {
  const userInfo: JsonObject = {};
  if (user.name) userInfo.username = user.name;
  if (user.uid) userInfo.uid = user.uid;
  if (user.groups.length) userInfo.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length) {
    const extra: JsonObject = {};
    for (const [k, v] of Object.entries(user.extra)) extra[k] = [...v];
    userInfo.extra = extra;
  }
  return {
    kind: selfSubjectReview,
    apiVersion: "authentication.k8s.io/v1",
    metadata: { creationTimestamp: rfc3339(now) },
    status: { userInfo },
  };
}

/**
 * The namespace rule of kube-apiserver's create handler: an object without a namespace takes the
 * URL's; a cluster-scoped kind drops one; a different namespace is a 400.
 */
function settleNamespace(obj: KubeObject, r: ResourceInfo, namespace: string | undefined): void {
  const given = obj.metadata.namespace ?? "";
  const expected = r.namespaced ? (namespace ?? "") : "";
  if (given === expected) return;
  if (given === "") obj.metadata.namespace = expected;
  else if (expected === "") delete obj.metadata.namespace;
  else throw ApiError.badRequest("the namespace of the provided object does not match the namespace sent on the request");
}

/** The checks kube-apiserver's REST storage of each review kind makes before asking the authorizer. */
function checkReview(r: ResourceInfo, obj: KubeObject, user: UserInfo | undefined): void {
  if (r.kind === "SelfSubjectRulesReview") {
    if (!user) throw noUser();
    const spec = obj.spec as { namespace?: unknown } | undefined;
    if (typeof spec?.namespace !== "string" || spec.namespace === "") throw ApiError.badRequest("no namespace on request");
    return;
  }
  const errs = validateAccessReview(r.kind, obj);
  if (errs.length) throw ApiError.invalid(r.group, r.kind, "", errs);
  if (r.kind === "SelfSubjectAccessReview" && !user) throw noUser();
}

function respond(ctx: ReviewContext, r: ResourceInfo, req: ApiRequest, obj: KubeObject, warnings: readonly string[]): ApiResponse {
  const format = negotiate(req.headers.accept);
  const body =
    format.kind === "table"
      ? toTable(r, [obj], {}, { include: parseIncludeObject(req.query.get("includeObject")), version: format.version, now: ctx.now() })
      : obj;
  const res = jsonResponse(201, body);
  if (warnings.length) res.headers.warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(", ");
  return res;
}

/** Serves POST on a review resource (`ResourceInfo.review`); everything else there is 404 or 405. */
export async function handleReview(ctx: ReviewContext, t: ReviewTarget, req: ApiRequest): Promise<ApiResponse> {
  const r = t.resource;
  const self = r.kind === selfSubjectReview;
  // Only the collection takes POSTs (a namespaced review's under its namespace), as in kube-apiserver's routes.
  const collection = t.name === undefined && !t.subresource && !t.watch && (t.namespace !== undefined || !r.namespaced);
  if (!collection || (!self && !ctx.reviews)) throw ApiError.notFoundPath();
  const m = req.method.toUpperCase();
  if (m !== "POST") throw ApiError.methodNotAllowed(m, { group: r.group, resource: r.resource });
  for (const v of req.query.getAll("dryRun")) if (v !== "All") throw ApiError.badRequest(`dryRun must be one of "All", got ${JSON.stringify(v)}`);
  const expected = { apiVersion: groupVersionOf(r), kind: r.kind, definition: definitionName(r.group, r.version, r.kind) };
  const decoded = decodeObjectBody(req.body, req.headers["content-type"], expected, parseFieldValidation(req.query.get("fieldValidation")));
  const obj = decoded.object as unknown as KubeObject;
  settleNamespace(obj, r, t.namespace);
  if (self) {
    if (!req.user) throw noUser();
    return respond(ctx, r, req, selfSubjectReviewOf(req.user, ctx.now()) as unknown as KubeObject, decoded.warnings);
  }
  checkReview(r, obj, req.user);
  const hook = ctx.reviews;
  if (!hook) throw ApiError.notFoundPath();
  const answer = await hook({ resource: r, namespace: t.namespace, object: obj, user: req.user });
  const out: KubeObject = { ...answer, apiVersion: answer.apiVersion ?? expected.apiVersion, kind: answer.kind ?? expected.kind };
  return respond(ctx, r, req, out, decoded.warnings);
}
