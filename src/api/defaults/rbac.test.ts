import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { RoleBinding } from "../rbac-types.js";
import { defaultRoleBinding } from "./rbac.js";

describe("defaultRoleBinding", () => {
  const G = "rbac.authorization.k8s.io";
  const cases: { name: string; input: RoleBinding; want: Pick<RoleBinding, "roleRef" | "subjects"> }[] = [
    {
      name: "roleRef apiGroup and user/group subjects default to rbac.authorization.k8s.io",
      input: {
        metadata: { name: "b" },
        roleRef: { apiGroup: "", kind: "Role", name: "r" },
        subjects: [
          { kind: "User", name: "jane" },
          { kind: "Group", name: "devs" },
        ],
      },
      want: {
        roleRef: { apiGroup: G, kind: "Role", name: "r" },
        subjects: [
          { kind: "User", name: "jane", apiGroup: G },
          { kind: "Group", name: "devs", apiGroup: G },
        ],
      },
    },
    {
      name: "service accounts, unknown kinds and given groups are left alone",
      input: {
        metadata: { name: "b" },
        roleRef: { apiGroup: "example.com", kind: "Role", name: "r" },
        subjects: [
          { kind: "ServiceAccount", name: "default", namespace: "kube-system" },
          { kind: "Robot", name: "r2" },
          { kind: "User", name: "jane", apiGroup: "example.com" },
        ],
      },
      want: {
        roleRef: { apiGroup: "example.com", kind: "Role", name: "r" },
        subjects: [
          { kind: "ServiceAccount", name: "default", namespace: "kube-system" },
          { kind: "Robot", name: "r2" },
          { kind: "User", name: "jane", apiGroup: "example.com" },
        ],
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      defaultRoleBinding(c.input);
      assert.deepEqual({ roleRef: c.input.roleRef, subjects: c.input.subjects }, c.want);
    });
  }

  it("tolerates a binding without roleRef or subjects", () => {
    const b = { metadata: { name: "b" } } as RoleBinding;
    defaultRoleBinding(b);
    assert.deepEqual(b, { metadata: { name: "b" } });
  });
});
