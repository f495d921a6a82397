import { test } from "node:test";
import assert from "node:assert/strict";
import { ClientError } from "./client-error.js";
import { retryOnConflict } from "./retry.js";

const conflict = (): ClientError => ClientError.fromResponse(409, JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 409, reason: "Conflict", message: "modified" }));
const notFound = (): ClientError => ClientError.fromResponse(404, "");

const cases: { name: string; failures: (() => Error)[]; steps?: number; wantCalls: number; wantError?: string }[] = [
  { name: "success first time", failures: [], wantCalls: 1 },
  { name: "two conflicts then success", failures: [conflict, conflict], wantCalls: 3 },
  { name: "other errors are not retried", failures: [notFound], wantCalls: 1, wantError: "NotFound" },
  { name: "gives up after `steps` conflicts", failures: [conflict, conflict, conflict], steps: 3, wantCalls: 3, wantError: "Conflict" },
];

for (const c of cases) {
  test(c.name, async () => {
    let calls = 0;
    const pauses: number[] = [];
    const run = retryOnConflict(
      async () => {
        const f = c.failures[calls++];
        if (f) throw f();
        return "ok";
      },
      { steps: c.steps, jitter: 0, sleep: async (ms) => void pauses.push(ms) },
    );
    if (c.wantError) await assert.rejects(run, (e: unknown) => e instanceof ClientError && e.reason === c.wantError);
    else assert.equal(await run, "ok");
    assert.equal(calls, c.wantCalls);
    assert.ok(pauses.every((p) => p === 10));
  });
}
