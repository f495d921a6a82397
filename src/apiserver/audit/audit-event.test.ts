import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../../api/errors.js";
import type { AuditEvent, AuditEventInput, AuditTarget } from "./audit-event.js";
import { auditTarget, buildAuditEvent } from "./audit-event.js";

const ns = "/api/v1/namespaces/default";

const targets: { name: string; method: string; path: string; body?: { name?: string; namespace?: string }; want: AuditTarget | undefined }[] = [
  { name: "create in a namespace", method: "POST", path: `${ns}/services`, want: { verb: "create", objectRef: { resource: "services", namespace: "default", apiVersion: "v1" } } },
  {
    name: "create: the name comes from the body",
    method: "POST",
    path: `${ns}/services`,
    body: { name: "web", namespace: "default" },
    want: { verb: "create", objectRef: { resource: "services", namespace: "default", name: "web", apiVersion: "v1" } },
  },
  { name: "update", method: "PUT", path: `${ns}/services/web`, want: { verb: "update", objectRef: { resource: "services", namespace: "default", name: "web", apiVersion: "v1" } } },
  {
    name: "patch of the status subresource",
    method: "PATCH",
    path: `${ns}/services/web/status`,
    want: { verb: "patch", objectRef: { resource: "services", namespace: "default", name: "web", apiVersion: "v1", subresource: "status" } },
  },
  { name: "delete", method: "DELETE", path: `${ns}/services/web`, want: { verb: "delete", objectRef: { resource: "services", namespace: "default", name: "web", apiVersion: "v1" } } },
  { name: "deletecollection", method: "DELETE", path: `${ns}/pods`, want: { verb: "deletecollection", objectRef: { resource: "pods", namespace: "default", apiVersion: "v1" } } },
  {
    name: "a named group's scale subresource",
    method: "PUT",
    path: "/apis/apps/v1/namespaces/default/deployments/web/scale",
    want: { verb: "update", objectRef: { resource: "deployments", namespace: "default", name: "web", apiGroup: "apps", apiVersion: "v1", subresource: "scale" } },
  },
  {
    name: "create on a subresource (a token request)",
    method: "POST",
    path: `${ns}/serviceaccounts/default/token`,
    want: { verb: "create", objectRef: { resource: "serviceaccounts", namespace: "default", name: "default", apiVersion: "v1", subresource: "token" } },
  },
  { name: "cluster-scoped create", method: "POST", path: "/api/v1/nodes", body: { name: "n1" }, want: { verb: "create", objectRef: { resource: "nodes", name: "n1", apiVersion: "v1" } } },
  { name: "a namespace's deletion", method: "DELETE", path: "/api/v1/namespaces/team-a", want: { verb: "delete", objectRef: { resource: "namespaces", name: "team-a", apiVersion: "v1" } } },
  {
    name: "a namespace's finalize subresource",
    method: "PUT",
    path: "/api/v1/namespaces/team-a/finalize",
    want: { verb: "update", objectRef: { resource: "namespaces", name: "team-a", apiVersion: "v1", subresource: "finalize" } },
  },
  {
    name: "cluster-scoped, in a named group",
    method: "PATCH",
    path: "/apis/metallb.io/v1beta1/namespaces/metallb-system/ipaddresspools/pool",
    want: { verb: "patch", objectRef: { resource: "ipaddresspools", namespace: "metallb-system", name: "pool", apiGroup: "metallb.io", apiVersion: "v1beta1" } },
  },
  { name: "the path's name wins over the body's", method: "PUT", path: `${ns}/services/web`, body: { name: "other" }, want: { verb: "update", objectRef: { resource: "services", namespace: "default", name: "web", apiVersion: "v1" } } },
  { name: "get is a read", method: "GET", path: `${ns}/services/web`, want: undefined },
  { name: "list is a read", method: "GET", path: `${ns}/services`, want: undefined },
  { name: "watch is a read", method: "GET", path: "/api/v1/watch/namespaces/default/services", want: undefined },
  { name: "HEAD is a read", method: "HEAD", path: `${ns}/services/web`, want: undefined },
  { name: "a non-resource POST", method: "POST", path: "/api", want: undefined },
  { name: "health", method: "GET", path: "/healthz", want: undefined },
];

