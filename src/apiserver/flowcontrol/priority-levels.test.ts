import assert from "node:assert/strict";
import { test } from "node:test";
import type { PriorityLevel } from "./priority-levels.js";
import { nominalSeats, suggestedPriorityLevels } from "./priority-levels.js";

const cases: { name: string; seats: number; levels: readonly PriorityLevel[]; want: Record<string, number> }[] = [
  {
    name: "svcnet's default 60 seats over the suggested levels (shares sum to 245)",
    seats: 60,
    levels: suggestedPriorityLevels,
    want: { system: 8, "node-high": 10, "leader-election": 3, "workload-high": 10, "workload-low": 25, "global-default": 5, "catch-all": 2 },
  },
  {
    name: "kube-apiserver's default 600 seats",
    seats: 600,
    levels: suggestedPriorityLevels,
    want: { system: 74, "node-high": 98, "leader-election": 25, "workload-high": 98, "workload-low": 245, "global-default": 49, "catch-all": 13 },
  },
  {
    name: "too few seats to go round: every level still gets one",
    seats: 1,
    levels: suggestedPriorityLevels,
    want: { system: 1, "node-high": 1, "leader-election": 1, "workload-high": 1, "workload-low": 1, "global-default": 1, "catch-all": 1 },
  },
  {
    name: "exempt levels take no share",
    seats: 10,
    levels: [
      { name: "exempt", type: "Exempt" },
      { name: "a", type: "Limited", nominalConcurrencyShares: 3 },
      { name: "b", type: "Limited", nominalConcurrencyShares: 1 },
    ],
    want: { a: 8, b: 3 },
  },
];

for (const c of cases) {
  test(`nominalSeats: ${c.name}`, () => {
    assert.deepEqual(Object.fromEntries(nominalSeats(c.seats, c.levels)), c.want);
  });
}

test("suggestedPriorityLevels: names are unique, catch-all rejects instead of queueing", () => {
  const names = suggestedPriorityLevels.map((l) => l.name);
  assert.equal(new Set(names).size, names.length);
  const catchAll = suggestedPriorityLevels.find((l) => l.name === "catch-all");
  assert.ok(catchAll?.type === "Limited" && catchAll.queuing === undefined);
});
