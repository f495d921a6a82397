import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Deployment } from "../../api/types.js";
import { rolloutStatusView, type RolloutStatusView } from "./rollout-status.js";
import { makeDeployment } from "./workload-fixtures.js";

const withStatus = (status: NonNullable<Deployment["status"]>, edit?: (d: Deployment) => void): Deployment =>
  makeDeployment((d) => {
    d.metadata.generation = 2;
    d.metadata.annotations = { "deployment.kubernetes.io/revision": "2" };
    d.status = { observedGeneration: 2, ...status };
    edit?.(d);
  });

test("rolloutStatusView prints what kubectl rollout status prints", async (t) => {
  const cases: { name: string; d: Deployment; revision?: number; want: RolloutStatusView }[] = [
    { name: "spec not observed", d: withStatus({ observedGeneration: 1 }), want: { message: "Waiting for deployment spec update to be observed...\n", done: false } },
    {
      name: "updating",
      d: withStatus({ replicas: 4, updatedReplicas: 1 }),
      want: { message: 'Waiting for deployment "nginx" rollout to finish: 1 out of 3 new replicas have been updated...\n', done: false },
    },
    {
      name: "old replicas terminating",
      d: withStatus({ replicas: 4, updatedReplicas: 3 }),
      want: { message: 'Waiting for deployment "nginx" rollout to finish: 1 old replicas are pending termination...\n', done: false },
    },
    {
      name: "waiting for availability",
      d: withStatus({ replicas: 3, updatedReplicas: 3, availableReplicas: 2 }),
      want: { message: 'Waiting for deployment "nginx" rollout to finish: 2 of 3 updated replicas are available...\n', done: false },
    },
    { name: "done", d: withStatus({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 }), want: { message: 'deployment "nginx" successfully rolled out\n', done: true } },
    {
      name: "deadline exceeded",
      d: withStatus({ conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }] }),
      want: { error: 'deployment "nginx" exceeded its progress deadline' },
    },
    { name: "revision mismatch", d: withStatus({}), revision: 1, want: { error: "desired revision (1) is different from the running revision (2)" } },
    { name: "revision match", d: withStatus({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 }), revision: 2, want: { message: 'deployment "nginx" successfully rolled out\n', done: true } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(rolloutStatusView(deepFreeze(c.d), c.revision), c.want));
});
