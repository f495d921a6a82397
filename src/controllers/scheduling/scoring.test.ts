import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import { all, makeNode, makePod, ownedBy, withRequests } from "./fixtures.js";
import { nodeInfoOf } from "./node-info.js";
import { compareNodeScores, scoreNode, type NodeScore } from "./scoring.js";

test("scoreNode uses Kubernetes' formulas", async (t) => {
  const cases: { name: string; requests: Record<string, string>; on: Record<string, string>[]; want: Pick<NodeScore, "leastAllocated" | "balancedAllocation"> }[] = [
    // cpu (4000-1000)/4000 = 75, memory (8Gi-2Gi)/8Gi = 75 → 75; fractions equal → 100
    { name: "even use", requests: { cpu: "1", memory: "2Gi" }, on: [], want: { leastAllocated: 75, balancedAllocation: 100 } },
    // cpu 3000/4000 used → 25, memory 1Gi/8Gi → 87 (87.5 floored); (25+87)/2 = 56; |0.75-0.125|/2 = 0.3125 → 68
    { name: "uneven use", requests: { cpu: "2", memory: "512Mi" }, on: [{ cpu: "1", memory: "512Mi" }], want: { leastAllocated: 56, balancedAllocation: 68 } },
    // over-committed cpu scores 0, an explicit "0" memory stays 0 (→ 100): 50; fractions 1 (capped) and 0 → 50
    { name: "over capacity", requests: { cpu: "5", memory: "0" }, on: [], want: { leastAllocated: 50, balancedAllocation: 50 } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const node = makeNode("a");
      const pods = c.on.map((r, i) => makePod("default", `o${i}`, all(withRequests(r), (p) => (p.spec.nodeName = "a"))));
      const s = scoreNode(deepFreeze(makePod("default", "p", withRequests(c.requests))), nodeInfoOf(deepFreeze(node), deepFreeze(pods)));
      assert.deepEqual({ leastAllocated: s.leastAllocated, balancedAllocation: s.balancedAllocation }, c.want);
    });
  }
});

test("sameOwnerPods counts live pods of the same controller in the same namespace", () => {
  const mine = ownedBy("rc-1");
  const pods = [
    makePod("default", "a", mine),
    makePod("default", "b", all(mine, (p) => (p.metadata.deletionTimestamp = "2024-01-01T00:00:00Z"))),
    makePod("other", "c", mine),
    makePod("default", "d", ownedBy("rc-2")),
    makePod("default", "e"),
  ];
  const s = scoreNode(deepFreeze(makePod("default", "new", mine)), nodeInfoOf(deepFreeze(makeNode("a")), deepFreeze(pods)));
  assert.equal(s.sameOwnerPods, 1);
});

test("compareNodeScores", async (t) => {
  const base: NodeScore = { node: "m", untoleratedPreferNoSchedule: 0, sameOwnerPods: 0, leastAllocated: 50, balancedAllocation: 50 };
  const cases: { name: string; a: Partial<NodeScore>; b: Partial<NodeScore>; better: "a" | "b" }[] = [
    { name: "PreferNoSchedule first", a: { untoleratedPreferNoSchedule: 1, sameOwnerPods: 0 }, b: { sameOwnerPods: 5 }, better: "b" },
    { name: "then spreading", a: { sameOwnerPods: 1, leastAllocated: 100 }, b: { sameOwnerPods: 0 }, better: "b" },
    { name: "then resources", a: { leastAllocated: 60 }, b: { leastAllocated: 59 }, better: "a" },
    { name: "then name", a: { node: "b" }, b: { node: "a" }, better: "b" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const r = compareNodeScores({ ...base, ...c.a }, { ...base, ...c.b });
      assert.ok(c.better === "a" ? r < 0 : r > 0);
    });
  }
});
