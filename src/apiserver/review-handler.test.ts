// The review kinds: `kubectl auth whoami` through the whole pipeline, and the access reviews of
// `kubectl auth can-i` through the resource handler with a stub hook standing in for the
// authorizer (the server wires the real one).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject } from "../api/types.js";
import { requireResource } from "../api/resources.js";
import { kubectlReviewCaptures } from "./protobuf/fixtures/kubectl-captures.js";
import type { ApiResponse } from "./request.js";
import { jsonResponse } from "./request.js";
import type { ResourceContext } from "./resource-handler.js";
import { handleResource } from "./resource-handler.js";
import type { ReviewInput } from "./review-handler.js";
import { apiErrorOf } from "./store-error-status.js";
import type { TestApi } from "./test-api.js";
import { startTestApi } from "./test-api.js";
import type { UserInfo } from "./user-info.js";

const protobuf = "application/vnd.kubernetes.protobuf";
const jane: UserInfo = { name: "jane", groups: ["devs", "system:authenticated"], uid: "u-1", extra: { scopes: ["a"] } };

function captureBody(name: string): Buffer {
  const c = kubectlReviewCaptures.find((x) => x.name === name);
  assert.ok(c, `no capture ${name}`);
  return Buffer.from(c.body, "base64");
}

interface Status {
  code: number;
  reason: string;
  message: string;
}

