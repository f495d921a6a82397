import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { Node } from "../types.js";
import { nodeTablePrinter } from "./node-table.js";
import { makeNode, NOW, renderLikeKubectl, rowsOf } from "./table-fixtures.js";

describe("node printer", () => {
  it("has Kubernetes' columns", () => {
    assert.deepEqual(nodeTablePrinter.columns.map((c) => [c.name, c.priority]), [
      ["Name", 0],
      ["Status", 0],
      ["Roles", 0],
      ["Age", 0],
      ["Version", 0],
      ["Internal-IP", 1],
      ["External-IP", 1],
      ["OS-Image", 1],
      ["Kernel-Version", 1],
      ["Container-Runtime", 1],
    ]);
  });

  it("prints a ready node with all wide cells", () => {
    assert.deepEqual(nodeTablePrinter.cells(makeNode("core-v2-01"), NOW), [
      "core-v2-01",
      "Ready",
      "<none>",
      "9m",
      "v1.32.4",
      "172.17.8.101",
      "<none>",
      "Ubuntu 24.04 LTS",
      "6.8.0-45-generic",
      "svcnet://0.1.0",
    ]);
  });

  const cases: { name: string; node: Node; status: string; roles: string }[] = [
    {
      name: "not ready",
      node: makeNode("n", (n) => {
        n.status!.conditions = [{ type: "Ready", status: "False" }];
      }),
      status: "NotReady",
      roles: "<none>",
    },
    {
      name: "ready unknown is NotReady",
      node: makeNode("n", (n) => {
        n.status!.conditions = [{ type: "MemoryPressure", status: "False" }, { type: "Ready", status: "Unknown" }];
      }),
      status: "NotReady",
      roles: "<none>",
    },
    {
      name: "no Ready condition",
      node: makeNode("n", (n) => {
        n.status!.conditions = [{ type: "MemoryPressure", status: "False" }];
      }),
      status: "Unknown",
      roles: "<none>",
    },
    {
      name: "cordoned",
      node: makeNode("n", (n) => {
        n.spec!.unschedulable = true;
      }),
      status: "Ready,SchedulingDisabled",
      roles: "<none>",
    },
    {
      name: "cordoned without conditions",
      node: makeNode("n", (n) => {
        n.spec!.unschedulable = true;
        delete n.status!.conditions;
      }),
      status: "Unknown,SchedulingDisabled",
      roles: "<none>",
    },
    {
      name: "roles from both label styles, sorted and de-duplicated",
      node: makeNode("n", (n) => {
        n.metadata.labels = {
          "node-role.kubernetes.io/worker": "",
          "node-role.kubernetes.io/control-plane": "",
          "kubernetes.io/role": "worker",
          "node-role.kubernetes.io/": "",
        };
      }),
      status: "Ready",
      roles: "control-plane,worker",
    },
    {
      name: "empty kubernetes.io/role is ignored",
      node: makeNode("n", (n) => {
        n.metadata.labels = { "kubernetes.io/role": "" };
      }),
      status: "Ready",
      roles: "<none>",
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(nodeTablePrinter.cells(c.node, NOW).slice(1, 3), [c.status, c.roles]));
  }

  it("wide cells without addresses or node info", () => {
    const node = makeNode("n", (n) => {
      n.status = { conditions: [{ type: "Ready", status: "True" }], addresses: [{ type: "ExternalIP", address: "203.0.113.5" }, { type: "ExternalIP", address: "203.0.113.6" }] };
    });
    assert.deepEqual(nodeTablePrinter.cells(node, NOW).slice(4), ["", "<none>", "203.0.113.5", "<unknown>", "<unknown>", "<unknown>"]);
  });

  it("renders like kubectl get nodes -o wide", () => {
    const nodes = [makeNode("core-v2-01"), makeNode("core-v2-02", (n) => {
      n.status!.addresses = [{ type: "InternalIP", address: "172.17.8.102" }];
      n.spec!.unschedulable = true;
    })];
    assert.deepEqual(renderLikeKubectl(nodeTablePrinter.columns, rowsOf(nodeTablePrinter, nodes), { wide: true }), [
      "NAME         STATUS                     ROLES    AGE   VERSION   INTERNAL-IP    EXTERNAL-IP   OS-IMAGE           KERNEL-VERSION     CONTAINER-RUNTIME",
      "core-v2-01   Ready                      <none>   9m    v1.32.4   172.17.8.101   <none>        Ubuntu 24.04 LTS   6.8.0-45-generic   svcnet://0.1.0",
      "core-v2-02   Ready,SchedulingDisabled   <none>   9m    v1.32.4   172.17.8.102   <none>        Ubuntu 24.04 LTS   6.8.0-45-generic   svcnet://0.1.0",
    ]);
  });
});
