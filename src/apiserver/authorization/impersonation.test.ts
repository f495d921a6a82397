import assert from "node:assert/strict";
import { test } from "node:test";
import type { UserInfo } from "../user-info.js";
import type { AuthorizationAttributes } from "./attributes.js";
import type { Authorizer } from "./authorizer.js";
import type { HeaderValues } from "./impersonation.js";
import { impersonate, impersonationCheck, impersonationRequests, splitServiceAccountUserName } from "./impersonation.js";

const jane: UserInfo = { name: "jane", groups: ["system:authenticated"] };

/** Allows every check except on the names in `refuse`; records the checks. */
function authorizer(refuse: string[] = []): Authorizer & { checks: string[] } {
  const checks: string[] = [];
  const describe = (a: AuthorizationAttributes): string =>
    `${a.verb} ${a.apiGroup}/${a.resource}${a.subresource ? `/${a.subresource}` : ""} ${a.namespace ? `${a.namespace}/` : ""}${a.name}`;
  return {
    checks,
    authorize(a) {
      checks.push(describe(a));
      return refuse.includes(a.name) ? { decision: "no-opinion", reason: "" } : { decision: "allow", reason: "ok" };
    },
  };
}

const cases: { name: string; headers: HeaderValues; user?: UserInfo; checks?: string[] }[] = [
  { name: "no headers, no impersonation", headers: { authorization: "Bearer x" }, checks: [] },
  {
    name: "--as bob",
    headers: { "impersonate-user": ["bob"] },
    user: { name: "bob", groups: ["system:authenticated"] },
    checks: ["impersonate /users bob"],
  },
  {
    name: "--as bob --as-group a --as-group b (groups replace, authenticated added)",
    headers: { "impersonate-user": "bob", "impersonate-group": ["a", "b"] },
    user: { name: "bob", groups: ["a", "b", "system:authenticated"] },
    checks: ["impersonate /users bob", "impersonate /groups a", "impersonate /groups b"],
  },
  {
    name: "an explicit system:unauthenticated is kept alone",
    headers: { "impersonate-user": "bob", "impersonate-group": ["system:unauthenticated"] },
    user: { name: "bob", groups: ["system:unauthenticated"] },
  },
  {
    name: "system:anonymous is unauthenticated",
    headers: { "impersonate-user": "system:anonymous" },
    user: { name: "system:anonymous", groups: ["system:unauthenticated"] },
  },
  {
    name: "a service account user name checks serviceaccounts in its namespace and gets its groups",
    headers: { "impersonate-user": "system:serviceaccount:team:robot" },
    user: { name: "system:serviceaccount:team:robot", groups: ["system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"] },
    checks: ["impersonate /serviceaccounts team/robot"],
  },
  {
    name: "a service account with groups asked for gets those",
    headers: { "impersonate-user": "system:serviceaccount:team:robot", "impersonate-group": "g" },
    user: { name: "system:serviceaccount:team:robot", groups: ["g", "system:authenticated"] },
  },
  {
    name: "a malformed service account name is a plain user",
    headers: { "impersonate-user": "system:serviceaccount:Team:robot" },
    checks: ["impersonate /users system:serviceaccount:Team:robot"],
  },
  {
    name: "uid and extras (keys lower-cased, %-decoded, sorted)",
    headers: { "Impersonate-User": "bob", "impersonate-uid": "u-1", "impersonate-extra-scopes": ["view", "edit"], "impersonate-extra-example.com%2fteam": "x" },
    user: { name: "bob", groups: ["system:authenticated"], uid: "u-1", extra: { "example.com/team": ["x"], scopes: ["view", "edit"] } },
    checks: [
      "impersonate /users bob",
      "impersonate authentication.k8s.io/userextras/example.com/team x",
      "impersonate authentication.k8s.io/userextras/scopes view",
      "impersonate authentication.k8s.io/userextras/scopes edit",
      "impersonate authentication.k8s.io/uids u-1",
    ],
  },
];

for (const c of cases) {
  test(`impersonate: ${c.name}`, () => {
    const authz = authorizer();
    const got = impersonate(authz, jane, c.headers);
    if (c.user) assert.deepEqual(got, { kind: "impersonate", user: c.user });
    if (c.checks?.length === 0) assert.deepEqual(got, { kind: "none" });
    if (c.checks) assert.deepEqual(authz.checks, c.checks);
  });
}

const refusals: { name: string; headers: HeaderValues; refuse: string[]; code: number; message: string }[] = [
  {
    name: "a user not allowed",
    headers: { "impersonate-user": "bob" },
    refuse: ["bob"],
    code: 403,
    message: 'users "bob" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope',
  },
  {
    name: "a group not allowed, after the user was",
    headers: { "impersonate-user": "bob", "impersonate-group": ["ok", "system:masters"] },
    refuse: ["system:masters"],
    code: 403,
    message: 'groups "system:masters" is forbidden: User "jane" cannot impersonate resource "groups" in API group "" at the cluster scope',
  },
  {
    name: "a service account not allowed",
    headers: { "impersonate-user": "system:serviceaccount:kube-system:coredns" },
    refuse: ["coredns"],
    code: 403,
    message: 'serviceaccounts "coredns" is forbidden: User "jane" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "kube-system"',
  },
  {
    name: "an extra not allowed",
    headers: { "impersonate-user": "bob", "impersonate-extra-scopes": "admin" },
    refuse: ["admin"],
    code: 403,
    message: 'userextras.authentication.k8s.io "admin" is forbidden: User "jane" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
  },
  {
    name: "groups without a user",
    headers: { "impersonate-group": "g", "impersonate-uid": "u" },
    refuse: [],
    code: 500,
    message: "Internal error occurred: requested [{Group  g    } {UID  u  authentication.k8s.io/v1  }] without impersonating a user",
  },
];

for (const c of refusals) {
  test(`impersonate refuses: ${c.name}`, () => {
    const got = impersonate(authorizer(c.refuse), jane, c.headers);
    assert.equal(got.kind, "refused");
    if (got.kind !== "refused") return;
    assert.equal(got.error.code, c.code);
    assert.equal(got.error.message, c.message);
  });
}

test("impersonationRequests: an empty user header asks for nothing", () => {
  assert.deepEqual(impersonationRequests({ "impersonate-user": "" }), { ok: true, requests: [] });
});

test("impersonationCheck: a uid check names the uid in authentication.k8s.io", () => {
  const a = impersonationCheck(jane, { kind: "UID", namespace: "", name: "u-1", apiVersion: "authentication.k8s.io/v1", fieldPath: "" });
  assert.deepEqual([a.apiGroup, a.apiVersion, a.resource, a.name, a.namespace], ["authentication.k8s.io", "v1", "uids", "u-1", ""]);
});

test("splitServiceAccountUserName: namespace a DNS label, name a DNS subdomain, exactly two parts", () => {
  assert.deepEqual(splitServiceAccountUserName("system:serviceaccount:ns:my.sa"), { namespace: "ns", name: "my.sa" });
  assert.equal(splitServiceAccountUserName("system:serviceaccount:ns"), undefined);
  assert.equal(splitServiceAccountUserName("system:serviceaccount:a:b:c"), undefined);
  assert.equal(splitServiceAccountUserName("system:serviceaccount:my.ns:sa"), undefined);
  assert.equal(splitServiceAccountUserName("bob"), undefined);
});
