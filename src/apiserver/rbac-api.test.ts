// rbac.authorization.k8s.io/v1 Roles, ClusterRoles and their bindings through the whole
// in-process pipeline: discovery, create (JSON and kubectl's protobuf), defaults, Kubernetes'
// validation messages, strict field validation, roleRef immutability and kubectl's tables.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { kubectlCaptures } from "./protobuf/fixtures/kubectl-captures.js";
import type { TestApi } from "./test-api.js";
import { startTestApi } from "./test-api.js";

const G = "rbac.authorization.k8s.io";
const gv = `/apis/${G}/v1`;
const roles = `${gv}/namespaces/default/roles`;
const roleBindings = `${gv}/namespaces/default/rolebindings`;
const tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
const protobuf = "application/vnd.kubernetes.protobuf";

interface StatusBody {
  code: number;
  reason: string;
  message: string;
}

interface Binding {
  metadata: { name: string; resourceVersion?: string };
  roleRef: { apiGroup: string; kind: string; name: string };
  subjects?: { kind: string; name: string; apiGroup?: string; namespace?: string }[];
}

function capture(name: string): Buffer {
  const c = kubectlCaptures.find((x) => x.name === name);
  assert.ok(c, `no capture ${name}`);
  return Buffer.from(c.body, "base64");
}

