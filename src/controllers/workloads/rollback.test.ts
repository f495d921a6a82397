import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Deployment, ReplicaSet } from "../../api/types.js";
import { rollbackTo } from "./rollback.js";
import { makeDeployment, makeRS } from "./workload-fixtures.js";

const current = (edit?: (d: Deployment) => void): Deployment =>
  makeDeployment((d) => {
    d.spec.template.spec.containers[0].image = "nginx:3.0";
    d.metadata.annotations = { "deployment.kubernetes.io/revision": "3", "kubectl.kubernetes.io/last-applied-configuration": "{}", "kubernetes.io/change-cause": "v3" };
    edit?.(d);
  });

const history = (): ReplicaSet[] => {
  const v1 = makeRS("nginx-aaa", { replicas: 0, revision: 1, image: "nginx:1.0" });
  v1.metadata.annotations!["kubernetes.io/change-cause"] = "v1";
  const v2 = makeRS("nginx-bbb", { replicas: 0, revision: 2, image: "nginx:2.0" });
  v2.metadata.annotations!["kubernetes.io/change-cause"] = "v2";
  const v3 = makeRS("nginx-ccc", { replicas: 3, revision: 3, image: "nginx:3.0" });
  const foreign = makeRS("nginx-ddd", { replicas: 0, revision: 9, image: "nginx:9.0" });
  foreign.metadata.ownerReferences = [{ apiVersion: "apps/v1", kind: "Deployment", name: "other", uid: "uid-other", controller: true }];
  return [v1, v3, foreign, v2];
};

test("rollbackTo mirrors kubectl rollout undo", async (t) => {
  const cases: { name: string; d: Deployment; to?: number; want: { kind: string; image?: string; cause?: string; message?: string } }[] = [
    { name: "previous revision by default", d: current(), want: { kind: "patch", image: "nginx:2.0", cause: "v2" } },
    { name: "explicit revision", d: current(), to: 1, want: { kind: "patch", image: "nginx:1.0", cause: "v1" } },
    { name: "revision of another Deployment is not history", d: current(), to: 9, want: { kind: "error", message: "unable to find specified revision 9 in history" } },
    { name: "negative revision", d: current(), to: -1, want: { kind: "error", message: "unable to find specified revision -1 in history" } },
    { name: "same template", d: current(), to: 3, want: { kind: "skipped", message: "skipped rollback (current template already matches revision 3)" } },
    {
      name: "paused",
      d: current((d) => (d.spec.paused = true)),
      want: { kind: "error", message: "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/nginx' and try again" },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const res = rollbackTo(deepFreeze(c.d), deepFreeze(history()), c.to);
      if (res.kind === "patch") {
        assert.deepEqual({ kind: res.kind, image: res.template.spec.containers[0].image, cause: res.annotations["kubernetes.io/change-cause"] }, c.want);
      } else {
        assert.deepEqual(res, c.want);
      }
    });
  }
});

test("rollbackTo builds kubectl's JSON patch", () => {
  const res = rollbackTo(deepFreeze(current()), deepFreeze(history()));
  assert.equal(res.kind, "patch");
  if (res.kind !== "patch") return;
  assert.deepEqual(res.jsonPatch, [
    { op: "replace", path: "/spec/template", value: { metadata: { labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx:2.0" }] } } },
    {
      op: "replace",
      path: "/metadata/annotations",
      value: { "deployment.kubernetes.io/revision": "3", "kubectl.kubernetes.io/last-applied-configuration": "{}", "kubernetes.io/change-cause": "v2" },
    },
  ]);
});

test("rollbackTo without history", () => {
  const only = deepFreeze([makeRS("nginx-ccc", { replicas: 3, revision: 1 })]);
  assert.deepEqual(rollbackTo(deepFreeze(makeDeployment()), only), { kind: "error", message: 'no rollout history found for deployment "nginx"' });
});