describe("selfsubjectreviews (kubectl auth whoami) through the API server", () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(() => t.close());

  test("answers kubectl's protobuf body with the caller's user info, 201 Created", async () => {
    const r = await t.api.inject({
      method: "POST",
      path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
      query: new URLSearchParams(),
      headers: { authorization: "Bearer test-token-0123456789", "content-type": protobuf },
      body: captureBody("whoami"),
    });
    assert.equal(r.status, 201, String(r.body));
    const review = t.json<{ kind: string; apiVersion: string; metadata: { creationTimestamp: string }; status: unknown }>(r);
    assert.equal(review.kind, "SelfSubjectReview");
    assert.equal(review.apiVersion, "authentication.k8s.io/v1");
    assert.match(review.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(review.status, { userInfo: { username: "admin", groups: ["system:masters", "system:authenticated"] } });
  });

  test("other methods and paths are refused as kube-apiserver refuses them", async () => {
    const cases: { name: string; method: string; path: string; code: number }[] = [
      { name: "list", method: "GET", path: "/apis/authentication.k8s.io/v1/selfsubjectreviews", code: 405 },
      { name: "an item", method: "GET", path: "/apis/authentication.k8s.io/v1/selfsubjectreviews/x", code: 404 },
      { name: "a watch", method: "GET", path: "/apis/authentication.k8s.io/v1/watch/selfsubjectreviews", code: 404 },
      // The server's authorizer answers access reviews; an empty body is an invalid one.
      { name: "an access review without attributes", method: "POST", path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", code: 422 },
      { name: "a namespaced review outside a namespace", method: "POST", path: "/apis/authorization.k8s.io/v1/localsubjectaccessreviews", code: 404 },
    ];
    for (const c of cases) assert.equal((await t.request(c.method, c.path, { body: c.method === "POST" ? {} : undefined })).status, c.code, c.name);
  });
});

describe("access reviews through the resource handler", () => {
  let t: TestApi;
  const asked: ReviewInput[] = [];
  let ctx: ResourceContext;
  before(async () => {
    t = await startTestApi();
    ctx = {
      registry: t.registry,
      now: () => new Date("2026-11-27T13:00:00Z"),
      // A stub authorizer: jane may list pods; rules reviews list that one rule.
      reviews: (input) => {
        asked.push(input);
        const o = input.object;
        if (o.kind === "SelfSubjectRulesReview") {
          return { ...o, status: { resourceRules: [{ verbs: ["list"], apiGroups: [""], resources: ["pods"] }], nonResourceRules: [], incomplete: false } };
        }
        const attrs = (o.spec as { resourceAttributes?: { verb?: string; resource?: string } }).resourceAttributes;
        const allowed = attrs?.verb === "list" && attrs.resource === "pods";
        return { ...o, status: allowed ? { allowed: true, reason: "stub" } : { allowed: false } } as KubeObject;
      },
    };
  });
  after(() => t.close());

  async function post(resource: string, o: { body: Buffer | object; contentType?: string; namespace?: string; user?: UserInfo | null; query?: string }): Promise<ApiResponse> {
    const r = resource === "selfsubjectreviews" ? requireResource("authentication.k8s.io", "v1", resource) : requireResource("authorization.k8s.io", "v1", resource);
    const body = Buffer.isBuffer(o.body) ? o.body : Buffer.from(JSON.stringify(o.body));
    try {
      return await handleResource(
        ctx,
        { resource: r, namespace: o.namespace, name: undefined, subresource: "", watch: false },
        {
          method: "POST",
          path: "",
          query: new URLSearchParams(o.query ?? ""),
          headers: { "content-type": o.contentType ?? "application/json" },
          body,
          user: o.user === null ? undefined : (o.user ?? jane),
        },
      );
    } catch (e) {
      const err = apiErrorOf(e);
      return jsonResponse(err.code, err.toStatus());
    }
  }

  test("kubectl auth can-i (protobuf) gets the hook's answer, 201 Created", async () => {
    asked.length = 0;
    const r = await post("selfsubjectaccessreviews", { body: captureBody("can-i"), contentType: protobuf });
    assert.equal(r.status, 201, String(r.body));
    const review = t.json<{ kind: string; apiVersion: string; spec: unknown; status: unknown }>(r);
    assert.deepEqual([review.kind, review.apiVersion], ["SelfSubjectAccessReview", "authorization.k8s.io/v1"]);
    assert.deepEqual(review.spec, { resourceAttributes: { namespace: "default", verb: "list", resource: "pods" } });
    assert.deepEqual(review.status, { allowed: true, reason: "stub" });
    assert.equal(asked.length, 1);
    assert.equal(asked[0].user, jane);
    assert.equal(asked[0].resource.kind, "SelfSubjectAccessReview");
  });

  test("each kubectl auth capture reaches the hook", async () => {
    const cases: { name: string; resource: string; allowed?: boolean }[] = [
      { name: "can-i-name", resource: "selfsubjectaccessreviews", allowed: false },
      { name: "can-i-nonresource", resource: "selfsubjectaccessreviews", allowed: false },
      { name: "can-i-all-namespaces", resource: "selfsubjectaccessreviews", allowed: false },
      { name: "can-i-list", resource: "selfsubjectrulesreviews" },
    ];
    for (const c of cases) {
      const r = await post(c.resource, { body: captureBody(c.name), contentType: protobuf });
      assert.equal(r.status, 201, `${c.name}: ${String(r.body)}`);
      const status = t.json<{ status: { allowed?: boolean; resourceRules?: unknown[] } }>(r).status;
      if (c.allowed !== undefined) assert.equal(status.allowed, c.allowed, c.name);
      else assert.deepEqual(status.resourceRules, [{ verbs: ["list"], apiGroups: [""], resources: ["pods"] }]);
    }
  });

  test("a LocalSubjectAccessReview takes the URL's namespace", async () => {
    asked.length = 0;
    const r = await post("localsubjectaccessreviews", {
      namespace: "default",
      body: { apiVersion: "authorization.k8s.io/v1", kind: "LocalSubjectAccessReview", spec: { user: "bob", resourceAttributes: { namespace: "default", verb: "list", resource: "pods" } } },
    });
    assert.equal(r.status, 201, String(r.body));
    assert.equal(asked[0].namespace, "default");
    assert.equal(asked[0].object.metadata.namespace, "default");
  });

  test("bad reviews are refused before the hook, in Kubernetes' words", async () => {
    const ssar = (spec: unknown, metadata: unknown = {}): object => ({ apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", metadata, spec });
    const cases: { name: string; resource: string; body: object; namespace?: string; user?: null; query?: string; code: number; message: string }[] = [
      {
        name: "no attributes",
        resource: "selfsubjectaccessreviews",
        body: ssar({}),
        code: 422,
        message: `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`,
      },
      {
        name: "both kinds of attributes",
        resource: "selfsubjectaccessreviews",
        body: ssar({ resourceAttributes: { verb: "get" }, nonResourceAttributes: { path: "/healthz", verb: "get" } }),
        code: 422,
        message: `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/healthz", Verb:"get"}: cannot be specified in combination with resourceAttributes`,
      },
      {
        name: "a name in metadata",
        resource: "selfsubjectaccessreviews",
        body: ssar({ resourceAttributes: { verb: "get" } }, { name: "x" }),
        code: 422,
        message:
          `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: metadata: Invalid value: v1.ObjectMeta{Name:"x", GenerateName:"", Namespace:"", SelfLink:"", UID:"", ResourceVersion:"", ` +
          `Generation:0, CreationTimestamp:time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC), DeletionTimestamp:<nil>, DeletionGracePeriodSeconds:(*int64)(nil), ` +
          `Labels:map[string]string(nil), Annotations:map[string]string(nil), OwnerReferences:[]v1.OwnerReference(nil), Finalizers:[]string(nil), ManagedFields:[]v1.ManagedFieldsEntry(nil)}: must be empty`,
      },
      {
        name: "a SubjectAccessReview without user or groups",
        resource: "subjectaccessreviews",
        body: { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: { resourceAttributes: { verb: "get" } } },
        code: 422,
        message: `SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified`,
      },
      {
        name: "a LocalSubjectAccessReview about another namespace",
        resource: "localsubjectaccessreviews",
        namespace: "default",
        body: { apiVersion: "authorization.k8s.io/v1", kind: "LocalSubjectAccessReview", spec: { user: "bob", resourceAttributes: { namespace: "kube-system", verb: "get" } } },
        code: 422,
        message: `LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "kube-system": must match metadata.namespace`,
      },
      {
        name: "a LocalSubjectAccessReview whose metadata names another namespace",
        resource: "localsubjectaccessreviews",
        namespace: "default",
        body: { apiVersion: "authorization.k8s.io/v1", kind: "LocalSubjectAccessReview", metadata: { namespace: "other" }, spec: { user: "bob", resourceAttributes: { namespace: "other" } } },
        code: 400,
        message: "the namespace of the provided object does not match the namespace sent on the request",
      },
      {
        name: "a LocalSubjectAccessReview posted outside a namespace",
        resource: "localsubjectaccessreviews",
        body: { apiVersion: "authorization.k8s.io/v1", kind: "LocalSubjectAccessReview", spec: { user: "bob", resourceAttributes: {} } },
        code: 404,
        message: "the server could not find the requested resource",
      },
      {
        name: "a rules review without namespace",
        resource: "selfsubjectrulesreviews",
        body: { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: {} },
        code: 400,
        message: "no namespace on request",
      },
      {
        name: "a self review without a user",
        resource: "selfsubjectaccessreviews",
        body: ssar({ resourceAttributes: { verb: "get" } }),
        user: null,
        code: 400,
        message: "no user present on request",
      },
      {
        name: "an unknown field under Strict",
        resource: "selfsubjectaccessreviews",
        body: ssar({ resourceAttributes: { verb: "get", resources: "pods" } }),
        query: "fieldValidation=Strict",
        code: 400,
        message: `SelfSubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: strict decoding error: unknown field "spec.resourceAttributes.resources"`,
      },
      {
        name: "another kind",
        resource: "selfsubjectaccessreviews",
        body: { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: {} },
        code: 400,
        message: `SubjectAccessReview in version "authorization.k8s.io/v1" cannot be handled as a SelfSubjectAccessReview: no kind "SubjectAccessReview" is registered for version "authorization.k8s.io/v1" in scheme "svcnet"`,
      },
    ];
    for (const c of cases) {
      asked.length = 0;
      const r = await post(c.resource, { body: c.body, namespace: c.namespace, user: c.user, query: c.query });
      assert.equal(r.status, c.code, `${c.name}: ${String(r.body)}`);
      assert.equal(t.json<Status>(r).message, c.message, c.name);
      assert.equal(asked.length, 0, `${c.name}: the hook was asked`);
    }
  });

  test("a self subject review needs no hook and reports uid and extra", async () => {
    const r = await post("selfsubjectreviews", { body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" } });
    assert.equal(r.status, 201, String(r.body));
    assert.deepEqual(t.json<{ metadata: unknown; status: unknown }>(r), {
      kind: "SelfSubjectReview",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { creationTimestamp: "2026-11-27T13:00:00Z" },
      status: { userInfo: { username: "jane", uid: "u-1", groups: ["devs", "system:authenticated"], extra: { scopes: ["a"] } } },
    });
  });
});
