import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Condition } from "../../api/types.js";
import { makeNode, tainted } from "../scheduling/fixtures.js";
import type { Taint } from "../scheduling/taints.js";
import type { NoExecuteMode } from "./zone-state.js";
import { isLifecycleTaint, lifecycleTaintChanges } from "./node-taints.js";

const NOW = Date.parse("2024-06-01T12:00:00Z");
const ready = (status: Condition["status"]): Condition[] => [{ type: "Ready", status }];
const names = (ts: readonly Taint[] | undefined): string[] | undefined => ts?.map((t) => `${t.key}:${t.effect}`);

test("lifecycleTaintChanges", async (t) => {
  const cases: { name: string; taints: Taint[]; conditions: Condition[]; mode?: NoExecuteMode; unschedulable?: boolean; taintsAfter?: string[] }[] = [
    { name: "healthy node, nothing owned: no change", taints: [{ key: "dedicated", effect: "NoSchedule" }], conditions: ready("True"), taintsAfter: undefined },
    {
      name: "new taints are appended after foreign ones, removed ones leave the others in place",
      taints: [
        { key: "a", effect: "NoSchedule" },
        { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" },
        { key: "b", effect: "NoExecute" },
      ],
      conditions: ready("Unknown"),
      taintsAfter: ["a:NoSchedule", "b:NoExecute", "node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"],
    },
    {
      name: "hold: a tainted node still swaps not-ready for unreachable",
      taints: [
        { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" },
        { key: "node.kubernetes.io/not-ready", effect: "NoExecute" },
      ],
      conditions: ready("Unknown"),
      mode: "hold",
      taintsAfter: ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"],
    },
    {
      name: "remove: NoExecute taints go even while the node is down",
      taints: [
        { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
        { key: "node.kubernetes.io/unreachable", effect: "NoExecute" },
      ],
      conditions: ready("Unknown"),
      mode: "remove",
      taintsAfter: ["node.kubernetes.io/unreachable:NoSchedule"],
    },
    {
      name: "pressure conditions and network",
      taints: [],
      conditions: [
        { type: "Ready", status: "True" },
        { type: "DiskPressure", status: "True" },
        { type: "PIDPressure", status: "True" },
        { type: "NetworkUnavailable", status: "True" },
        { type: "MemoryPressure", status: "False" },
      ],
      taintsAfter: ["node.kubernetes.io/disk-pressure:NoSchedule", "node.kubernetes.io/pid-pressure:NoSchedule", "node.kubernetes.io/network-unavailable:NoSchedule"],
    },
    { name: "cordoned", taints: [], conditions: ready("True"), unschedulable: true, taintsAfter: ["node.kubernetes.io/unschedulable:NoSchedule"] },
    {
      name: "an existing taint keeps its timeAdded (no change)",
      taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule", timeAdded: "2020-01-01T00:00:00Z" }],
      conditions: ready("True"),
      unschedulable: true,
      taintsAfter: undefined,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const node = deepFreeze(makeNode("n1", (n) => {
        tainted(...c.taints)(n);
        if (c.unschedulable) n.spec.unschedulable = true;
      }));
      const got = lifecycleTaintChanges(node, { conditions: deepFreeze(c.conditions), now: NOW, noExecute: c.mode });
      assert.deepEqual(names(got.taints), c.taintsAfter);
      for (const a of got.add) assert.equal(a.timeAdded, "2024-06-01T12:00:00Z");
    });
  }
});

test("isLifecycleTaint", () => {
  assert.equal(isLifecycleTaint({ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }), true);
  assert.equal(isLifecycleTaint({ key: "node.kubernetes.io/unschedulable", effect: "NoExecute" }), false);
  assert.equal(isLifecycleTaint({ key: "node.kubernetes.io/memory-pressure", effect: "NoSchedule" }), true);
  assert.equal(isLifecycleTaint({ key: "node.kubernetes.io/not-ready", effect: "PreferNoSchedule" }), false);
});
