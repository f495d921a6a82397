import assert from "node:assert/strict";
import { test } from "node:test";
import type { Subject } from "../../api/rbac-types.js";
import type { UserInfo } from "../user-info.js";
import { RbacPolicyIndex, subjectKey, userKeys } from "./rbac-policy-source.js";
import { clusterRole, clusterRoleBinding, group, role, roleBinding, serviceAccount, user } from "./rbac-test-fixtures.js";

const jane: UserInfo = { name: "jane", groups: ["dev", "system:authenticated"] };
const robot: UserInfo = { name: "system:serviceaccount:team:robot", groups: ["system:serviceaccounts"] };

const keyCases: { name: string; subject: Subject; namespace: string; want: string | undefined }[] = [
  { name: "a user by name", subject: user("jane"), namespace: "", want: "u:jane" },
  { name: "a group by name", subject: group("dev"), namespace: "team", want: "g:dev" },
  { name: "a service account by its user name", subject: serviceAccount("robot", "team"), namespace: "", want: "u:system:serviceaccount:team:robot" },
  { name: "a service account without namespace takes the binding's", subject: serviceAccount("robot"), namespace: "team", want: "u:system:serviceaccount:team:robot" },
  { name: "…and in a ClusterRoleBinding is no one", subject: serviceAccount("robot"), namespace: "", want: undefined },
  { name: "an unknown kind is no one", subject: { kind: "Robot", name: "jane" }, namespace: "", want: undefined },
];

for (const c of keyCases) {
  test(`subjectKey: ${c.name}`, () => {
    assert.equal(subjectKey(c.subject, c.namespace), c.want);
  });
}

test("userKeys: the name and each group", () => {
  assert.deepEqual(userKeys(jane), ["u:jane", "g:dev", "g:system:authenticated"]);
});

test("RbacPolicyIndex: a user's bindings only, in name order, without walking the others", () => {
  const p = new RbacPolicyIndex();
  for (let i = 0; i < 1000; i++) p.upsert("ClusterRoleBinding", clusterRoleBinding(`other-${i}`, "r", [user(`u${i}`), group(`g${i}`)]));
  p.upsert("ClusterRoleBinding", clusterRoleBinding("z-mine", "r", [user("jane")]));
  p.upsert("ClusterRoleBinding", clusterRoleBinding("a-mine", "r", [group("dev"), user("jane")]));
  for (let i = 0; i < 100; i++) p.upsert("RoleBinding", roleBinding("team", `rb-${i}`, { kind: "Role", name: "r" }, [user(`u${i}`)]));
  p.upsert("RoleBinding", roleBinding("team", "robot", { kind: "Role", name: "r" }, [serviceAccount("robot")]));
  assert.deepEqual(
    p.clusterRoleBindingsFor(jane).map((b) => b.metadata.name),
    ["a-mine", "z-mine"],
  );
  assert.deepEqual(
    p.roleBindingsFor("team", robot).map((b) => b.metadata.name),
    ["robot"],
  );
  assert.deepEqual(p.roleBindingsFor("nowhere", jane), []);
});

test("RbacPolicyIndex: a changed binding is found under its new subjects only; removal forgets it", () => {
  const p = new RbacPolicyIndex();
  const bob: UserInfo = { name: "bob", groups: [] };
  p.upsert("RoleBinding", roleBinding("team", "b", { kind: "Role", name: "r" }, [user("jane")]));
  assert.equal(p.roleBindingsFor("team", jane).length, 1);
  p.upsert("RoleBinding", roleBinding("team", "b", { kind: "Role", name: "r" }, [user("bob")]));
  assert.equal(p.roleBindingsFor("team", jane).length, 0);
  assert.equal(p.roleBindingsFor("team", bob).length, 1);
  p.remove("RoleBinding", "team", "b");
  assert.equal(p.roleBindingsFor("team", bob).length, 0);
  p.remove("RoleBinding", "team", "never-there");
  p.remove("ClusterRoleBinding", "", "never-there");
});

test("RbacPolicyIndex: roles by namespace and name; cluster roles with a revision that moves on change", () => {
  const p = new RbacPolicyIndex();
  const r = role("team", "r", []);
  p.upsert("Role", r);
  assert.equal(p.role("team", "r"), r, "the object given, not a copy");
  assert.equal(p.role("other", "r"), undefined);
  assert.equal(p.role("", "r"), undefined);
  p.remove("Role", "team", "r");
  assert.equal(p.role("team", "r"), undefined);

  const r0 = p.clusterRolesRevision();
  p.upsert("ClusterRole", clusterRole("c", []));
  const r1 = p.clusterRolesRevision();
  assert.notEqual(r1, r0);
  assert.deepEqual(p.clusterRoles().map((c) => c.metadata.name), ["c"]);
  p.remove("ClusterRole", "", "missing");
  assert.equal(p.clusterRolesRevision(), r1, "removing nothing changes nothing");
  p.remove("ClusterRole", "", "c");
  assert.notEqual(p.clusterRolesRevision(), r1);
  assert.equal(p.clusterRole("c"), undefined);
});
