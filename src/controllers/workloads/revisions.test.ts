import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Deployment, ReplicaSet } from "../../api/types.js";
import { lastRevision, maxRevision, maxSurgeOf, maxUnavailableOf, newReplicaSetAnnotations, nextRevision, oldReplicaSetsToDelete, revisionOf } from "./revisions.js";
import { makeDeployment, makeRS } from "./workload-fixtures.js";

const withRevision = (rs: ReplicaSet, v: string | undefined): ReplicaSet => {
  const a = { ...(rs.metadata.annotations ?? {}) };
  if (v === undefined) delete a["deployment.kubernetes.io/revision"];
  else a["deployment.kubernetes.io/revision"] = v;
  return { ...rs, metadata: { ...rs.metadata, annotations: a } };
};

test("revision numbers", async (t) => {
  const rss = deepFreeze([makeRS("a", { replicas: 0, revision: 3 }), makeRS("b", { replicas: 0, revision: 7 }), withRevision(makeRS("c", { replicas: 0 }), "x"), makeRS("d", { replicas: 0, revision: 5 })]);
  await t.test("revisionOf", () => {
    assert.equal(revisionOf(rss[0]), 3);
    assert.equal(revisionOf(rss[2]), undefined);
    assert.equal(revisionOf(withRevision(makeRS("e", { replicas: 0 }), undefined)), 0);
  });
  await t.test("max skips unparsable", () => assert.equal(maxRevision(rss), 7));
  await t.test("last is the second highest", () => assert.equal(lastRevision(rss), 5));
  await t.test("next", () => assert.equal(nextRevision(rss), "8"));
  await t.test("next with no history", () => assert.equal(nextRevision([]), "1"));
});

test("maxSurge / maxUnavailable of a Deployment", async (t) => {
  const cases: { name: string; d: Deployment; surge: number; unavailable: number }[] = [
    { name: "defaults on 3", d: makeDeployment(), surge: 1, unavailable: 0 },
    { name: "recreate", d: makeDeployment((d) => (d.spec.strategy = { type: "Recreate" })), surge: 0, unavailable: 0 },
    { name: "zero replicas", d: makeDeployment((d) => (d.spec.replicas = 0)), surge: 0, unavailable: 0 },
    { name: "unavailable capped at replicas", d: makeDeployment((d) => ((d.spec.replicas = 2), (d.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 5 } }))), surge: 0, unavailable: 2 },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(maxSurgeOf(c.d), c.surge);
      assert.equal(maxUnavailableOf(c.d), c.unavailable);
    });
  }
});

test("newReplicaSetAnnotations", async (t) => {
  const d = deepFreeze(
    makeDeployment((x) => {
      x.metadata.annotations = {
        "deployment.kubernetes.io/revision": "4",
        "kubectl.kubernetes.io/last-applied-configuration": "{}",
        "kubernetes.io/change-cause": "kubectl set image",
        team: "web",
      };
    }),
  );
  const cases: { name: string; rs: ReplicaSet; revision: string; exists: boolean; want: Record<string, string>; changed: boolean }[] = [
    {
      name: "new ReplicaSet gets copied annotations, revision and replicas annotations",
      rs: { ...makeRS("x", { replicas: 0 }), metadata: { name: "x" } },
      revision: "5",
      exists: false,
      want: {
        "kubernetes.io/change-cause": "kubectl set image",
        team: "web",
        "deployment.kubernetes.io/revision": "5",
        "deployment.kubernetes.io/desired-replicas": "3",
        "deployment.kubernetes.io/max-replicas": "4",
      },
      changed: true,
    },
    {
      name: "re-used ReplicaSet (rollback) records its old revision",
      rs: withRevision(makeRS("x", { replicas: 0 }), "2"),
      revision: "5",
      exists: true,
      want: { "kubernetes.io/change-cause": "kubectl set image", team: "web", "deployment.kubernetes.io/revision": "5", "deployment.kubernetes.io/revision-history": "2" },
      changed: true,
    },
    {
      name: "history grows",
      rs: (() => {
        const rs = withRevision(makeRS("x", { replicas: 0 }), "4");
        rs.metadata.annotations!["deployment.kubernetes.io/revision-history"] = "1,2";
        return rs;
      })(),
      revision: "6",
      exists: true,
      want: { "kubernetes.io/change-cause": "kubectl set image", team: "web", "deployment.kubernetes.io/revision": "6", "deployment.kubernetes.io/revision-history": "1,2,4" },
      changed: true,
    },
    {
      name: "higher existing revision is kept",
      rs: (() => {
        const rs = withRevision(makeRS("x", { replicas: 0 }), "9");
        rs.metadata.annotations = { ...rs.metadata.annotations, "kubernetes.io/change-cause": "kubectl set image", team: "web" };
        return rs;
      })(),
      revision: "5",
      exists: true,
      want: { "kubernetes.io/change-cause": "kubectl set image", team: "web", "deployment.kubernetes.io/revision": "9" },
      changed: false,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = newReplicaSetAnnotations(d, deepFreeze(c.rs), c.revision, { exists: c.exists });
      assert.deepEqual(got.annotations, c.want);
      assert.equal(got.changed, c.changed);
    });
  }
  await t.test("history is capped by length, oldest dropped", () => {
    const rs = withRevision(makeRS("x", { replicas: 0 }), "40");
    rs.metadata.annotations!["deployment.kubernetes.io/revision-history"] = "10,20,30";
    const got = newReplicaSetAnnotations(makeDeployment(), deepFreeze(rs), "50", { exists: true, maxHistoryChars: 8 });
    assert.equal(got.annotations["deployment.kubernetes.io/revision-history"], "20,30,40");
  });
});

test("oldReplicaSetsToDelete honours revisionHistoryLimit", async (t) => {
  const old = (name: string, revision: number, edit?: (rs: ReplicaSet) => void): ReplicaSet => {
    const rs = makeRS(name, { replicas: 0, revision, actual: 0, available: 0, ready: 0 });
    edit?.(rs);
    return rs;
  };
  const cases: { name: string; limit?: number; rss: ReplicaSet[]; want: string[] }[] = [
    { name: "under the limit", limit: 3, rss: [old("a", 1), old("b", 2)], want: [] },
    { name: "lowest revisions first", limit: 1, rss: [old("c", 3), old("a", 1), old("b", 2)], want: ["a", "b"] },
    { name: "limit 0 deletes all eligible", limit: 0, rss: [old("a", 1), old("b", 2)], want: ["a", "b"] },
    { name: "no limit", limit: undefined, rss: [old("a", 1)], want: [] },
    { name: "skips ones still scaled", limit: 0, rss: [old("a", 1, (rs) => (rs.spec.replicas = 1)), old("b", 2)], want: ["b"] },
    { name: "skips ones with pods", limit: 0, rss: [old("a", 1, (rs) => (rs.status!.replicas = 1))], want: [] },
    { name: "skips unobserved generations", limit: 0, rss: [old("a", 1, (rs) => (rs.metadata.generation = 2))], want: [] },
    { name: "deleting ones do not count", limit: 1, rss: [old("a", 1, (rs) => (rs.metadata.deletionTimestamp = "2024-01-01T00:00:00Z")), old("b", 2)], want: [] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const d = deepFreeze(makeDeployment((x) => (x.spec.revisionHistoryLimit = c.limit)));
      assert.deepEqual(oldReplicaSetsToDelete(d, deepFreeze(c.rss)).map((rs) => rs.metadata.name), c.want);
    });
  }
});
