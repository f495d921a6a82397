import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRequestInfo } from "../request-info.js";
import { requestVerb } from "../request-verb.js";
import type { UserInfo } from "../user-info.js";
import { isLongRunning, requestDigest } from "./request-digest.js";

const alice: UserInfo = { name: "alice", groups: [] };

const users: { name: string; user: UserInfo | undefined; want: { name: string; groups: string[] } }[] = [
  { name: "no credential: system:anonymous, unauthenticated", user: undefined, want: { name: "system:anonymous", groups: ["system:unauthenticated"] } },
  { name: "an authenticated user is in system:authenticated", user: alice, want: { name: "alice", groups: ["system:authenticated"] } },
  { name: "once only", user: { name: "bob", groups: ["dev", "system:authenticated"] }, want: { name: "bob", groups: ["dev", "system:authenticated"] } },
];

for (const c of users) {
  test(`requestDigest: ${c.name}`, () => {
    const info = parseRequestInfo("/version");
    const d = requestDigest(requestVerb("GET", info, new URLSearchParams()), info, c.user);
    assert.deepEqual({ name: d.user.name, groups: [...d.user.groups] }, c.want);
  });
}

test("requestDigest: the verb and what a resource request addresses", () => {
  const info = parseRequestInfo("/apis/apps/v1/namespaces/web/deployments/x/scale");
  const d = requestDigest(requestVerb("PATCH", info, new URLSearchParams()), info, alice);
  assert.equal(d.verb, "patch");
  assert.deepEqual(d.target, { kind: "resource", apiGroup: "apps", resource: "deployments", subresource: "scale", namespace: "web" });
});

const longRunning: { name: string; method?: string; path: string; query?: string; want: boolean }[] = [
  { name: "a watch", path: "/api/v1/pods", query: "watch=true", want: true },
  { name: "a watch through the /watch/ prefix", path: "/api/v1/watch/namespaces/default/pods", want: true },
  { name: "logs, followed or not", path: "/api/v1/namespaces/default/pods/web/log", want: true },
  { name: "exec", method: "POST", path: "/api/v1/namespaces/default/pods/web/exec", want: true },
  { name: "attach", method: "POST", path: "/api/v1/namespaces/default/pods/web/attach", want: true },
  { name: "port-forward", method: "POST", path: "/api/v1/namespaces/default/pods/web/portforward", want: true },
  { name: "a list", path: "/api/v1/pods", want: false },
  { name: "a status update", method: "PUT", path: "/api/v1/namespaces/default/pods/web/status", want: false },
  { name: "a non-resource path", path: "/version", want: false },
];

for (const c of longRunning) {
  test(`isLongRunning: ${c.name} → ${c.want}`, () => {
    const info = parseRequestInfo(c.path);
    assert.equal(isLongRunning(requestDigest(requestVerb(c.method ?? "GET", info, new URLSearchParams(c.query ?? "")), info, alice)), c.want);
  });
}