for (const c of targets) {
  test(`auditTarget: ${c.name}`, () => {
    assert.deepEqual(auditTarget(c.method, c.path, new URLSearchParams(), () => c.body), c.want);
  });
}

const received = Date.UTC(2026, 0, 2, 15, 4, 5) * 1000 + 123_456;

function input(over: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    auditID: "5f6a4c3e-1d2b-4a59-8e7f-0a1b2c3d4e5f",
    target: { verb: "create", objectRef: { resource: "services", namespace: "default", name: "web", apiVersion: "v1" } },
    path: `${ns}/services`,
    query: new URLSearchParams(),
    headers: { "user-agent": "kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd" },
    remoteAddress: "::ffff:192.0.2.10",
    user: { name: "admin", groups: ["system:masters", "system:authenticated"] },
    status: 201,
    body: '{"kind":"Service","apiVersion":"v1","metadata":{"name":"web"}}',
    receivedMicros: received,
    completedMicros: received + 2_345,
    ...over,
  };
}

test("buildAuditEvent: a successful create, field by field as kube-apiserver writes it", () => {
  const ev = buildAuditEvent(input());
  assert.deepEqual(ev, {
    kind: "Event",
    apiVersion: "audit.k8s.io/v1",
    level: "Metadata",
    auditID: "5f6a4c3e-1d2b-4a59-8e7f-0a1b2c3d4e5f",
    stage: "ResponseComplete",
    requestURI: "/api/v1/namespaces/default/services",
    verb: "create",
    user: { username: "admin", groups: ["system:masters", "system:authenticated"] },
    sourceIPs: ["192.0.2.10"],
    userAgent: "kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd",
    objectRef: { resource: "services", namespace: "default", name: "web", apiVersion: "v1" },
    responseStatus: { metadata: {}, code: 201 },
    requestReceivedTimestamp: "2026-01-02T15:04:05.123456Z",
    stageTimestamp: "2026-01-02T15:04:05.125801Z",
  });
  // Upstream's key order, so that lines read (and diff) like kube-apiserver's.
  assert.deepEqual(Object.keys(ev), [
    "kind",
    "apiVersion",
    "level",
    "auditID",
    "stage",
    "requestURI",
    "verb",
    "user",
    "sourceIPs",
    "userAgent",
    "objectRef",
    "responseStatus",
    "requestReceivedTimestamp",
    "stageTimestamp",
  ]);
});

const status = (e: ApiError): string => JSON.stringify(e.toStatus());

