import assert from "node:assert/strict";
import { test } from "node:test";
import { deepFreeze } from "../../api/json.js";
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from "../../api/rbac-types.js";
import { JOIN_TOKEN_GROUP } from "./bootstrap-policy.js";
import { bootstrapPolicy } from "./bootstrap-policy.js";
import type { RetiredRules, RetiredSubjects } from "./retired-grants.js";
import { retiredGrants, retirePolicy, retireRules, retireSubjects } from "./retired-grants.js";

const group = (name: string): Subject => ({ kind: "Group", apiGroup: "rbac.authorization.k8s.io", name });
const joiners = group(JOIN_TOKEN_GROUP);
const nodes = group("system:nodes");
const auto = (value: string | undefined) => (value === undefined ? {} : { annotations: { "rbac.authorization.kubernetes.io/autoupdate": value } });

const binding = (subjects: Subject[], o: { name?: string; autoupdate?: string } = {}): ClusterRoleBinding =>
  deepFreeze({
    metadata: { name: o.name ?? "system:node", ...auto("autoupdate" in o ? o.autoupdate : "true") },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:node" },
    subjects,
  });

const retiredJoiners: RetiredSubjects = { kind: "ClusterRoleBinding", name: "system:node", subjects: [joiners] };

test("retireSubjects: only the retired subject of an auto-updated default goes", async (t) => {
  const cases: { name: string; binding: ClusterRoleBinding; subjects?: Subject[]; lines?: string[] }[] = [
    {
      name: "the join token's group is removed, the nodes stay",
      binding: binding([nodes, joiners]),
      subjects: [nodes],
      lines: [`RBAC: removed the retired subject Group ${JOIN_TOKEN_GROUP} from ClusterRoleBinding system:node`],
    },
    { name: "an administrator's subjects stay", binding: binding([joiners, group("ops"), nodes]), subjects: [group("ops"), nodes] },
    { name: "already without it: nothing to do", binding: binding([nodes]) },
    { name: "a User of that name is not the group", binding: binding([{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: JOIN_TOKEN_GROUP }]) },
    { name: "autoupdate=false: the administrator's", binding: binding([nodes, joiners], { autoupdate: "false" }) },
    { name: "no annotation: not touched", binding: binding([nodes, joiners], { autoupdate: undefined }) },
    { name: "another binding", binding: binding([nodes, joiners], { name: "my-nodes" }) },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = retireSubjects(c.binding, retiredJoiners);
      if (!c.subjects) return assert.equal(got, undefined);
      assert.ok(got);
      assert.deepEqual(got.object.subjects, c.subjects);
      assert.deepEqual(got.object.roleRef, c.binding.roleRef);
      if (c.lines) assert.deepEqual(got.lines, c.lines);
      else assert.equal(got.lines.length, 1);
    });
  }
});

const broad: PolicyRule = { verbs: ["get", "list", "watch"], apiGroups: ["*"], resources: ["*"] };
const narrow: PolicyRule = { verbs: ["list", "watch"], apiGroups: ["*"], resources: ["*"] };
const retiredBroad: RetiredRules = { kind: "ClusterRole", name: "system:kube-controller-manager", rules: [broad] };

const role = (rules: PolicyRule[], autoupdate: string | undefined = "true"): ClusterRole =>
  deepFreeze({ metadata: { name: "system:kube-controller-manager", ...auto(autoupdate) }, rules });

test("retireRules: only rules granting exactly a retired rule go", async (t) => {
  const cases: { name: string; role: ClusterRole; rules?: PolicyRule[]; line?: string }[] = [
    {
      name: "the broad rule is removed, the narrow one stays",
      role: role([broad, narrow]),
      rules: [narrow],
      line: 'RBAC: removed the retired rule verbs=[get,list,watch] apiGroups=[*] resources=[*] from ClusterRole system:kube-controller-manager',
    },
    { name: "the same rule written in another order", role: role([{ verbs: ["watch", "get", "list"], apiGroups: ["*"], resources: ["*"] }, narrow]), rules: [narrow] },
    { name: "a rule that grants more is an administrator's", role: role([{ ...broad, verbs: ["get", "list", "watch", "update"] }]) },
    { name: "a rule that grants less is not the retired one", role: role([{ ...broad, resources: ["pods"] }]) },
    { name: "limited to names: not the retired one", role: role([{ ...broad, resourceNames: ["x"] }]) },
    { name: "autoupdate=false: the administrator's", role: role([broad], "false") },
    { name: "without rules", role: role([]) },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = retireRules(c.role, retiredBroad);
      if (!c.rules) return assert.equal(got, undefined);
      assert.ok(got);
      assert.deepEqual(got.object.rules, c.rules);
      if (c.line) assert.deepEqual(got.lines, [c.line]);
    });
  }
});

test("retirePolicy: today's default policy has nothing retired in it", () => {
  assert.deepEqual(retirePolicy(bootstrapPolicy()), []);
});

test("retiredGrants: each retired subject names a default binding that no longer has it", () => {
  const p = bootstrapPolicy();
  for (const r of retiredGrants.subjects) {
    const b = [...p.clusterRoleBindings, ...p.roleBindings].find((x) => x.metadata.name === r.name && (x.metadata.namespace ?? "") === (r.namespace ?? ""));
    assert.ok(b, `${r.kind} ${r.name} is a default`);
    assert.ok(!r.subjects.some((s) => b.subjects?.some((x) => x.kind === s.kind && x.name === s.name)), `${r.name} no longer binds them`);
  }
});
