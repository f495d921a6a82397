// RBAC objects and `kubectl auth` with the real kubectl (1.32, via the installed dispatcher)
// against a real `svcnet server` process: the generators (sent as protobuf), wide tables,
// describe's PolicyRule table, explain, create -f and apply of a manifest, auth whoami; and RBAC
// deciding: can-i (also --list) and --as, a Forbidden in Kubernetes' words, escalation through a
// RoleBinding refused, impersonation refused to a user who may not impersonate.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { join } from "node:path";
import { writeComponentKubeconfig } from "../../src/server/component-credentials.js";

/** Polls `get` until it answers `want` (a new binding takes a moment to reach the authorizer's cache). */
async function waitForAnswer(get: () => Promise<string>, want: string): Promise<void> {
  let got = "";
  for (let i = 0; i < 50 && (got = await get()) !== want; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(got, want);
}

function cells(out: string, name: string): string[] {
  const line = out.split("\n").find((l) => l.split(/\s+/)[0] === name);
  assert.ok(line, `no row for ${name} in:\n${out}`);
  return line.trim().split(/\s+/);
}

const bindingYaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ops-view
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: pod-lister
subjects:
- kind: Group
  name: ops
- kind: ServiceAccount
  name: builder
  namespace: ci
`;

describe("kubectl with roles, bindings and auth", () => {
  let s: ServerProcess;
  before(async () => {
    s = await startServer();
  });
  after(async () => {
    await s?.stop();
  });

  test("create role and rolebinding, then get them -o wide", async () => {
    const role = await s.kubectl(["create", "role", "pod-reader", "--verb=get,list", "--resource=pods"]);
    assert.equal(role.code, 0, role.stderr);
    assert.match(role.stdout, /^role\.rbac\.authorization\.k8s\.io\/pod-reader created$/m);
    const rb = await s.kubectl(["create", "rolebinding", "read-pods", "--role=pod-reader", "--user=jane", "--serviceaccount=default:builder"]);
    assert.equal(rb.code, 0, rb.stderr);
    assert.match(rb.stdout, /^rolebinding\.rbac\.authorization\.k8s\.io\/read-pods created$/m);
    const wide = await s.kubectl(["get", "roles,rolebindings", "-o", "wide"]);
    assert.equal(wide.code, 0, wide.stderr);
    const [rolesPart, bindingsPart] = wide.stdout.split("\n\n");
    assert.match(rolesPart.split("\n")[0], /^NAME\s+CREATED AT$/);
    const roleRow = cells(rolesPart, "role.rbac.authorization.k8s.io/pod-reader");
    assert.match(roleRow[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(bindingsPart.split("\n")[0], /^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS$/);
    const b = cells(bindingsPart, "rolebinding.rbac.authorization.k8s.io/read-pods");
    assert.deepEqual([b[1], b[3], b[4]], ["Role/pod-reader", "jane", "default/builder"]);
  });

  test("RBAC decides: can-i and --as follow the binding, a refusal is in Kubernetes' words, escalation is refused", async () => {
    // jane may get and list pods in default (the binding above), nothing more.
    const canI = async (args: string[]) => (await s.kubectl(["auth", "can-i", ...args, "--as", "jane"])).stdout.trim();
    await waitForAnswer(() => canI(["list", "pods"]), "yes");
    assert.equal(await canI(["delete", "pods"]), "no");
    assert.equal(await canI(["list", "pods", "-n", "kube-system"]), "no");
    assert.equal((await s.kubectl(["get", "pods", "--as", "jane"])).code, 0);
    const refused = await s.kubectl(["delete", "pod", "web", "--as", "jane"]);
    assert.equal(refused.stderr.trim(), 'Error from server (Forbidden): pods "web" is forbidden: User "jane" cannot delete resource "pods" in API group "" in the namespace "default"');
    const list = await s.kubectl(["auth", "can-i", "--list", "--as", "jane"]);
    assert.match(list.stdout, /^pods\s+\[\]\s+\[\]\s+\[get list\]$/m);
    // Allowed to write RoleBindings, jane still cannot grant what she does not hold.
    assert.equal((await s.kubectl(["create", "role", "binder", "--verb=create,get", "--resource=rolebindings"])).code, 0);
    assert.equal((await s.kubectl(["create", "rolebinding", "jane-binds", "--role=binder", "--user=jane"])).code, 0);
    await waitForAnswer(() => canI(["create", "rolebindings"]), "yes");
    const escalate = await s.kubectl(["create", "rolebinding", "jane-admin", "--clusterrole=admin", "--user=jane", "--as", "jane"]);
    assert.match(escalate.stderr, /^error: failed to create rolebinding: rolebindings\.rbac\.authorization\.k8s\.io "jane-admin" is forbidden: user "jane" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:/);
    // What she holds she may pass on.
    assert.equal((await s.kubectl(["create", "rolebinding", "joe-reads", "--role=pod-reader", "--user=joe", "--as", "jane"])).code, 0);
    // Impersonation is itself authorized: with her own credential (a client certificate) jane
    // reads pods, but may not pretend to be joe.
    const janeConfig = writeComponentKubeconfig(join(s.dataDir, "jane.kubeconfig"), { caDir: s.dataDir, server: s.url, subject: { commonName: "jane" } });
    assert.equal((await s.kubectl(["--kubeconfig", janeConfig, "get", "pods"])).code, 0);
    const impersonate = await s.kubectl(["--kubeconfig", janeConfig, "get", "pods", "--as", "joe"]);
    assert.equal(impersonate.stderr.trim(), 'Error from server (Forbidden): users "joe" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope');
  });

  test("describe role shows the PolicyRule table", async () => {
    const d = await s.kubectl(["describe", "role", "pod-reader"]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /^Name:\s+pod-reader$/m);
    assert.match(d.stdout, /^PolicyRule:$/m);
    assert.match(d.stdout, /^\s+Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
    assert.match(d.stdout, /^\s+pods\s+\[\]\s+\[\]\s+\[get list\]$/m);
  });

  test("create clusterrole, then create -f and apply a ClusterRoleBinding manifest", async () => {
    const cr = await s.kubectl(["create", "clusterrole", "pod-lister", "--verb=get,list,watch", "--resource=pods"]);
    assert.equal(cr.code, 0, cr.stderr);
    const f = s.file("crb.yaml", bindingYaml);
    const c = await s.kubectl(["create", "-f", f]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /clusterrolebinding\.rbac\.authorization\.k8s\.io\/ops-view created/);
    const a = await s.kubectl(["apply", "-f", f]);
    assert.equal(a.code, 0, a.stderr);
    const g = await s.kubectl(["get", "clusterrolebinding", "ops-view", "-o", "wide"]);
    assert.equal(g.code, 0, g.stderr);
    const row = cells(g.stdout, "ops-view");
    assert.deepEqual([row[1], row[3], row[4]], ["ClusterRole/pod-lister", "ops", "ci/builder"]);
    const moved = await s.kubectl(["apply", "-f", s.file("crb-moved.yaml", bindingYaml.replace("name: pod-lister", "name: view"))]);
    assert.notEqual(moved.code, 0);
    assert.match(moved.stderr, /roleRef: Invalid value: .*cannot change roleRef/);
  });

  test("server-side validation: a Role may not name non-resource URLs, unknown fields are refused", async () => {
    const bad = s.file(
      "bad-role.yaml",
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: urls\nrules:\n- verbs: [get]\n  nonResourceURLs: [/healthz]\n",
    );
    const r = await s.kubectl(["create", "-f", bad]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Role "urls" is invalid: rules\[0\]\.nonResourceURLs: Invalid value: \[\]string\{"\/healthz"\}: namespaced rules cannot apply to non-resource URLs/);
    const typo = s.file("typo-role.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: typo\nrules:\n- verbs: [get]\n  apiGroup: [\"\"]\n  resources: [pods]\n");
    const u = await s.kubectl(["create", "-f", typo]);
    assert.notEqual(u.code, 0);
    assert.match(u.stderr, /unknown field "rules\[0\]\.apiGroup"/);
  });

  test("explain role documents its fields", async () => {
    const e = await s.kubectl(["explain", "role.rules"]);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /^GROUP:\s+rbac\.authorization\.k8s\.io$/m);
    assert.match(e.stdout, /^\s+verbs\s+<\[\]string> -required-$/m);
  });

  test("auth whoami reports the admin", async () => {
    const w = await s.kubectl(["auth", "whoami"]);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stdout, /^ATTRIBUTE\s+VALUE$/m);
    assert.match(w.stdout, /^Username\s+\S+$/m);
    assert.match(w.stdout, /^Groups\s+\[.*system:masters.*\]$/m);
  });

  test("api-resources lists the rbac and review kinds", async () => {
    const r = await s.kubectl(["api-resources", "--api-group=rbac.authorization.k8s.io"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^roles\s+rbac\.authorization\.k8s\.io\/v1\s+true\s+Role$/m);
    assert.match(r.stdout, /^clusterrolebindings\s+rbac\.authorization\.k8s\.io\/v1\s+false\s+ClusterRoleBinding$/m);
    const a = await s.kubectl(["api-resources", "--api-group=authorization.k8s.io", "-o", "wide"]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /^selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview\s+create\s*$/m);
  });
});