const events: { name: string; input: Partial<AuditEventInput>; want: Partial<AuditEvent>; absent?: (keyof AuditEvent)[] }[] = [
  {
    name: "422: the Status' reason, message and details",
    input: { status: 422, body: status(ApiError.invalid("", "Service", "web", [{ type: "FieldValueRequired", field: "spec.ports", badValue: "", detail: "" }])) },
    want: {
      responseStatus: {
        metadata: {},
        status: "Failure",
        message: 'Service "web" is invalid: spec.ports: Required value',
        reason: "Invalid",
        details: { name: "web", group: "", kind: "Service", causes: [{ reason: "FieldValueRequired", message: "Required value", field: "spec.ports" }] },
        code: 422,
      },
    },
  },
  {
    name: "403: who was refused, and why",
    input: { status: 403, body: status(ApiError.forbidden({ group: "", resource: "services" }, "", 'User "jane" cannot create resource "services" in API group "" in the namespace "default"')) },
    want: {
      user: { username: "admin", groups: ["system:masters", "system:authenticated"] },
      responseStatus: {
        metadata: {},
        status: "Failure",
        message: 'services is forbidden: User "jane" cannot create resource "services" in API group "" in the namespace "default"',
        reason: "Forbidden",
        details: { name: "", group: "", kind: "services" },
        code: 403,
      },
    },
  },
  {
    name: "429 with Retry-After details",
    input: { status: 429, body: Buffer.from(status(new ApiError(429, "TooManyRequests", "Too many requests, please try again later.", { retryAfterSeconds: 1 }))) },
    want: { responseStatus: { metadata: {}, status: "Failure", message: "Too many requests, please try again later.", reason: "TooManyRequests", details: { retryAfterSeconds: 1 }, code: 429 } },
  },
  {
    name: "401 with a bad bearer token: the kind of credential, never the token",
    input: { status: 401, user: undefined, headers: { authorization: "Bearer not-a-token" }, body: status(ApiError.unauthorized()) },
    want: { user: {}, responseStatus: { metadata: {}, message: "Authentication failed, attempted: bearer", code: 401 } },
  },
  {
    name: "401 without credentials",
    input: { status: 401, user: undefined, headers: {}, body: status(ApiError.unauthorized()) },
    want: { user: {}, responseStatus: { metadata: {}, message: "Authentication failed, no credentials provided", code: 401 } },
  },
  {
    name: "a success answered with a Status (a pod's binding)",
    input: { status: 201, body: JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 }) },
    want: { responseStatus: { metadata: {}, status: "Success", code: 201 } },
  },
  {
    name: "a failure that is not a Status: the code alone",
    input: { status: 500, body: "internal error" },
    want: { responseStatus: { metadata: {}, code: 500 } },
  },
  {
    name: "a service account: uid and extras",
    input: {
      user: {
        name: "system:serviceaccount:kube-system:coredns",
        uid: "0b7c5a5e-3b1e-4a43-9c2f-6f2d1c7e9a10",
        groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
        extra: { "authentication.kubernetes.io/pod-name": ["coredns-7d9f"] },
      },
    },
    want: {
      user: {
        username: "system:serviceaccount:kube-system:coredns",
        uid: "0b7c5a5e-3b1e-4a43-9c2f-6f2d1c7e9a10",
        groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
        extra: { "authentication.kubernetes.io/pod-name": ["coredns-7d9f"] },
      },
    },
  },
  {
    name: "impersonation: both identities",
    input: { impersonatedUser: { name: "jane", groups: ["dev"] } },
    want: { user: { username: "admin", groups: ["system:masters", "system:authenticated"] }, impersonatedUser: { username: "jane", groups: ["dev"] } },
  },
  {
    name: "the query is part of the request URI",
    input: { path: `${ns}/services/web`, query: new URLSearchParams("dryRun=All&fieldManager=kubectl-edit") },
    want: { requestURI: "/api/v1/namespaces/default/services/web?dryRun=All&fieldManager=kubectl-edit" },
  },
  {
    name: "a path with characters that need escaping",
    input: { path: "/api/v1/namespaces/default/configmaps/a b?c" },
    want: { requestURI: "/api/v1/namespaces/default/configmaps/a%20b%3Fc" },
  },
  {
    name: "a long User-Agent is cut, and says so",
    input: { headers: { "user-agent": "x".repeat(2000) } },
    want: { userAgent: `${"x".repeat(1024)}...TRUNCATED` },
  },
  {
    name: "in-process, without address or User-Agent",
    input: { remoteAddress: undefined, headers: {} },
    want: {},
    absent: ["sourceIPs", "userAgent", "impersonatedUser"],
  },
  {
    name: "a forwarded request lists the chain before the peer",
    input: { headers: { "x-forwarded-for": "198.51.100.4" } },
    want: { sourceIPs: ["198.51.100.4", "192.0.2.10"] },
  },
];

for (const c of events) {
  test(`buildAuditEvent: ${c.name}`, () => {
    const ev = buildAuditEvent(input(c.input));
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual(ev[k as keyof AuditEvent], v, k);
    for (const k of c.absent ?? []) assert.equal(k in ev, false, k);
    // Whatever the case, every event is one JSON line that parses back to itself.
    assert.deepEqual(JSON.parse(JSON.stringify(ev)), ev);
  });
}

test("buildAuditEvent: the event holds copies, not the user's own arrays", () => {
  const user = { name: "u", groups: ["g"], extra: { k: ["v"] } };
  const ev = buildAuditEvent(input({ user }));
  user.groups.push("later");
  user.extra.k.push("later");
  assert.deepEqual(ev.user, { username: "u", groups: ["g"], extra: { k: ["v"] } });
});
