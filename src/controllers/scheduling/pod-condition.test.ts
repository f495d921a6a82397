import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Condition, Pod } from "../../api/types.js";
import { makePod } from "./fixtures.js";
import { withPodCondition } from "./pod-condition.js";

const at = (s: number): string => `2026-01-01T00:00:0${s}Z`;

test("withPodCondition", async (t) => {
  const cases: { name: string; before: Condition[]; set: Condition; want: Condition[] }[] = [
    { name: "appended when absent", before: [], set: { type: "Ready", status: "False", lastTransitionTime: at(5) }, want: [{ type: "Ready", status: "False", lastTransitionTime: at(5) }] },
    {
      name: "replaced when the status changes",
      before: [{ type: "Initialized", status: "True" }, { type: "Ready", status: "True", lastTransitionTime: at(1) }],
      set: { type: "Ready", status: "False", reason: "r", lastTransitionTime: at(5) },
      want: [{ type: "Initialized", status: "True" }, { type: "Ready", status: "False", reason: "r", lastTransitionTime: at(5) }],
    },
    {
      name: "keeps the transition time when the status stays",
      before: [{ type: "PodScheduled", status: "False", message: "a", lastTransitionTime: at(1) }],
      set: { type: "PodScheduled", status: "False", message: "b", lastTransitionTime: at(5) },
      want: [{ type: "PodScheduled", status: "False", message: "b", lastTransitionTime: at(1) }],
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const pod: Pod = deepFreeze(makePod("default", "x", (p) => (p.status = { phase: "Pending", conditions: c.before })));
      const out = withPodCondition(pod, c.set);
      assert.deepEqual(out.status?.conditions, c.want);
      assert.deepEqual(pod.status?.conditions, c.before, "input untouched");
    });
  }
});
