// The entry point for request bodies sent as application/vnd.kubernetes.protobuf (kubectl 1.32's
// generator commands, drain, the reviews of `kubectl auth` and `kubectl certificate`): the envelope is opened, the kind looked up, and the object
// decoded into the JSON the same request would have carried as application/json.

import { ApiError } from "../../api/errors.js";
import type { JsonObject } from "../../api/json.js";
import { decodeMessage } from "./decode-message.js";
import { readEnvelope } from "./envelope.js";
import { ProtobufError } from "./protobuf-error.js";

/** The protobuf media type this decoder handles. */
export const protobufMediaType = "application/vnd.kubernetes.protobuf";

/** A kind this server accepts as protobuf. `apiVersion: "*"` matches any version. */
export interface ProtobufKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** Full protobuf message name of the object. */
  readonly message: string;
}

/**
 * Kinds accepted as protobuf. DeleteOptions is registered in every group version, so a client
 * may label it with any apiVersion.
 */
export const protobufKinds: readonly ProtobufKind[] = [
  { apiVersion: "v1", kind: "Namespace", message: "k8s.io.api.core.v1.Namespace" },
  { apiVersion: "v1", kind: "Service", message: "k8s.io.api.core.v1.Service" },
  { apiVersion: "v1", kind: "ServiceAccount", message: "k8s.io.api.core.v1.ServiceAccount" },
  { apiVersion: "v1", kind: "ConfigMap", message: "k8s.io.api.core.v1.ConfigMap" },
  { apiVersion: "v1", kind: "Secret", message: "k8s.io.api.core.v1.Secret" },
  { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", message: "k8s.io.api.authentication.v1.TokenRequest" },
  { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview", message: "k8s.io.api.authentication.v1.SelfSubjectReview" },
  { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", message: "k8s.io.api.authorization.v1.SelfSubjectAccessReview" },
  { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", message: "k8s.io.api.authorization.v1.SelfSubjectRulesReview" },
  { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", message: "k8s.io.api.authorization.v1.SubjectAccessReview" },
  { apiVersion: "authorization.k8s.io/v1", kind: "LocalSubjectAccessReview", message: "k8s.io.api.authorization.v1.LocalSubjectAccessReview" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", message: "k8s.io.api.rbac.v1.Role" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", message: "k8s.io.api.rbac.v1.ClusterRole" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", message: "k8s.io.api.rbac.v1.RoleBinding" },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", message: "k8s.io.api.rbac.v1.ClusterRoleBinding" },
  { apiVersion: "certificates.k8s.io/v1", kind: "CertificateSigningRequest", message: "k8s.io.api.certificates.v1.CertificateSigningRequest" },
  { apiVersion: "apps/v1", kind: "Deployment", message: "k8s.io.api.apps.v1.Deployment" },
  { apiVersion: "policy/v1", kind: "Eviction", message: "k8s.io.api.policy.v1.Eviction" },
  { apiVersion: "*", kind: "DeleteOptions", message: "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions" },
];

/** A decoded body: the envelope's apiVersion and kind, and the object with both set on it. */
export interface ProtobufBody {
  apiVersion: string;
  kind: string;
  object: JsonObject;
}

function unsupportedKind(apiVersion: string, kind: string): ApiError {
  return new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - kind "${kind}" in version "${apiVersion}" is not supported in ${protobufMediaType} by this server; send it as JSON instead (for example kubectl create -f with a YAML manifest)`,
    { kind, causes: [{ reason: "UnexpectedServerResponse", message: protobufMediaType }] },
  );
}

function decode(body: Uint8Array): ProtobufBody {
  const env = readEnvelope(body);
  if (env.kind === "") throw new ProtobufError("the envelope names no kind");
  if (env.contentEncoding !== "") throw new ProtobufError(`unsupported content encoding "${env.contentEncoding}"`);
  if (env.contentType !== "" && env.contentType !== protobufMediaType) throw new ProtobufError(`unsupported content type "${env.contentType}" inside the envelope`);
  const known = protobufKinds.find((k) => k.kind === env.kind && (k.apiVersion === "*" || k.apiVersion === env.apiVersion));
  if (!known) throw unsupportedKind(env.apiVersion, env.kind);
  const fields = decodeMessage(env.raw, known.message);
  const object: JsonObject = { kind: env.kind, apiVersion: env.apiVersion, ...fields };
  return { apiVersion: env.apiVersion, kind: env.kind, object };
}

/**
 * Decodes a Kubernetes protobuf request body into the JSON object the JSON API would receive:
 * JSON field names, IntOrString as number or string, Time as RFC 3339, zero values omitted as
 * Go's omitempty omits them. Throws ApiError: 415 UnsupportedMediaType for a kind not in
 * `protobufKinds`; 400 BadRequest for a malformed body or a field number the tables do not know
 * (the message names the protobuf message and field number).
 */
export function decodeProtobufBody(body: Uint8Array): ProtobufBody {
  try {
    return decode(body);
  } catch (e) {
    if (e instanceof ProtobufError) throw ApiError.badRequest(e.message);
    throw e;
  }
}
