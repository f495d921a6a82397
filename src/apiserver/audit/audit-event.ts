// audit.k8s.io/v1 Events at level Metadata, as kube-apiserver's log backend writes them: who
// (user, impersonated user, source IPs, user agent), what (verb, request URI, the object
// addressed), when (received and completed, to the microsecond) and how it ended (the response
// code, and for a Status answer its status, reason, message and details). Only requests that
// change state are audited, refused ones included — who tried matters as much as who
// succeeded; reads and non-resource requests are not. Pure: the caller brings the audit ID, the
// clock readings and the response. Fields are written in upstream's order, empty ones left out
// as its `omitempty` tags do.

import type { StatusDetails } from "../../api/errors.js";
import { parseRequestInfo } from "../request-info.js";
import type { RequestInfo } from "../request-info.js";
import { isMutatingVerb, resourceRequestVerb } from "../request-verb.js";
import type { UserInfo } from "../user-info.js";
import { formatMicroTime } from "./micro-time.js";
import { sourceIPs } from "./source-ips.js";

/** authentication/v1 UserInfo as the event carries it. */
export interface AuditUserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** What the request addressed (audit.k8s.io/v1 ObjectReference). */
export interface AuditObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  apiVersion?: string;
  subresource?: string;
}

/** The bounded fields of the response's meta/v1 Status; `code` is always the HTTP status. */
export interface AuditResponseStatus {
  metadata: Record<string, never>;
  status?: string;
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export interface AuditEvent {
  kind: "Event";
  apiVersion: "audit.k8s.io/v1";
  level: "Metadata";
  auditID: string;
  stage: "ResponseComplete";
  requestURI: string;
  verb: string;
  user: AuditUserInfo;
  impersonatedUser?: AuditUserInfo;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: AuditObjectReference;
  responseStatus: AuditResponseStatus;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
}

/** Where events go. `write` must not throw nor wait for I/O: it is called on the request path. */
export interface AuditSink {
  write(event: AuditEvent): void;
}

/** An audited request's verb and what it addresses, from its method, path and query alone. */
export interface AuditTarget {
  verb: string;
  objectRef: AuditObjectReference;
}

/** Upstream cuts longer User-Agent headers and marks the cut. */
const maxUserAgentLength = 1024;
const userAgentCutMark = "...TRUNCATED";

/** Failure bodies larger than this are not read back for the log (the code still is). */
const maxStatusBodyBytes = 64 * 1024;
const statusBodyStart = '{"kind":"Status"';

type ResourceRequestInfo = Extract<RequestInfo, { kind: "resource" }>;

/** The name and namespace a request's body gives its object. */
export type ObjectNamedInBody = { name?: string; namespace?: string };

function objectRefOf(info: ResourceRequestInfo, verb: string, fromBody: (() => ObjectNamedInBody | undefined) | undefined): AuditObjectReference {
  const ref: AuditObjectReference = { resource: info.resource };
  // A create names its object in the body, not the path; upstream completes the reference from
  // the decoded object the same way. Only such a create has its body asked.
  const body = verb === "create" && !info.name ? fromBody?.() : undefined;
  const namespace = info.namespace ?? body?.namespace;
  const name = info.name ?? body?.name;
  if (namespace) ref.namespace = namespace;
  if (name) ref.name = name;
  if (info.group) ref.apiGroup = info.group;
  ref.apiVersion = info.version;
  if (info.subresource) ref.subresource = info.subresource;
  return ref;
}

/**
 * The verb and object of a request that is audited (create, update, patch, delete,
 * deletecollection on a resource), or undefined for one that is not. `fromBody` is called
 * only for a create whose path names no object.
 */
export function auditTarget(method: string, path: string, query: URLSearchParams, fromBody?: () => ObjectNamedInBody | undefined): AuditTarget | undefined {
  const info = parseRequestInfo(path);
  if (info.kind !== "resource") return undefined;
  const verb = resourceRequestVerb(method, info, query);
  if (!isMutatingVerb(verb)) return undefined;
  return { verb, objectRef: objectRefOf(info, verb, fromBody) };
}

function auditUser(u: UserInfo | undefined): AuditUserInfo {
  if (!u) return {};
  const out: AuditUserInfo = { username: u.name };
  if (u.uid) out.uid = u.uid;
  if (u.groups.length > 0) out.groups = [...u.groups];
  const extra = Object.entries(u.extra ?? {});
  if (extra.length > 0) out.extra = Object.fromEntries(extra.map(([k, v]) => [k, [...v]]));
  return out;
}

/** The request URI as the client sent it: the (decoded) path escaped again, and the query. */
function requestURI(path: string, query: URLSearchParams): string {
  const escaped = encodeURI(path).replace(/[?#]/g, (c) => encodeURIComponent(c));
  const q = query.toString();
  return q ? `${escaped}?${q}` : escaped;
}

function statusBody(body: string | Buffer | undefined): Record<string, unknown> | undefined {
  if (body === undefined || body.length > maxStatusBodyBytes) return undefined;
  const text = typeof body === "string" ? body : body.toString("utf8");
  if (!text.startsWith(statusBodyStart)) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The response status as the event records it: the HTTP code, plus status, message, reason and
 * details when the answer is a meta/v1 Status (every failure, and a few successes such as a
 * binding).
 */
export function responseStatusOf(code: number, body: string | Buffer | undefined): AuditResponseStatus {
  const st = statusBody(body);
  if (!st) return { metadata: {}, code };
  return {
    metadata: {},
    ...(typeof st.status === "string" ? { status: st.status } : {}),
    ...(typeof st.message === "string" ? { message: st.message } : {}),
    ...(typeof st.reason === "string" ? { reason: st.reason } : {}),
    ...(typeof st.details === "object" && st.details !== null ? { details: st.details as StatusDetails } : {}),
    code,
  };
}

/**
 * What a request that authenticated as nobody tried, in upstream's words: the log says which
 * kind of credential failed, never the credential.
 */
export function authenticationFailureMessage(headers: Record<string, string | undefined>): string {
  const methods: string[] = [];
  const auth = (headers.authorization ?? "").trim();
  if (/^basic\s+\S/i.test(auth)) methods.push("basic");
  const parts = auth.split(" ");
  if (parts.length > 1 && parts[0].toLowerCase() === "bearer") methods.push("bearer");
  return methods.length > 0 ? `Authentication failed, attempted: ${methods.join(", ")}` : "Authentication failed, no credentials provided";
}

export interface AuditEventInput {
  auditID: string;
  target: AuditTarget;
  /** The request path, decoded (as ApiRequest has it). */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** The connection's peer address; absent in-process. */
  remoteAddress?: string;
  /** Who the request authenticated as; absent when it did not. */
  user?: UserInfo;
  /** Whom it acted as, when it impersonated. */
  impersonatedUser?: UserInfo;
  /** The HTTP status of the response. */
  status: number;
  /** The response body: read back only when it is a Status. */
  body?: string | Buffer;
  /** Microseconds since the epoch when the request arrived and when its response was ready. */
  receivedMicros: number;
  completedMicros: number;
}

/** The Metadata-level, ResponseComplete event of an audited request. */
export function buildAuditEvent(input: AuditEventInput): AuditEvent {
  const ips = sourceIPs(input.headers, input.remoteAddress);
  const ua = input.headers["user-agent"];
  return {
    kind: "Event",
    apiVersion: "audit.k8s.io/v1",
    level: "Metadata",
    auditID: input.auditID,
    stage: "ResponseComplete",
    requestURI: requestURI(input.path, input.query),
    verb: input.target.verb,
    user: auditUser(input.user),
    ...(input.impersonatedUser ? { impersonatedUser: auditUser(input.impersonatedUser) } : {}),
    ...(ips.length > 0 ? { sourceIPs: ips } : {}),
    ...(ua ? { userAgent: ua.length > maxUserAgentLength ? ua.slice(0, maxUserAgentLength) + userAgentCutMark : ua } : {}),
    objectRef: { ...input.target.objectRef },
    // A failed authentication is recorded with the kind of credential tried, not the Status body.
    responseStatus:
      input.status === 401 && !input.user
        ? { metadata: {}, message: authenticationFailureMessage(input.headers), code: 401 }
        : responseStatusOf(input.status, input.body),
    requestReceivedTimestamp: formatMicroTime(input.receivedMicros),
    stageTimestamp: formatMicroTime(input.completedMicros),
  };
}