describe("rbac.authorization.k8s.io/v1 through the API server", () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(() => t.close());

  /** POSTs a kubectl capture as kubectl does (protobuf, Strict field validation). */
  async function postCapture(path: string, name: string): Promise<{ status: number; body: string }> {
    const r = await t.api.inject({
      method: "POST",
      path,
      query: new URLSearchParams("fieldManager=kubectl-create&fieldValidation=Strict"),
      headers: { authorization: "Bearer test-token-0123456789", "content-type": protobuf },
      body: capture(name),
    });
    return { status: r.status, body: String(r.body) };
  }

  test("discovery lists the four kinds as kube-apiserver does", async () => {
    const list = t.json<{ resources: { name: string; singularName: string; namespaced: boolean; kind: string; shortNames?: string[]; verbs: string[] }[] }>(
      await t.request("GET", gv),
    );
    assert.deepEqual(
      list.resources.map((r) => [r.name, r.singularName, r.kind, r.namespaced, r.shortNames]),
      [
        ["clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, undefined],
        ["clusterroles", "clusterrole", "ClusterRole", false, undefined],
        ["rolebindings", "rolebinding", "RoleBinding", true, undefined],
        ["roles", "role", "Role", true, undefined],
      ],
    );
    for (const r of list.resources) assert.deepEqual(r.verbs, ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]);
    const group = t.json<{ name: string; preferredVersion: { groupVersion: string } }>(await t.request("GET", `/apis/${G}`));
    assert.deepEqual([group.name, group.preferredVersion.groupVersion], [G, `${G}/v1`]);
  });

  test("aggregated discovery has every new group with scopes and verbs", async () => {
    const agg = t.json<{ items: { metadata: { name: string }; versions: { version: string; resources: { resource: string; scope: string; verbs: string[] }[] }[] }[] }>(
      await t.request("GET", "/apis", { accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList" }),
    );
    const of = (g: string): [string, string, string][] => {
      const item = agg.items.find((i) => i.metadata.name === g);
      assert.ok(item, g);
      return item.versions[0].resources.map((r) => [r.resource, r.scope, r.verbs.join(",")]);
    };
    assert.deepEqual(of(G).map(([r, s]) => [r, s]), [
      ["clusterrolebindings", "Cluster"],
      ["clusterroles", "Cluster"],
      ["rolebindings", "Namespaced"],
      ["roles", "Namespaced"],
    ]);
    assert.deepEqual(of("authorization.k8s.io"), [
      ["localsubjectaccessreviews", "Namespaced", "create"],
      ["selfsubjectaccessreviews", "Cluster", "create"],
      ["selfsubjectrulesreviews", "Cluster", "create"],
      ["subjectaccessreviews", "Cluster", "create"],
    ]);
    assert.deepEqual(of("authentication.k8s.io"), [["selfsubjectreviews", "Cluster", "create"]]);
  });

  test("kubectl create role (protobuf) is stored and read back", async () => {
    const c = await postCapture(roles, "role");
    assert.equal(c.status, 201, c.body);
    const got = t.json<{ metadata: { name: string; uid?: string }; rules: unknown[] }>(await t.request("GET", `${roles}/pod-reader`));
    assert.equal(got.metadata.name, "pod-reader");
    assert.ok(got.metadata.uid);
    assert.deepEqual(got.rules, [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }]);
  });

  test("each generator's object is accepted", async () => {
    const cases: { name: string; path: string }[] = [
      { name: "role-names", path: roles },
      { name: "clusterrole", path: `${gv}/clusterroles` },
      { name: "clusterrole-urls", path: `${gv}/clusterroles` },
      { name: "clusterrole-aggregated", path: `${gv}/clusterroles` },
      { name: "rolebinding", path: roleBindings },
      { name: "rolebinding-all-kinds", path: roleBindings },
      { name: "clusterrolebinding", path: `${gv}/clusterrolebindings` },
    ];
    for (const c of cases) {
      const r = await postCapture(c.path, c.name);
      assert.equal(r.status, 201, `${c.name}: ${r.body}`);
    }
    const names = t.json<{ items: { metadata: { name: string } }[] }>(await t.request("GET", `${gv}/clusterroles`)).items.map((i) => i.metadata.name);
    // Beside the default policy every server starts with (cluster-admin, admin, edit, system:…).
    assert.deepEqual(names.filter((n) => ["health-reader", "monitoring", "pod-lister"].includes(n)).sort(), ["health-reader", "monitoring", "pod-lister"]);
    assert.ok(names.includes("cluster-admin"), "the default policy is there too");
  });

  test("bindings get their apiGroups defaulted", async () => {
    const r = await t.request("POST", roleBindings, {
      body: {
        apiVersion: `${G}/v1`,
        kind: "RoleBinding",
        metadata: { name: "defaulted" },
        roleRef: { kind: "Role", name: "pod-reader" },
        subjects: [
          { kind: "User", name: "jane" },
          { kind: "ServiceAccount", name: "default", namespace: "default" },
        ],
      },
    });
    assert.equal(r.status, 201, String(r.body));
    const b = t.json<Binding>(r);
    assert.deepEqual(b.roleRef, { kind: "Role", name: "pod-reader", apiGroup: G });
    assert.deepEqual(b.subjects, [
      { kind: "User", name: "jane", apiGroup: G },
      { kind: "ServiceAccount", name: "default", namespace: "default" },
    ]);
  });

  test("invalid objects are 422 with Kubernetes' messages", async () => {
    const cases: { name: string; path: string; body: Record<string, unknown>; message: string }[] = [
      {
        name: "a Role with non-resource URLs",
        path: roles,
        body: { apiVersion: `${G}/v1`, kind: "Role", metadata: { name: "urls" }, rules: [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }] },
        message: `Role.rbac.authorization.k8s.io "urls" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs`,
      },
      {
        name: "a rule without verbs",
        path: `${gv}/clusterroles`,
        body: { apiVersion: `${G}/v1`, kind: "ClusterRole", metadata: { name: "no-verbs" }, rules: [{ apiGroups: [""], resources: ["pods"] }] },
        message: `ClusterRole.rbac.authorization.k8s.io "no-verbs" is invalid: rules[0].verbs: Required value: verbs must contain at least one value`,
      },
      {
        name: "a ClusterRoleBinding to a Role",
        path: `${gv}/clusterrolebindings`,
        body: { apiVersion: `${G}/v1`, kind: "ClusterRoleBinding", metadata: { name: "to-role" }, roleRef: { apiGroup: G, kind: "Role", name: "x" } },
        message: `ClusterRoleBinding.rbac.authorization.k8s.io "to-role" is invalid: roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"`,
      },
      {
        name: "a service account subject without namespace in a ClusterRoleBinding",
        path: `${gv}/clusterrolebindings`,
        body: {
          apiVersion: `${G}/v1`,
          kind: "ClusterRoleBinding",
          metadata: { name: "sa" },
          roleRef: { kind: "ClusterRole", name: "view" },
          subjects: [{ kind: "ServiceAccount", name: "builder" }],
        },
        message: `ClusterRoleBinding.rbac.authorization.k8s.io "sa" is invalid: subjects[0].namespace: Required value`,
      },
    ];
    for (const c of cases) {
      const r = await t.request("POST", c.path, { body: c.body });
      assert.equal(r.status, 422, `${c.name}: ${String(r.body)}`);
      const st = t.json<StatusBody>(r);
      assert.equal(st.reason, "Invalid", c.name);
      assert.equal(st.message, c.message, c.name);
    }
  });

  test("unknown fields fail strict field validation", async () => {
    const r = await t.request("POST", `${roles}?fieldValidation=Strict`, {
      body: { apiVersion: `${G}/v1`, kind: "Role", metadata: { name: "strict" }, rules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"], resource: ["typo"] }] },
    });
    assert.equal(r.status, 400, String(r.body));
    assert.equal(t.json<StatusBody>(r).message, `Role in version "v1" cannot be handled as a Role: strict decoding error: unknown field "rules[0].resource"`);
  });

  test("a binding's roleRef cannot change, its subjects can", async () => {
    const live = t.json<Binding>(await t.request("GET", `${roleBindings}/read-pods`));
    const moved = await t.request("PUT", `${roleBindings}/read-pods`, { body: { ...live, apiVersion: `${G}/v1`, kind: "RoleBinding", roleRef: { ...live.roleRef, kind: "ClusterRole", name: "view" } } });
    assert.equal(moved.status, 422, String(moved.body));
    assert.equal(
      t.json<StatusBody>(moved).message,
      `RoleBinding.rbac.authorization.k8s.io "read-pods" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"view"}: cannot change roleRef`,
    );
    const patched = await t.request("PATCH", `${roleBindings}/read-pods`, {
      body: { subjects: [{ kind: "Group", name: "devs" }] },
      contentType: "application/merge-patch+json",
    });
    assert.equal(patched.status, 200, String(patched.body));
    assert.deepEqual(t.json<Binding>(patched).subjects, [{ kind: "Group", name: "devs", apiGroup: G }]);
  });

  test("kubectl get rolebindings -o wide: Role as Kind/name, subjects by kind", async () => {
    const table = t.json<{ columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[] }[] }>(
      await t.request("GET", roleBindings, { accept: tableAccept }),
    );
    assert.deepEqual(
      table.columnDefinitions.map((c) => [c.name, c.priority]),
      [
        ["Name", 0],
        ["Role", 0],
        ["Age", 0],
        ["Users", 1],
        ["Groups", 1],
        ["ServiceAccounts", 1],
      ],
    );
    const row = table.rows.find((r) => r.cells[0] === "view-all");
    assert.ok(row);
    assert.deepEqual([row.cells[1], row.cells[3], row.cells[4], row.cells[5]], ["ClusterRole/view", "jane", "devs", "kube-system/default"]);
  });

  test("kubectl get roles: Name and Created At in RFC 3339", async () => {
    const table = t.json<{ columnDefinitions: { name: string; type: string }[]; rows: { cells: unknown[] }[] }>(await t.request("GET", roles, { accept: tableAccept }));
    assert.deepEqual(
      table.columnDefinitions.map((c) => [c.name, c.type]),
      [
        ["Name", "string"],
        ["Created At", "date"],
      ],
    );
    const row = table.rows.find((r) => r.cells[0] === "pod-reader");
    assert.ok(row);
    assert.match(String(row.cells[1]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test("cluster-scoped kinds are not found under a namespace, and deleting works", async () => {
    assert.equal((await t.request("GET", `${gv}/namespaces/default/clusterroles`)).status, 404);
    assert.equal((await t.request("DELETE", `${gv}/clusterroles/pod-lister`)).status, 200);
    assert.equal((await t.request("GET", `${gv}/clusterroles/pod-lister`)).status, 404);
  });
});
