import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod } from "../../api/types.js";
import { computeTriggerTime, formatTriggerTime, TriggerTimeTracker } from "./trigger-time.js";
import { makePod, makeService, notReady, readyPod } from "./test-fixtures.js";

const svc = makeService("default", "nginx-service"); // created 09:00:00
const podA = readyPod("default", "a", "10.1.13.2"); // Ready since 10:00:05
const podB = readyPod("default", "b", "10.1.13.3");

test("computeTriggerTime", async (t) => {
  const after = (pods: Pod[]) => computeTriggerTime(undefined, svc, pods).state;
  const cases: { name: string; previous: Pod[] | undefined; now: Pod[]; want: string | undefined }[] = [
    { name: "first sync: the service's creation time", previous: undefined, now: [podA], want: "2024-05-01T09:00:00Z" },
    { name: "nothing changed: no trigger time", previous: [podA, podB], now: [podA, podB], want: undefined },
    { name: "a new ready pod: its ready time", previous: [podA], now: [podA, podB], want: "2024-05-01T10:00:05Z" },
    {
      name: "a pod went not ready: its transition time",
      previous: [podA, podB],
      now: [podA, makePod("default", "b", (p) => notReady(p, "2024-05-01T10:05:00.250Z"))],
      want: "2024-05-01T10:05:00.25Z",
    },
    {
      name: "several changes: the earliest",
      previous: [podA, podB],
      now: [makePod("default", "a", (p) => notReady(p, "2024-05-01T10:07:00Z")), makePod("default", "b", (p) => notReady(p, "2024-05-01T10:06:00Z"))],
      want: "2024-05-01T10:06:00Z",
    },
    { name: "a pod went away: nothing moved forward", previous: [podA, podB], now: [podA], want: undefined },
    { name: "pods without a Ready condition are ignored", previous: [podA], now: [podA, makePod("default", "c", (p) => void (p.status = { phase: "Pending" }))], want: undefined },
    { name: "pods of other services are ignored", previous: [podA], now: [podA, readyPod("default", "x", "10.1.13.9", (p) => void (p.metadata.labels = { app: "db" }))], want: undefined },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const previous = c.previous ? after(c.previous) : undefined;
      assert.equal(computeTriggerTime(previous, svc, c.now).triggerTime, c.want);
    });
  }
});

test("TriggerTimeTracker remembers per service and forgets deleted ones", () => {
  const tracker = new TriggerTimeTracker();
  assert.equal(tracker.compute(svc, [podA]), "2024-05-01T09:00:00Z");
  assert.equal(tracker.compute(svc, [podA]), undefined);
  assert.equal(tracker.compute(svc, [podA, podB]), "2024-05-01T10:00:05Z");
  const other = makeService("default", "other");
  assert.equal(tracker.compute(other, []), "2024-05-01T09:00:00Z", "another service starts afresh");
  tracker.deleteService("default", "nginx-service");
  assert.equal(tracker.compute(svc, [podA, podB]), "2024-05-01T09:00:00Z");
});

test("formatTriggerTime", async (t) => {
  const cases = [
    { name: "whole seconds", ms: Date.parse("2024-05-01T10:00:05Z"), want: "2024-05-01T10:00:05Z" },
    { name: "trailing zeros dropped", ms: Date.parse("2024-05-01T10:00:05.120Z"), want: "2024-05-01T10:00:05.12Z" },
    { name: "milliseconds kept", ms: Date.parse("2024-05-01T10:00:05.007Z"), want: "2024-05-01T10:00:05.007Z" },
    { name: "offsets become UTC", ms: Date.parse("2024-05-01T12:00:05+02:00"), want: "2024-05-01T10:00:05Z" },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(formatTriggerTime(c.ms), c.want));
});
