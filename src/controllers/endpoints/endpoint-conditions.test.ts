import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod } from "../../api/types.js";
import { endpointConditions, type EndpointConditions } from "./endpoint-conditions.js";
import { makePod, makeService, notReady } from "./test-fixtures.js";

test("endpointConditions", async (t) => {
  const deleting = (p: Pod): void => {
    p.metadata.deletionTimestamp = "2024-05-01T11:00:00Z";
  };
  const cases: { name: string; edit?: (p: Pod) => void; publishNotReady?: boolean; want: EndpointConditions }[] = [
    { name: "ready pod", want: { ready: true, serving: true, terminating: false } },
    { name: "not ready pod", edit: (p) => notReady(p), want: { ready: false, serving: false, terminating: false } },
    { name: "pod without conditions is not ready", edit: (p) => void (p.status = { phase: "Pending", podIP: "10.1.13.2" }), want: { ready: false, serving: false, terminating: false } },
    { name: "ready pod being deleted: serving, terminating, not ready", edit: deleting, want: { ready: false, serving: true, terminating: true } },
    { name: "not ready pod being deleted", edit: (p) => (notReady(p), deleting(p)), want: { ready: false, serving: false, terminating: true } },
    { name: "publishNotReadyAddresses makes a not ready pod ready", edit: (p) => notReady(p), publishNotReady: true, want: { ready: true, serving: false, terminating: false } },
    { name: "publishNotReadyAddresses makes a terminating pod ready", edit: deleting, publishNotReady: true, want: { ready: true, serving: true, terminating: true } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const svc = makeService("default", "nginx-service", (s) => void (s.spec.publishNotReadyAddresses = c.publishNotReady));
      assert.deepEqual(endpointConditions(makePod("default", "p", c.edit), svc), c.want);
    });
  }
});
