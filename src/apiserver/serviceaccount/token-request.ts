// POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token — the TokenRequest subresource
// (`kubectl create token`, and the node agent for projected volumes), in kube-apiserver 1.32's
// order: decode and default, name/namespace must match the URL, the service account must exist,
// audiences default to the API server's, validate, resolve the bound object (a Pod or Secret
// whose uid must match; a Pod must run as this service account), then sign. A pod-bound request
// for 3607 s gets a year-long token with `warnafter` (see claims.ts); the answer still says
// 3607 s, so the agent refreshes on the usual schedule.

import { ApiError } from "../../api/errors.js";
import { fieldErrors, path } from "../../api/field-errors.js";
import { requireResource } from "../../api/resources.js";
import { rfc3339 } from "../../api/time.js";
import type { BoundObjectReference, KubeObject, Pod, TokenRequest } from "../../api/types.js";
import { defaultTokenRequest, validateTokenRequest } from "../../api/validation/token-request.js";
import type { Registry } from "../../registry/registry.js";
import { decodeObjectBody, parseFieldValidation } from "../body.js";
import type { ApiRequest, ApiResponse } from "../request.js";
import { jsonResponse } from "../request.js";
import type { ObjectRef } from "./claims.js";
import { extendedExpirationSeconds, warnOnlyBoundTokenExpirationSeconds } from "./claims.js";
import type { ServiceAccountTokens } from "./service-account-tokens.js";

const tokenRequestKind = { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", definition: "io.k8s.api.authentication.v1.TokenRequest" };

/** Kubernetes' GroupVersionKind.String(): `apps/v1, Kind=Deployment`, `/v1, Kind=ConfigMap`. */
function gvkString(ref: BoundObjectReference): { group: string; text: string } {
  const apiVersion = ref.apiVersion ?? "";
  const slash = apiVersion.indexOf("/");
  const group = slash >= 0 ? apiVersion.slice(0, slash) : "";
  const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
  return { group, text: `${group}/${version}, Kind=${ref.kind ?? ""}` };
}

/** 422 for one metadata field of the request (`field`: "name" or "namespace"). */
function invalidMetadata(name: string, field: string, value: string, detail: string): ApiError {
  return ApiError.invalid("authentication.k8s.io", "TokenRequest", name, [fieldErrors.invalid(path("metadata", field), value, detail)]);
}

/** The pod or secret a request binds to, with the node of a pod; throws Kubernetes' errors. */
async function resolveBound(
  registry: Registry,
  ns: string,
  saName: string,
  ref: BoundObjectReference,
): Promise<{ pod?: ObjectRef; secret?: ObjectRef; node?: ObjectRef }> {
  const { group, text } = gvkString(ref);
  const name = ref.name ?? "";
  let uid: string;
  let out: { pod?: ObjectRef; secret?: ObjectRef; node?: ObjectRef };
  if (group === "" && ref.kind === "Pod") {
    const pod = (await registry.get(requireResource("", "v1", "pods"), ns, name)) as Pod;
    if (pod.spec.serviceAccountName !== saName) {
      throw ApiError.badRequest(`cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`);
    }
    uid = pod.metadata.uid ?? "";
    out = { pod: { name, uid } };
    const nodeName = pod.spec.nodeName;
    if (nodeName) {
      // A node that does not exist (any more) still goes into the claims by name.
      const node = await registry.find(requireResource("", "v1", "nodes"), undefined, nodeName);
      out.node = { name: nodeName, uid: node?.metadata.uid ?? "" };
    }
  } else if (group === "" && ref.kind === "Secret") {
    // svcnet serves no secrets, so none can be found.
    throw ApiError.notFound({ group: "", resource: "secrets" }, name);
  } else {
    throw ApiError.badRequest(`cannot bind token to object of type ${text}`);
  }
  if (ref.uid && ref.uid !== uid) {
    throw ApiError.conflict(
      { group: "", resource: ref.kind ?? "" },
      name,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  return out;
}

/** Answers one TokenRequest: 201 with the request, its status holding the token. */
export async function handleTokenRequest(
  ctx: { registry: Registry; tokens: ServiceAccountTokens },
  ns: string,
  name: string,
  req: ApiRequest,
): Promise<ApiResponse> {
  const decoded = decodeObjectBody(req.body, req.headers["content-type"], tokenRequestKind, parseFieldValidation(req.query.get("fieldValidation")));
  const tr = decoded.object as unknown as TokenRequest;
  defaultTokenRequest(tr);
  if (tr.metadata.name && tr.metadata.name !== name) throw invalidMetadata(name, "name", tr.metadata.name, "must match the service account name if specified");
  if (tr.metadata.namespace && tr.metadata.namespace !== ns) {
    throw invalidMetadata(name, "namespace", tr.metadata.namespace, "must match the service account namespace if specified");
  }
  const sa: KubeObject = await ctx.registry.get(requireResource("", "v1", "serviceaccounts"), ns, name);
  const tokens = ctx.tokens;
  if (!tr.spec.audiences || tr.spec.audiences.length === 0) tr.spec.audiences = [...tokens.audiences];
  const now = tokens.now();
  tr.metadata = { ...tr.metadata, name: sa.metadata.name, namespace: ns, creationTimestamp: rfc3339(now) };
  delete tr.status;
  const errs = validateTokenRequest(tr);
  if (errs.length) throw ApiError.invalid("authentication.k8s.io", "TokenRequest", "", errs);
  const ref = tr.spec.boundObjectRef ?? undefined;
  const bound = ref ? await resolveBound(ctx.registry, ns, name, ref) : {};
  const requested = tr.spec.expirationSeconds ?? 0;
  let expirationSeconds = requested;
  let warnAfterSeconds = 0;
  const kubeAudiences = tr.spec.audiences.every((a) => tokens.audiences.includes(a));
  if (tokens.extendExpiration && bound.pod && requested === warnOnlyBoundTokenExpirationSeconds && kubeAudiences) {
    warnAfterSeconds = requested;
    expirationSeconds = extendedExpirationSeconds;
  }
  const { token } = tokens.issue({
    serviceAccount: { namespace: ns, name, uid: sa.metadata.uid ?? "" },
    ...bound,
    audiences: tr.spec.audiences,
    expirationSeconds,
    warnAfterSeconds,
  });
  tr.status = { token, expirationTimestamp: rfc3339(now.getTime() + requested * 1000) };
  const res = jsonResponse(201, tr);
  if (decoded.warnings.length) res.headers.warning = decoded.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(", ");
  return res;
}
