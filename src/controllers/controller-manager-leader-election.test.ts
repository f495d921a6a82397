// Two controller managers with leader election on one in-process API server: only the holder
// of Lease kube-system/kube-controller-manager runs controllers; a graceful stop hands over at
// once, a crash (no release) after the lease duration, a cut-off leader stops before the other
// starts; Events and leaseTransitions record each change. Short durations, the real clock.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { requireResource } from "../api/resources.js";
import type { Event, Lease } from "../api/types.js";
import { InProcessTransport, InterruptibleTransport, KubeClient } from "../client/index.js";
import type { TestApi } from "../apiserver/test-api.js";
import { startTestApi, testToken } from "../apiserver/test-api.js";
import type { Controller } from "./controller-context.js";
import { runControllerManager } from "./controller-manager.js";
import type { LeaderElectionConfig } from "./leader-election/leader-election-config.js";

const durations = { leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 150 };
const leases = requireResource("coordination.k8s.io", "v1", "leases");
const events = requireResource("", "v1", "events");

/** Who ran the probe controller when: one interval per leadership term. */
class ActivityLog {
  readonly terms: { who: string; from: number; to?: number }[] = [];
  readonly overlaps: string[] = [];

  probe(who: string): Controller {
    return {
      name: "probe",
      run: async (ctx) => {
        const active = this.terms.filter((t) => t.to === undefined);
        if (active.length) this.overlaps.push(`${who} started while ${active.map((t) => t.who).join(",")} ran`);
        const term: { who: string; from: number; to?: number } = { who, from: Date.now() };
        this.terms.push(term);
        await new Promise<void>((resolve) => (ctx.signal.aborted ? resolve() : ctx.signal.addEventListener("abort", () => resolve(), { once: true })));
        term.to = Date.now();
      },
    };
  }

  active(): string[] {
    return this.terms.filter((t) => t.to === undefined).map((t) => t.who);
  }
}

interface Manager {
  name: string;
  transport: InterruptibleTransport;
  stop: AbortController;
  done: Promise<void>;
}

function startManager(api: TestApi, log: ActivityLog, name: string, config: Partial<LeaderElectionConfig> = {}): Manager {
  const transport = new InterruptibleTransport(new InProcessTransport(api.api, { token: testToken, userAgent: name }));
  const stop = new AbortController();
  const done = runControllerManager({
    transport,
    controllers: [log.probe(name)],
    signal: stop.signal,
    leaderElection: { identity: `${name}_test`, ...durations, ...config },
  });
  return { name, transport, stop, done };
}

