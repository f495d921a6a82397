import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { deepFreeze } from "../json.js";
import type { ClusterRoleBinding, RoleBinding, Subject } from "../rbac-types.js";
import { clusterRoleBindingTablePrinter, roleBindingTablePrinter, subjectsStrings } from "./rolebinding-table.js";
import { ago, NOW, renderLikeKubectl } from "./table-fixtures.js";

const G = "rbac.authorization.k8s.io";

function makeRoleBinding(name: string, subjects: Subject[], roleRef: RoleBinding["roleRef"] = { apiGroup: G, kind: "Role", name: "pod-reader" }): RoleBinding {
  return deepFreeze<RoleBinding>({
    apiVersion: `${G}/v1`,
    kind: "RoleBinding",
    metadata: { namespace: "default", name, creationTimestamp: ago({ m: 4 }) },
    roleRef,
    subjects,
  });
}

describe("subjectsStrings", () => {
  const cases: { name: string; subjects: unknown; want: ReturnType<typeof subjectsStrings> }[] = [
    { name: "none", subjects: undefined, want: { users: [], groups: [], serviceAccounts: [] } },
    {
      name: "each kind, in order, others dropped",
      subjects: [
        { kind: "User", name: "jane" },
        { kind: "ServiceAccount", name: "default", namespace: "kube-system" },
        { kind: "Group", name: "devs" },
        { kind: "User", name: "joe" },
        { kind: "Robot", name: "r2" },
      ],
      want: { users: ["jane", "joe"], groups: ["devs"], serviceAccounts: ["kube-system/default"] },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(subjectsStrings(c.subjects), c.want));
});

describe("rolebinding printers", () => {
  it("have Kubernetes' columns", () => {
    for (const p of [roleBindingTablePrinter, clusterRoleBindingTablePrinter]) {
      assert.deepEqual(
        p.columns.map((c) => [c.name, c.priority]),
        [
          ["Name", 0],
          ["Role", 0],
          ["Age", 0],
          ["Users", 1],
          ["Groups", 1],
          ["ServiceAccounts", 1],
        ],
      );
    }
    assert.equal(roleBindingTablePrinter.columns[3].description, "Users in the roleBinding");
    assert.equal(clusterRoleBindingTablePrinter.columns[5].description, "ServiceAccounts in the clusterRoleBinding");
  });

  const cases: { name: string; obj: RoleBinding | ClusterRoleBinding; want: (string | number)[] }[] = [
    { name: "a user bound to a role", obj: makeRoleBinding("read-pods", [{ kind: "User", apiGroup: G, name: "jane" }]), want: ["read-pods", "Role/pod-reader", "4m", "jane", "", ""] },
    {
      name: "several subjects of each kind",
      obj: makeRoleBinding(
        "mixed",
        [
          { kind: "User", apiGroup: G, name: "jane" },
          { kind: "User", apiGroup: G, name: "joe" },
          { kind: "Group", apiGroup: G, name: "devs" },
          { kind: "ServiceAccount", name: "builder", namespace: "ci" },
        ],
        { apiGroup: G, kind: "ClusterRole", name: "view" },
      ),
      want: ["mixed", "ClusterRole/view", "4m", "jane, joe", "devs", "ci/builder"],
    },
    { name: "no subjects", obj: makeRoleBinding("nobody", []), want: ["nobody", "Role/pod-reader", "4m", "", "", ""] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(roleBindingTablePrinter.cells(c.obj, NOW), c.want));

  it("prints like kubectl get rolebindings -o wide", () => {
    const b = makeRoleBinding("read-pods", [{ kind: "User", apiGroup: G, name: "jane" }]);
    assert.deepEqual(renderLikeKubectl(roleBindingTablePrinter.columns, [roleBindingTablePrinter.cells(b, NOW)], { wide: true }), [
      "NAME        ROLE              AGE   USERS   GROUPS   SERVICEACCOUNTS",
      "read-pods   Role/pod-reader   4m    jane             ",
    ]);
  });
});
