import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../../api/errors.js";
import { deepFreeze } from "../../api/json.js";
import type { SelfSubjectAccessReview, SubjectAccessReview } from "../../api/rbac-types.js";
import type { UserInfo } from "../user-info.js";
import { localSubjectAccessReview, reviewAttributes, selfSubjectAccessReview, selfSubjectRulesReview, subjectAccessReview } from "./access-review.js";
import type { AuthorizationAttributes } from "./attributes.js";
import type { Authorizer, RuleResolver } from "./authorizer.js";

/** Allows `get`, denies `delete`, has no opinion otherwise; remembers what it was asked. */
function fakeAuthorizer(): Authorizer & { asked: AuthorizationAttributes[] } {
  const asked: AuthorizationAttributes[] = [];
  return {
    asked,
    authorize(attrs) {
      asked.push(attrs);
      if (attrs.verb === "get") return { decision: "allow", reason: `RBAC: allowed for ${attrs.user.name}` };
      if (attrs.verb === "delete") return { decision: "deny", reason: "no deletes", evaluationError: "webhook down" };
      return { decision: "no-opinion", reason: "" };
    },
  };
}

const jane: UserInfo = { name: "jane", groups: ["system:authenticated"] };

const ssar = (spec: SelfSubjectAccessReview["spec"], metadata: SelfSubjectAccessReview["metadata"] = { creationTimestamp: null }): SelfSubjectAccessReview =>
  deepFreeze({ apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", metadata, spec });

function invalidMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ApiError);
    return `${e.code} ${e.message}`;
  }
  assert.fail("no error");
}

test("selfSubjectAccessReview: kubectl auth can-i get pods", () => {
  const authz = fakeAuthorizer();
  const got = selfSubjectAccessReview(authz, jane, ssar({ resourceAttributes: { namespace: "default", verb: "get", resource: "pods" } }));
  assert.deepEqual(got.status, { allowed: true, reason: "RBAC: allowed for jane" });
  assert.equal(got.kind, "SelfSubjectAccessReview");
  assert.deepEqual(got.spec, { resourceAttributes: { namespace: "default", verb: "get", resource: "pods" } });
  assert.equal(authz.asked[0].user, jane);
  assert.equal(authz.asked[0].apiVersion, "*", "no version asks about every version");
});

test("selfSubjectAccessReview: no opinion is not allowed; a deny says so with the evaluation error", () => {
  assert.deepEqual(selfSubjectAccessReview(fakeAuthorizer(), jane, ssar({ resourceAttributes: { verb: "list", resource: "pods" } })).status, { allowed: false });
  assert.deepEqual(selfSubjectAccessReview(fakeAuthorizer(), jane, ssar({ nonResourceAttributes: { verb: "delete", path: "/x" } })).status, {
    allowed: false,
    denied: true,
    reason: "no deletes",
    evaluationError: "webhook down",
  });
});

const invalidCases: { name: string; run: () => unknown; want: string }[] = [
  {
    name: "SSAR: neither kind of attributes",
    run: () => selfSubjectAccessReview(fakeAuthorizer(), jane, ssar({})),
    want: '422 SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
  },
  {
    name: "SSAR: both kinds",
    run: () => selfSubjectAccessReview(fakeAuthorizer(), jane, ssar({ resourceAttributes: { verb: "get" }, nonResourceAttributes: { path: "/x", verb: "get" } })),
    want: '422 SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes',
  },
  {
    name: "SSAR: a name in metadata",
    run: () => selfSubjectAccessReview(fakeAuthorizer(), jane, ssar({ resourceAttributes: { verb: "get" } }, { name: "x" })),
    want: '422 SelfSubjectAccessReview.authorization.k8s.io "" is invalid: metadata: Invalid value: {"name":"x"}: must be empty',
  },
  {
    name: "SAR: no user and no group",
    run: () => subjectAccessReview(fakeAuthorizer(), deepFreeze({ metadata: {}, spec: { resourceAttributes: { verb: "get" } } })),
    want: '422 SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified',
  },
  {
    name: "SAR: several errors in brackets",
    run: () => subjectAccessReview(fakeAuthorizer(), deepFreeze({ metadata: {}, spec: {} })),
    want:
      '422 SubjectAccessReview.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]',
  },
  {
    name: "LSAR: non-resource attributes",
    run: () => localSubjectAccessReview(fakeAuthorizer(), "team", deepFreeze({ metadata: {}, spec: { user: "bob", nonResourceAttributes: { path: "/x", verb: "get" } } })),
    want: '422 LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: disallowed on this kind of request',
  },
  {
    name: "LSAR: another namespace in the attributes",
    run: () => localSubjectAccessReview(fakeAuthorizer(), "team", deepFreeze({ metadata: {}, spec: { user: "bob", resourceAttributes: { namespace: "other", verb: "get" } } })),
    want: '422 LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "other": must match metadata.namespace',
  },
  {
    name: "LSAR: a namespace in metadata unlike the request's",
    run: () => localSubjectAccessReview(fakeAuthorizer(), "team", deepFreeze({ metadata: { namespace: "other" }, spec: { user: "bob", resourceAttributes: { namespace: "other", verb: "get" } } })),
    want: "400 spec.resourceAttributes.namespace must match namespace: team",
  },
  {
    name: "SSRR: no namespace",
    run: () => selfSubjectRulesReview({ rulesFor: () => assert.fail("not asked") }, jane, deepFreeze({ metadata: {}, spec: {} })),
    want: "400 no namespace on request",
  },
];