async function waitFor<T>(what: string, cond: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await cond();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function withCluster(fn: (c: { api: TestApi; log: ActivityLog; managers: Manager[]; lease: () => Promise<Lease> }) => Promise<void>): Promise<void> {
  const api = await startTestApi();
  const log = new ActivityLog();
  const managers: Manager[] = [];
  const client = new KubeClient<Lease>(new InProcessTransport(api.api, { token: testToken }), leases);
  try {
    await fn({ api, log, managers, lease: () => client.get("kube-system", "kube-controller-manager") });
    assert.deepEqual(log.overlaps, [], "never two leaders at once");
  } finally {
    for (const m of managers) {
      m.transport.release();
      m.stop.abort();
    }
    await Promise.all(managers.map((m) => m.done));
    api.close();
  }
}

describe("controller manager with leader election", () => {
  test("one of two runs the controllers; a graceful stop hands over at once", async () => {
    await withCluster(async ({ api, log, managers, lease }) => {
      managers.push(startManager(api, log, "a"));
      await waitFor("a leading", () => log.active().includes("a"));
      managers.push(startManager(api, log, "b"));
      // b keeps trying for longer than a lease duration, and stays passive while a renews.
      await new Promise((r) => setTimeout(r, durations.leaseDurationMs * 1.5));
      assert.deepEqual(log.active(), ["a"]);
      const held = await lease();
      assert.equal(held.spec?.holderIdentity, "a_test");
      assert.equal(held.spec?.leaseTransitions, 0);
      assert.equal(held.spec?.leaseDurationSeconds, 1);

      const stoppedAt = Date.now();
      managers[0].stop.abort();
      await managers[0].done;
      const released = await lease();
      assert.ok(released.spec?.holderIdentity === "" || released.spec?.holderIdentity === "b_test", `released: ${JSON.stringify(released.spec)}`);
      await waitFor("b leading", () => log.active().includes("b"));
      const took = Date.now() - stoppedAt;
      assert.ok(took < durations.leaseDurationMs, `a release hands over within a retry period, took ${took} ms`);
      const after = await lease();
      assert.equal(after.spec?.holderIdentity, "b_test");
      assert.equal(after.spec?.leaseTransitions, 1);

      // Events on the Lease, as kube-controller-manager records them.
      const evClient = new KubeClient<Event>(new InProcessTransport(api.api, { token: testToken }), events);
      const messages = await waitFor("LeaderElection events", async () => {
        const items = (await evClient.list("kube-system")).items.filter((e) => e.reason === "LeaderElection");
        const m = items.map((e) => e.message ?? "").sort();
        return m.includes("b_test became leader") ? m : undefined;
      });
      assert.deepEqual(messages, ["a_test became leader", "a_test stopped leading", "b_test became leader"]);
      const ev = (await evClient.list("kube-system")).items.find((e) => e.message === "b_test became leader");
      assert.deepEqual(
        { kind: ev?.involvedObject.kind, name: ev?.involvedObject.name, type: ev?.type, source: ev?.source?.component },
        { kind: "Lease", name: "kube-controller-manager", type: "Normal", source: "kube-controller-manager" },
      );
    });
  });

  test("a leader that crashes without releasing is replaced after the lease duration, not before", async () => {
    await withCluster(async ({ api, log, managers, lease }) => {
      managers.push(startManager(api, log, "a", { releaseOnCancel: false }));
      await waitFor("a leading", () => log.active().includes("a"));
      managers.push(startManager(api, log, "b"));
      await new Promise((r) => setTimeout(r, durations.retryPeriodMs * 2));
      const lastRenew = Date.parse((await lease()).spec?.renewTime ?? "");
      managers[0].stop.abort();
      await managers[0].done;
      assert.equal((await lease()).spec?.holderIdentity, "a_test", "not released");
      await waitFor("b leading", () => log.active().includes("b"), 5_000);
      const took = Date.now() - lastRenew;
      assert.ok(took >= durations.leaseDurationMs, `b waited out the lease (${took} ms after a's last renewal)`);
      assert.ok(took <= durations.leaseDurationMs + 2 * durations.retryPeriodMs + 300, `b took over within lease + retry, took ${took} ms`);
      assert.equal((await lease()).spec?.leaseTransitions, 1);
    });
  });

  test("a leader cut off from the API stops its controllers within the renew deadline, before the other starts", async () => {
    await withCluster(async ({ api, log, managers }) => {
      managers.push(startManager(api, log, "a"));
      await waitFor("a leading", () => log.active().includes("a"));
      managers.push(startManager(api, log, "b"));
      await new Promise((r) => setTimeout(r, durations.retryPeriodMs * 2));
      const cutAt = Date.now();
      managers[0].transport.hold();
      await waitFor("a to stop leading", () => !log.active().includes("a"), 3_000);
      const aStopped = log.terms[0].to ?? 0;
      assert.ok(aStopped - cutAt <= durations.renewDeadlineMs + durations.retryPeriodMs + 100, `a stopped ${aStopped - cutAt} ms after the cut`);
      await waitFor("b leading", () => log.active().includes("b"), 5_000);
      // a comes back: it finds b holding the Lease and stays passive.
      managers[0].transport.release();
      await new Promise((r) => setTimeout(r, durations.leaseDurationMs));
      assert.deepEqual(log.active(), ["b"]);
    });
  });
});
