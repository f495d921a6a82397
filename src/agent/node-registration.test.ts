import assert from "node:assert/strict";
import { test } from "node:test";
import type { Lease, Node } from "../api/types.js";
import type { KubeClient } from "../client/index.js";
import { FakeClock } from "../client/index.js";
import { NodeRegistration, renewDeadlineMs, renewRetryDelayMs } from "./node-registration.js";

test("renewRetryDelayMs: 0.5 s after the first failure, doubling, never more than the period", () => {
  const cases: [number, number, number][] = [
    [1, 10_000, 500],
    [2, 10_000, 1000],
    [3, 10_000, 2000],
    [5, 10_000, 8000],
    [6, 10_000, 10_000],
    [40, 10_000, 10_000],
    [1, 200, 200],
  ];
  for (const [failures, period, want] of cases) assert.equal(renewRetryDelayMs(failures, period), want, `${failures} failures, period ${period}`);
});

/** When (clock ms from the start) each lease renewal was sent, with a chosen answer per attempt. */
function leaseRecorder(clock: FakeClock, answer: (at: number) => "ok" | "fail" | "hang"): { client: KubeClient<Lease>; sentAt: number[] } {
  const start = clock.now();
  const sentAt: number[] = [];
  const client = {
    patch: () => {
      const at = clock.now() - start;
      sentAt.push(at);
      const a = answer(at);
      if (a === "hang") return new Promise<Lease>(() => undefined);
      return a === "ok" ? Promise.resolve({} as Lease) : Promise.reject(new Error("etcdserver: no leader"));
    },
  } as unknown as KubeClient<Lease>;
  return { client, sentAt };
}

const nodes = { create: () => Promise.resolve({} as Node) } as unknown as KubeClient<Node>;
const node = { metadata: { name: "core-v2-01" }, status: {} } as Node;

/** Moves the fake clock in 100 ms steps, letting the renewals' promises settle between steps. */
async function run(clock: FakeClock, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    clock.advance(100);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }
}

test("renewals: every period while they succeed; after failures, again within 0.5, 1, 2 s, then back to the period", async () => {
  const clock = new FakeClock();
  const { client, sentAt } = leaseRecorder(clock, (at) => (at >= 10_000 && at < 13_000 ? "fail" : "ok"));
  const stop = new AbortController();
  await new NodeRegistration({ nodes, leases: client }, clock).start(node, { periodMs: 10_000, signal: stop.signal });
  await run(clock, 30_000);
  stop.abort();
  assert.deepEqual(sentAt, [0, 10_000, 10_500, 11_500, 13_500, 23_500]);
  await run(clock, 20_000);
  assert.equal(sentAt.length, 6, "nothing after the signal aborted");
});

test("renewals: one that hangs (a frozen server) counts as failed after the deadline and is tried again", async () => {
  const clock = new FakeClock();
  const { client, sentAt } = leaseRecorder(clock, (at) => (at === 10_000 ? "hang" : "ok"));
  const stop = new AbortController();
  await new NodeRegistration({ nodes, leases: client }, clock).start(node, { periodMs: 10_000, signal: stop.signal });
  await run(clock, 26_000);
  stop.abort();
  assert.deepEqual(sentAt, [0, 10_000, 10_000 + renewDeadlineMs + 500, 10_000 + renewDeadlineMs + 500 + 10_000]);
});
