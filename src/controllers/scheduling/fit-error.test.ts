import { test } from "node:test";
import assert from "node:assert/strict";
import { fitErrorMessage, reasonHistogram } from "./fit-error.js";

test("fitErrorMessage", async (t) => {
  const cases: { name: string; n: number; reasons: Record<string, number>; post?: string; want: string }[] = [
    { name: "reasons only", n: 1, reasons: { "Insufficient cpu": 1 }, want: "0/1 nodes are available: 1 Insufficient cpu." },
    {
      name: "sorted as strings, like Go's sort.Strings: 10 before 2",
      n: 12,
      reasons: { "node(s) were unschedulable": 2, "Insufficient cpu": 10 },
      want: "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) were unschedulable.",
    },
    {
      name: "upper case sorts before lower case at the same count",
      n: 2,
      reasons: { "node(s) were unschedulable": 1, "Too many pods": 1 },
      want: "0/2 nodes are available: 1 Too many pods, 1 node(s) were unschedulable.",
    },
    {
      name: "preemption text appended without a doubled period",
      n: 1,
      reasons: { "node(s) were unschedulable": 1 },
      post: "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
      want: "0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    },
    { name: "no reasons at all", n: 0, reasons: {}, want: "0/0 nodes are available:" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(fitErrorMessage(c.n, { reasons: c.reasons, postFilterMessage: c.post }), c.want));
  }
});

test("reasonHistogram counts each node's reasons once per node", () => {
  assert.deepEqual(reasonHistogram([["Too many pods", "Insufficient cpu"], ["Insufficient cpu"], []]), { "Too many pods": 1, "Insufficient cpu": 2 });
});
