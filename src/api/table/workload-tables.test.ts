import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { deepFreeze } from "../json.js";
import { deploymentTablePrinter } from "./deployment-table.js";
import { replicaSetTablePrinter } from "./replicaset-table.js";
import { replicationControllerTablePrinter } from "./replicationcontroller-table.js";
import { ago, makeReplicationController, NOW, renderLikeKubectl } from "./table-fixtures.js";
import type { Deployment, ReplicaSet } from "./workload-types.js";

const template = {
  metadata: { labels: { app: "nginx" } },
  spec: { containers: [{ name: "nginx", image: "nginx:1.27" }, { name: "probe", image: "busybox" }] },
};

function makeDeployment(mutate?: (d: Deployment) => void): Deployment {
  const d: Deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { namespace: "default", name: "web", creationTimestamp: ago({ d: 3, h: 4 }) },
    spec: { replicas: 3, selector: { matchLabels: { app: "nginx" } }, template },
    status: { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 },
  };
  mutate?.(d);
  return deepFreeze(d);
}

function makeReplicaSet(mutate?: (r: ReplicaSet) => void): ReplicaSet {
  const r: ReplicaSet = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { namespace: "default", name: "web-6d4cf56db6", creationTimestamp: ago({ h: 6, m: 5 }) },
    spec: { replicas: 3, selector: { matchLabels: { app: "nginx", "pod-template-hash": "6d4cf56db6" } }, template },
    status: { replicas: 3, readyReplicas: 3 },
  };
  mutate?.(r);
  return deepFreeze(r);
}

describe("replicationcontroller printer", () => {
  it("has Kubernetes' columns", () => {
    assert.deepEqual(replicationControllerTablePrinter.columns.map((c) => [c.name, c.type, c.priority]), [
      ["Name", "string", 0],
      ["Desired", "integer", 0],
      ["Current", "integer", 0],
      ["Ready", "integer", 0],
      ["Age", "string", 0],
      ["Containers", "string", 1],
      ["Images", "string", 1],
      ["Selector", "string", 1],
    ]);
  });

  const cases = [
    { name: "the seed's rc", rc: makeReplicationController("default", "nginx-controller"), want: ["nginx-controller", 3, 3, 3, "4m", "nginx", "nginx", "app=nginx"] },
    {
      name: "scaling up, no status yet, no template",
      rc: makeReplicationController("default", "rc", (r) => {
        r.spec = { replicas: 5 };
        delete r.status;
      }),
      want: ["rc", 5, 0, 0, "4m", "", "", "<none>"],
    },
    {
      name: "replicas omitted default to 1",
      rc: makeReplicationController("default", "rc", (r) => {
        delete r.spec.replicas;
      }),
      want: ["rc", 1, 3, 3, "4m", "nginx", "nginx", "app=nginx"],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(replicationControllerTablePrinter.cells(c.rc, NOW), c.want));

  it("renders like kubectl get rc -o wide", () => {
    const rc = makeReplicationController("default", "nginx-controller");
    assert.deepEqual(renderLikeKubectl(replicationControllerTablePrinter.columns, [replicationControllerTablePrinter.cells(rc, NOW)], { wide: true }), [
      "NAME               DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES   SELECTOR",
      "nginx-controller   3         3         3       4m    nginx        nginx    app=nginx",
    ]);
  });
});

describe("replicaset printer", () => {
  it("has Kubernetes' columns", () => {
    assert.deepEqual(replicaSetTablePrinter.columns.map((c) => [c.name, c.type, c.priority]), [
      ["Name", "string", 0],
      ["Desired", "integer", 0],
      ["Current", "integer", 0],
      ["Ready", "integer", 0],
      ["Age", "string", 0],
      ["Containers", "string", 1],
      ["Images", "string", 1],
      ["Selector", "string", 1],
    ]);
  });

  const cases = [
    { name: "steady", rs: makeReplicaSet(), want: ["web-6d4cf56db6", 3, 3, 3, "6h5m", "nginx,probe", "nginx:1.27,busybox", "app=nginx,pod-template-hash=6d4cf56db6"] },
    {
      name: "empty selector and status",
      rs: makeReplicaSet((r) => {
        r.spec = { replicas: 0, selector: {} };
        delete r.status;
      }),
      want: ["web-6d4cf56db6", 0, 0, 0, "6h5m", "", "", "<none>"],
    },
    {
      name: "invalid selector",
      rs: makeReplicaSet((r) => {
        r.spec!.selector = { matchExpressions: [{ key: "a", operator: "Bogus" }] };
      }),
      want: ["web-6d4cf56db6", 3, 3, 3, "6h5m", "nginx,probe", "nginx:1.27,busybox", "<error>"],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(replicaSetTablePrinter.cells(c.rs, NOW), c.want));
});

describe("deployment printer", () => {
  it("has Kubernetes' columns", () => {
    assert.deepEqual(deploymentTablePrinter.columns.map((c) => [c.name, c.type, c.priority]), [
      ["Name", "string", 0],
      ["Ready", "string", 0],
      ["Up-to-date", "string", 0],
      ["Available", "string", 0],
      ["Age", "string", 0],
      ["Containers", "string", 1],
      ["Images", "string", 1],
      ["Selector", "string", 1],
    ]);
  });

  const cases = [
    { name: "rolling", d: makeDeployment(), want: ["web", "2/3", 3, 2, "3d4h", "nginx,probe", "nginx:1.27,busybox", "app=nginx"] },
    {
      name: "new deployment without status",
      d: makeDeployment((d) => {
        delete d.status;
        d.spec!.selector = { matchLabels: { app: "nginx" }, matchExpressions: [{ key: "tier", operator: "In", values: ["web", "api"] }] };
      }),
      want: ["web", "0/3", 0, 0, "3d4h", "nginx,probe", "nginx:1.27,busybox", "app=nginx,tier in (api,web)"],
    },
    {
      name: "missing and invalid selectors",
      d: makeDeployment((d) => {
        d.spec!.selector = { matchExpressions: [{ key: "a", operator: "In", values: [] }] };
      }),
      want: ["web", "2/3", 3, 2, "3d4h", "nginx,probe", "nginx:1.27,busybox", "<invalid>"],
    },
    {
      name: "no selector prints empty",
      d: makeDeployment((d) => {
        delete d.spec!.selector;
      }),
      want: ["web", "2/3", 3, 2, "3d4h", "nginx,probe", "nginx:1.27,busybox", ""],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(deploymentTablePrinter.cells(c.d, NOW), c.want));

  it("renders like kubectl get deploy", () => {
    assert.deepEqual(renderLikeKubectl(deploymentTablePrinter.columns, [deploymentTablePrinter.cells(makeDeployment(), NOW)]), [
      "NAME   READY   UP-TO-DATE   AVAILABLE   AGE",
      "web    2/3     3            2           3d4h",
    ]);
  });
});