for (const c of invalidCases) {
  test(`access reviews refuse: ${c.name}`, () => {
    assert.equal(invalidMessage(c.run), c.want);
  });
}

test("subjectAccessReview: asks about the spec's user, groups, uid and extra", () => {
  const authz = fakeAuthorizer();
  const review: SubjectAccessReview = deepFreeze({
    metadata: {},
    spec: { user: "bob", groups: ["g"], uid: "u-1", extra: { scopes: ["a"] }, resourceAttributes: { namespace: "x", verb: "get", group: "apps", version: "v1", resource: "deployments", subresource: "scale", name: "d" } },
  });
  const got = subjectAccessReview(authz, review);
  assert.deepEqual(got.status, { allowed: true, reason: "RBAC: allowed for bob" });
  assert.deepEqual(authz.asked[0], {
    user: { name: "bob", groups: ["g"], uid: "u-1", extra: { scopes: ["a"] } },
    verb: "get",
    resourceRequest: true,
    namespace: "x",
    apiGroup: "apps",
    apiVersion: "v1",
    resource: "deployments",
    subresource: "scale",
    name: "d",
    path: "",
  });
});

test("subjectAccessReview: a group alone is a subject", () => {
  assert.equal(subjectAccessReview(fakeAuthorizer(), deepFreeze({ metadata: {}, spec: { groups: ["g"], nonResourceAttributes: { verb: "get", path: "/healthz" } } })).status?.allowed, true);
});

test("localSubjectAccessReview: takes the request's namespace when the object names none", () => {
  const got = localSubjectAccessReview(fakeAuthorizer(), "team", deepFreeze({ metadata: {}, spec: { user: "bob", resourceAttributes: { namespace: "team", verb: "get", resource: "pods" } } }));
  assert.equal(got.metadata.namespace, "team");
  assert.equal(got.kind, "LocalSubjectAccessReview");
  assert.equal(got.status?.allowed, true);
});

test("reviewAttributes: non-resource attributes", () => {
  assert.deepEqual(reviewAttributes(jane, { nonResourceAttributes: { verb: "get", path: "/version" } }), {
    user: jane,
    verb: "get",
    resourceRequest: false,
    namespace: "",
    apiGroup: "",
    apiVersion: "",
    resource: "",
    subresource: "",
    name: "",
    path: "/version",
  });
});

test("selfSubjectRulesReview: the resolver's rules for the spec's namespace, with an empty spec back", () => {
  const asked: string[] = [];
  const resolver: RuleResolver = {
    rulesFor: (u, ns) => {
      asked.push(`${u.name}@${ns}`);
      return { resourceRules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }], nonResourceRules: [], incomplete: false, evaluationError: "x" };
    },
  };
  const got = selfSubjectRulesReview(resolver, jane, deepFreeze({ metadata: {}, spec: { namespace: "team" } }));
  assert.deepEqual(asked, ["jane@team"]);
  assert.deepEqual(got, {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectRulesReview",
    metadata: {},
    spec: {},
    status: { resourceRules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"] }], nonResourceRules: [], incomplete: false, evaluationError: "x" },
  });
});
