// SpeakerLease against the in-process API with a FakeClock: the first renewal creates the Lease
// with the speaker's identity and duration, later ones move renewTime on the clock's period,
// stop() ends the timer, release() deletes it (twice is fine). Read back through speakerLiveness.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { requireResource } from "../../api/resources.js";
import type { Lease } from "../../api/types.js";
import type { TestApi } from "../../apiserver/test-api.js";
import { startTestApi, testToken } from "../../apiserver/test-api.js";
import { FakeClock, InProcessTransport, KubeClient, isNotFound } from "../../client/index.js";
import { SpeakerLease } from "./speaker-lease.js";
import { speakerLiveness } from "./speaker-liveness.js";

describe("SpeakerLease", () => {
  let api: TestApi;
  let leases: KubeClient<Lease>;

  before(async () => {
    api = await startTestApi();
    leases = new KubeClient<Lease>(new InProcessTransport(api.api, { token: testToken }), requireResource("coordination.k8s.io", "v1", "leases"));
  });
  after(() => api.close());

  const read = (): Promise<Lease> => leases.get("kube-system", "svcnet-speaker-core-v2-01");

  it("creates, renews on the period, stops and releases", async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
    const errors: unknown[] = [];
    const lease = new SpeakerLease({ leases, node: "core-v2-01", clock, onError: (e) => errors.push(e) });
    await lease.start();
    const created = await read();
    assert.deepEqual(
      { holder: created.spec?.holderIdentity, duration: created.spec?.leaseDurationSeconds, renew: created.spec?.renewTime, acquire: created.spec?.acquireTime },
      { holder: "core-v2-01", duration: 2, renew: "2026-01-01T12:00:00.000000Z", acquire: "2026-01-01T12:00:00.000000Z" },
    );
    assert.deepEqual([...speakerLiveness([created], clock.now()).alive], ["core-v2-01"]);

    // The next renewal is due 500 ms after the first began.
    clock.advance(499);
    assert.equal((await read()).spec?.renewTime, "2026-01-01T12:00:00.000000Z");
    clock.advance(1);
    await waitUntil(async () => (await read()).spec?.renewTime === "2026-01-01T12:00:00.500000Z");

    await lease.stop();
    assert.equal(clock.pendingTimers, 0, "no renewal left scheduled");
    clock.advance(2000);
    assert.deepEqual([...speakerLiveness([await read()], clock.now()).alive], [], "dead once it ran out");

    await lease.release();
    await assert.rejects(read(), isNotFound);
    await lease.release();
    assert.deepEqual(errors, []);
  });
});

async function waitUntil(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error("condition never held");
}
