import { test } from "node:test";
import assert from "node:assert/strict";
import type { Condition } from "../../api/types.js";
import { noExecuteMode, zoneState, type NoExecuteMode, type ZoneState } from "./zone-state.js";

const c = (status: Condition["status"]): Condition => ({ type: "Ready", status });

test("zoneState", async (t) => {
  const cases: { name: string; ready: (Condition | undefined)[]; state: ZoneState; notReady: number }[] = [
    { name: "empty zone", ready: [], state: "Normal", notReady: 0 },
    { name: "all ready", ready: [c("True"), c("True")], state: "Normal", notReady: 0 },
    { name: "single node silent", ready: [c("Unknown")], state: "FullDisruption", notReady: 1 },
    { name: "no Ready condition counts as not ready", ready: [undefined, c("False")], state: "FullDisruption", notReady: 2 },
    { name: "two of three down is not partial (needs more than two)", ready: [c("True"), c("False"), c("Unknown")], state: "Normal", notReady: 2 },
    { name: "three of five down: 60 % ≥ 55 %", ready: [c("True"), c("True"), c("False"), c("False"), c("Unknown")], state: "PartialDisruption", notReady: 3 },
    { name: "three of six down: 50 % < 55 %", ready: [c("True"), c("True"), c("True"), c("False"), c("False"), c("Unknown")], state: "Normal", notReady: 3 },
  ];
  for (const x of cases) {
    await t.test(x.name, () => assert.deepEqual(zoneState(x.ready), { state: x.state, notReady: x.notReady }));
  }
});

test("noExecuteMode", async (t) => {
  const cases: { name: string; zone: ZoneState; all: ZoneState[]; large?: boolean; want: NoExecuteMode }[] = [
    { name: "normal", zone: "Normal", all: ["Normal"], want: "taint" },
    { name: "the only zone fully disrupted (one-node cluster down)", zone: "FullDisruption", all: ["FullDisruption"], want: "remove" },
    { name: "one zone fully disrupted, another healthy", zone: "FullDisruption", all: ["FullDisruption", "Normal"], want: "taint" },
    { name: "partial disruption, small cluster", zone: "PartialDisruption", all: ["PartialDisruption"], want: "hold" },
    { name: "partial disruption, large cluster", zone: "PartialDisruption", all: ["PartialDisruption"], large: true, want: "taint" },
  ];
  for (const x of cases) {
    await t.test(x.name, () => assert.equal(noExecuteMode(x.zone, { allZones: x.all, largeCluster: x.large }), x.want));
  }
});
