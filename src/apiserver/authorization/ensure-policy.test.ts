// ensureRbacPolicy against a registry: a store seeded with an older default policy — the join
// token's group bound as a node, the controller manager's broad rules — ends with today's, with
// one log line per retired grant, and an administrator's additions kept.

import assert from "node:assert/strict";
import { test } from "node:test";
import { deepCopy } from "../../api/json.js";
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from "../../api/rbac-types.js";
import { requireResource } from "../../api/resources.js";
import type { KubeObject } from "../../api/types.js";
import { buildRegistry } from "../../registry/build-registry.js";
import type { Registry } from "../../registry/registry.js";
import { bootstrapCluster } from "../../server/bootstrap.js";
import { MemoryStore } from "../../storage/memory-store.js";
import { WatchCache } from "../../storage/watch-cache.js";
import type { BootstrapPolicy } from "./bootstrap-policy.js";
import { bootstrapPolicy, JOIN_TOKEN_GROUP } from "./bootstrap-policy.js";
import { ensureRbacPolicy } from "./ensure-policy.js";
import { uncoveredRules } from "./escalation.js";
import { retiredGrants } from "./retired-grants.js";

const rbac = (resource: string) => requireResource("rbac.authorization.k8s.io", "v1", resource);

/** The default policy as clusters made before TLS bootstrap hold it. */
function oldPolicy(): BootstrapPolicy {
  const p = bootstrapPolicy();
  const kcm = p.clusterRoles.find((r) => r.metadata.name === "system:kube-controller-manager");
  assert.ok(kcm);
  kcm.rules = [
    ...deepCopy(retiredGrants.rules[0].rules),
    { verbs: ["create"], apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"] },
    { verbs: ["create"], apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews"] },
  ];
  const joiners = { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: JOIN_TOKEN_GROUP };
  for (const b of [...p.clusterRoleBindings, ...p.roleBindings]) {
    if (retiredGrants.subjects.some((r) => r.name === b.metadata.name && (r.namespace ?? "") === (b.metadata.namespace ?? ""))) b.subjects = [...(b.subjects ?? []), joiners];
  }
  return p;
}

async function seededRegistry(p: BootstrapPolicy): Promise<{ registry: Registry; stop: () => void }> {
  const store = new MemoryStore();
  const stop = new AbortController();
  const cache = new WatchCache(store, { prefix: "/registry/" });
  void cache.start(stop.signal);
  await cache.ready;
  const { registry } = buildRegistry({ store, cache, serviceCIDR: "10.0.0.0/24", nodePortRange: "30000-32767" });
  await bootstrapCluster(registry, { kubernetesServiceIP: "10.0.0.1", advertiseAddress: "172.17.8.101", advertisePort: 6443 });
  const put = async (resource: string, objs: KubeObject[]) => {
    for (const o of objs) await registry.create(rbac(resource), o.metadata.namespace, o);
  };
  await put("clusterroles", p.clusterRoles);
  await put("roles", p.roles);
  await put("clusterrolebindings", p.clusterRoleBindings);
  await put("rolebindings", p.roleBindings);
  return { registry, stop: () => stop.abort() };
}

const list = async <T extends KubeObject>(registry: Registry, resource: string): Promise<T[]> => (await registry.list(rbac(resource), undefined)).items as T[];

const subjectKey = (s: { kind: string; name: string; namespace?: string }): string => `${s.kind}/${s.namespace ?? ""}/${s.name}`;

test("ensureRbacPolicy: a store with the old policy ends with today's", async () => {
  const { registry, stop } = await seededRegistry(oldPolicy());
  try {
    // An administrator's own subject on a default binding, and an object they took over.
    const speakers = (await list<ClusterRoleBinding>(registry, "clusterrolebindings")).find((b) => b.metadata.name === "svcnet:loadbalancer-speaker");
    assert.ok(speakers);
    speakers.subjects = [...(speakers.subjects ?? []), { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "ops" }];
    await registry.update(rbac("clusterrolebindings"), undefined, "svcnet:loadbalancer-speaker", speakers);
    const proxier = (await list<ClusterRoleBinding>(registry, "clusterrolebindings")).find((b) => b.metadata.name === "system:node-proxier");
    assert.ok(proxier);
    proxier.metadata.annotations = { "rbac.authorization.kubernetes.io/autoupdate": "false" };
    await registry.update(rbac("clusterrolebindings"), undefined, "system:node-proxier", proxier);

    const lines: string[] = [];
    await ensureRbacPolicy(registry, { log: (l) => lines.push(l) });
    const retiredLines = lines.filter((l) => l.includes("retired"));
    assert.deepEqual(retiredLines.sort(), [
      "RBAC: removed the retired rule verbs=[*] apiGroups=[\"\",apps,discovery.k8s.io,coordination.k8s.io,metallb.io] resources=[*] from ClusterRole system:kube-controller-manager",
      "RBAC: removed the retired rule verbs=[delete,deletecollection] apiGroups=[rbac.authorization.k8s.io] resources=[roles,rolebindings] from ClusterRole system:kube-controller-manager",
      "RBAC: removed the retired rule verbs=[get,list,watch] apiGroups=[*] resources=[*] from ClusterRole system:kube-controller-manager",
      `RBAC: removed the retired subject Group ${JOIN_TOKEN_GROUP} from ClusterRoleBinding svcnet:loadbalancer-speaker`,
      `RBAC: removed the retired subject Group ${JOIN_TOKEN_GROUP} from ClusterRoleBinding system:node`,
      `RBAC: removed the retired subject Group ${JOIN_TOKEN_GROUP} from RoleBinding kube-node-lease/svcnet:node-lease`,
      `RBAC: removed the retired subject Group ${JOIN_TOKEN_GROUP} from RoleBinding kube-system/svcnet:loadbalancer-speaker`,
    ]);

    const want = bootstrapPolicy();
    const same = (a: KubeObject, b: KubeObject): boolean => a.metadata.name === b.metadata.name && (a.metadata.namespace ?? "") === (b.metadata.namespace ?? "");
    const roleSets: [ClusterRole[] | Role[], (ClusterRole | Role)[]][] = [
      [want.clusterRoles, await list<ClusterRole>(registry, "clusterroles")],
      [want.roles, await list<Role>(registry, "roles")],
    ];
    for (const [expected, stored] of roleSets) {
      for (const e of expected) {
        const got = stored.find((r) => same(r, e));
        assert.ok(got, `${e.kind} ${e.metadata.name}`);
        // The reconcile adds a missing rule in pieces; what counts is that both grant the same.
        assert.deepEqual(uncoveredRules(got.rules ?? [], e.rules ?? []), [], `${e.kind} ${e.metadata.name} grants all it should`);
        assert.deepEqual(uncoveredRules(e.rules ?? [], got.rules ?? []), [], `${e.kind} ${e.metadata.name} grants nothing more`);
      }
    }
    const bindingSets: [ClusterRoleBinding[] | RoleBinding[], (ClusterRoleBinding | RoleBinding)[]][] = [
      [want.clusterRoleBindings, await list<ClusterRoleBinding>(registry, "clusterrolebindings")],
      [want.roleBindings, await list<RoleBinding>(registry, "rolebindings")],
    ];
    for (const [expected, stored] of bindingSets) {
      for (const e of expected) {
        const got = stored.find((b) => same(b, e));
        assert.ok(got, `${e.kind} ${e.metadata.name}`);
        // The administrator's subject stays; the binding they took over keeps the token's group.
        const extra = e.kind === "ClusterRoleBinding" && e.metadata.name === "svcnet:loadbalancer-speaker" ? ["Group//ops"] : e.metadata.name === "system:node-proxier" ? [`Group//${JOIN_TOKEN_GROUP}`] : [];
        assert.deepEqual((got.subjects ?? []).map(subjectKey).sort(), [...(e.subjects ?? []).map(subjectKey), ...extra].sort(), `${e.kind} ${e.metadata.name}'s subjects`);
      }
    }

    // A second start has nothing left to do.
    const again: string[] = [];
    assert.equal(await ensureRbacPolicy(registry, { log: (l) => again.push(l) }), 0);
    assert.deepEqual(again, []);
  } finally {
    stop();
  }
});
