import assert from "node:assert/strict";
import { test } from "node:test";
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

test("localSubjectAccessReview: answers as a LocalSubjectAccessReview in the object's namespace", () => {
  const got = localSubjectAccessReview(fakeAuthorizer(), deepFreeze({ metadata: { namespace: "team" }, spec: { user: "bob", resourceAttributes: { namespace: "team", verb: "get", resource: "pods" } } }));
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
