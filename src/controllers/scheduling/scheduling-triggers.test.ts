import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { Condition, Node, Pod } from "../../api/types.js";
import { makeNode, makePod, tainted } from "./fixtures.js";
import {
  nodeSchedulingChanged,
  podScheduledConditionChanged,
  podSchedulingChanged,
  responsibleForPod,
  retryBackoffMs,
  scheduledMessage,
} from "./scheduling-triggers.js";

const pod = (edit?: (p: Pod) => void): Pod => deepFreeze(makePod("default", "x", edit));
const node = (edit?: (n: Node & { spec: NonNullable<Node["spec"]>; status: NonNullable<Node["status"]> }) => void): Node => deepFreeze(makeNode("n1", edit));

test("responsibleForPod", async (t) => {
  const cases: { name: string; pod: Pod; scheduler?: string; want: boolean }[] = [
    { name: "no schedulerName means the default scheduler", pod: pod(), want: true },
    { name: "default-scheduler", pod: pod((p) => (p.spec.schedulerName = "default-scheduler")), want: true },
    { name: "another scheduler's pod", pod: pod((p) => (p.spec.schedulerName = "other")), want: false },
    { name: "the other scheduler's own pod", pod: pod((p) => (p.spec.schedulerName = "other")), scheduler: "other", want: true },
    { name: "already bound", pod: pod((p) => (p.spec.nodeName = "n1")), want: false },
    { name: "being deleted", pod: pod((p) => (p.metadata.deletionTimestamp = "2026-01-01T00:00:00Z")), want: false },
    { name: "finished", pod: pod((p) => (p.status = { phase: "Succeeded" })), want: false },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(responsibleForPod(c.pod, c.scheduler), c.want));
});

test("podSchedulingChanged", async (t) => {
  const cases: { name: string; next: Pod; want: boolean }[] = [
    { name: "status only", next: pod((p) => (p.status = { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False" }] })), want: false },
    { name: "a toleration added", next: pod((p) => (p.spec.tolerations = [{ key: "k", operator: "Exists" }])), want: true },
    { name: "labels", next: pod((p) => (p.metadata.labels = { a: "b" })), want: true },
    { name: "deletion", next: pod((p) => (p.metadata.deletionTimestamp = "2026-01-01T00:00:00Z")), want: true },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(podSchedulingChanged(pod(), c.next), c.want));
});

test("nodeSchedulingChanged", async (t) => {
  const cases: { name: string; next: Node; want: boolean }[] = [
    { name: "nothing", next: node(), want: false },
    { name: "heartbeat only", next: node((n) => (n.status.conditions = [{ ...(n.status.conditions as Condition[])[0], lastHeartbeatTime: "2026-01-01T00:00:10Z" }])), want: false },
    { name: "cordoned", next: node((n) => (n.spec.unschedulable = true)), want: true },
    { name: "tainted", next: node(tainted({ key: "k", effect: "NoSchedule" })), want: true },
    { name: "labelled", next: node((n) => (n.metadata.labels = { zone: "a" })), want: true },
    { name: "more allocatable", next: node((n) => (n.status.allocatable = { cpu: "8", memory: "8Gi", pods: "110" })), want: true },
    { name: "Ready turned Unknown", next: node((n) => (n.status.conditions = [{ type: "Ready", status: "Unknown" }])), want: true },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(nodeSchedulingChanged(node(), c.next), c.want));
});

test("retryBackoffMs", async (t) => {
  const cases: { name: string; failures: number; o?: { initialMs?: number; maxMs?: number }; want: number }[] = [
    { name: "first retry after 1 s", failures: 1, want: 1000 },
    { name: "doubling", failures: 3, want: 4000 },
    { name: "capped at 60 s", failures: 20, want: 60_000 },
    { name: "huge counts stay capped", failures: 5000, want: 60_000 },
    { name: "custom", failures: 2, o: { initialMs: 50, maxMs: 80 }, want: 80 },
    { name: "zero counts as one", failures: 0, want: 1000 },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(retryBackoffMs(c.failures, c.o), c.want));
});

test("scheduledMessage", () => {
  assert.equal(scheduledMessage(pod(), "core-v2-01"), "Successfully assigned default/x to core-v2-01");
});

test("podScheduledConditionChanged", async (t) => {
  const wanted: Condition = { type: "PodScheduled", status: "False", reason: "Unschedulable", message: "m", lastTransitionTime: "2026-01-01T00:00:05Z" };
  const withCond = (c?: Condition): Pod => pod((p) => (p.status = { phase: "Pending", conditions: c ? [c] : [] }));
  const cases: { name: string; pod: Pod; want: boolean }[] = [
    { name: "no condition yet", pod: withCond(), want: true },
    { name: "same but for the time", pod: withCond({ ...wanted, lastTransitionTime: "2026-01-01T00:00:00Z" }), want: false },
    { name: "another message", pod: withCond({ ...wanted, message: "other" }), want: true },
    { name: "True before", pod: withCond({ type: "PodScheduled", status: "True" }), want: true },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(podScheduledConditionChanged(c.pod, wanted), c.want));
});
