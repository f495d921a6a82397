import { test } from "node:test";
import assert from "node:assert/strict";
import type { ProbeSpec } from "./probe-state.js";
import { initialProbeState, nextProbeState, probeTiming } from "./probe-state.js";

function run(results: boolean[], spec: ProbeSpec): (boolean | undefined)[] {
  let s = initialProbeState;
  return results.map((r) => (s = nextProbeState(s, r, spec)).ok);
}

test("probe verdicts follow the thresholds", async (t) => {
  const cases: { name: string; results: boolean[]; spec: ProbeSpec; want: (boolean | undefined)[] }[] = [
    { name: "first success counts (successThreshold 1)", results: [true], spec: {}, want: [true] },
    { name: "three failures to fail (default)", results: [true, false, false, false], spec: {}, want: [true, true, true, false] },
    { name: "a success resets the failure count", results: [false, false, true, false, false], spec: {}, want: [undefined, undefined, true, true, true] },
    { name: "failureThreshold 1", results: [true, false], spec: { failureThreshold: 1 }, want: [true, false] },
    { name: "successThreshold 2 to recover", results: [false, true, true], spec: { failureThreshold: 1, successThreshold: 2 }, want: [false, false, true] },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(run(c.results, c.spec), c.want));
});

test("probe timing defaults as Kubernetes", () => {
  assert.deepEqual(probeTiming({}), { delayMs: 0, periodMs: 10_000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3 });
  assert.equal(probeTiming({ initialDelaySeconds: 2, periodSeconds: 1 }).delayMs, 2000);
});
