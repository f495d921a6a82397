// ReplicaSync driven directly, with hand-fed caches over the real in-process API server: the
// cases an informer-driven test cannot stage reliably (a pod cache that lags behind the
// controller's own writes, pod creations that fail).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Event, Pod, ReplicationController } from "../../api/types.js";
import type { Transport } from "../../client/index.js";
import { EventRecorder, FakeClock, InProcessTransport, KubeClient, ObjectCache } from "../../client/index.js";
import { testToken } from "../../apiserver/test-api.js";
import { resource } from "../controller-context.js";
import type { TestCluster } from "../test-cluster.js";
import { startTestCluster } from "../test-cluster.js";
import { Expectations } from "./expectations.js";
import { ReplicaSync } from "./replica-sync.js";
import type { PodOwner } from "./workload-types.js";
import { eventsAbout, podsOwnedBy, workloadClients } from "./workload-test-kit.js";

const rcKind = { ownerKind: "ReplicationController", apiVersion: "v1" };

function makeRC(name: string, replicas: number): ReplicationController {
  return {
    apiVersion: "v1",
    kind: "ReplicationController",
    metadata: { name, namespace: "default" },
    spec: { replicas, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
  };
}

/** A transport that answers every pod creation with a 500 and passes everything else on. */
function failingPodCreates(inner: Transport): Transport {
  const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 500, reason: "InternalError", message: "quota exhausted" };
  return {
    request: (r) => (r.method === "POST" && r.path.endsWith("/pods") ? Promise.resolve({ status: 500, headers: {}, body: JSON.stringify(status) }) : inner.request(r)),
  };
}

describe("ReplicaSync", () => {
  let cluster: TestCluster;
  let c: ReturnType<typeof workloadClients>;
  let transport: Transport;

  before(async () => {
    cluster = await startTestCluster({ controllers: [] });
    c = workloadClients(cluster);
    transport = new InProcessTransport(cluster.api.api, { token: testToken, userAgent: "replica-sync-test" });
  });
  after(async () => {
    await cluster.stop();
  });

  function syncer(o: { transport?: Transport; clock?: FakeClock } = {}): { sync: ReplicaSync; owners: ObjectCache<PodOwner>; pods: ObjectCache<Pod>; expectations: Expectations; requeued: string[] } {
    const t = o.transport ?? transport;
    const clock = o.clock ?? new FakeClock(Date.now());
    const owners = new ObjectCache<PodOwner>();
    const pods = new ObjectCache<Pod>();
    const expectations = new Expectations({ clock });
    const requeued: string[] = [];
    const recorder = new EventRecorder(new KubeClient<Event>(t, resource("", "v1", "events")), { component: "replication-controller", clock });
    const sync = new ReplicaSync({
      owners,
      pods,
      requeueAfter: (key) => requeued.push(key),
      expectations,
      clock,
      control: { pods: new KubeClient<Pod>(t, resource("", "v1", "pods")), recorder, expectations, kind: rcKind },
      ownerClient: new KubeClient<PodOwner>(t, resource("", "v1", "replicationcontrollers")),
      burstReplicas: 500,
    });
    return { sync, owners, pods, expectations, requeued };
  }

  test("a pod cache that lags behind does not make the next sync create again", async () => {
    const rc = await c.rcs.create(makeRC("lagging", 3));
    const s = syncer();
    s.owners.upsert(rc);
    await s.sync.sync("default/lagging");
    assert.equal((await podsOwnedBy(c.pods, rc.metadata.uid)).length, 3);
    assert.deepEqual(s.expectations.outstanding("default/lagging"), { adds: 3, deletes: [] });

    // The informer has not delivered the pods yet: the owner waits instead of creating 3 more.
    await s.sync.sync("default/lagging");
    assert.equal((await podsOwnedBy(c.pods, rc.metadata.uid)).length, 3);

    // The pods arrive (as the add handler reports them): the cache is right, nothing to do.
    for (const p of await podsOwnedBy(c.pods, rc.metadata.uid)) {
      s.pods.upsert(p);
      s.expectations.creationObserved("default/lagging");
    }
    s.owners.upsert(await c.rcs.get("default", "lagging"));
    await s.sync.sync("default/lagging");
    assert.equal((await podsOwnedBy(c.pods, rc.metadata.uid)).length, 3);
    assert.equal((await c.rcs.get("default", "lagging")).status?.replicas, 3);
  });

  test("deletions are awaited too: a lagging cache does not delete twice", async () => {
    const rc = await c.rcs.create(makeRC("shrink", 3));
    const deletes: string[] = [];
    const counting: Transport = {
      request(r) {
        if (r.method === "DELETE") deletes.push(r.path);
        return transport.request(r);
      },
    };
    const s = syncer({ transport: counting });
    s.owners.upsert(rc);
    await s.sync.sync("default/shrink");
    const pods = await podsOwnedBy(c.pods, rc.metadata.uid);
    for (const p of pods) {
      s.pods.upsert(p);
      s.expectations.creationObserved("default/shrink");
    }
    const scaled = await c.rcs.update({ ...(await c.rcs.get("default", "shrink")), spec: { ...rc.spec, replicas: 1 } });
    s.owners.upsert(scaled);
    await s.sync.sync("default/shrink");
    assert.equal((await podsOwnedBy(c.pods, rc.metadata.uid)).length, 1);
    assert.equal(s.expectations.outstanding("default/shrink")?.deletes.length, 2);
    assert.equal(deletes.length, 2);
    // The cache still holds all three pods; the owner must not try again.
    await s.sync.sync("default/shrink");
    assert.equal(deletes.length, 2, "no further DELETE while the deletions are unobserved");
    assert.equal((await podsOwnedBy(c.pods, rc.metadata.uid)).length, 1);
  });

  test("a failed creation stops the slow start, is reported, and is retried", async () => {
    const rc = await c.rcs.create(makeRC("failing", 5));
    const s = syncer({ transport: failingPodCreates(transport) });
    s.owners.upsert(rc);
    await assert.rejects(s.sync.sync("default/failing"), /quota exhausted/);
    assert.equal(s.expectations.satisfied("default/failing"), true, "the failed and skipped creations were taken off");
    const events = await eventsAbout(c.events, "failing");
    assert.deepEqual(events, ["FailedCreate: Error creating: quota exhausted"], "one batch of one was tried");
    const st = (await c.rcs.get("default", "failing")).status;
    assert.equal(st?.conditions?.[0]?.type, "ReplicaFailure");
    assert.equal(st?.conditions?.[0]?.reason, "FailedCreate");
    assert.equal(st?.conditions?.[0]?.message, "quota exhausted");

    // Once creations work again the condition goes away.
    const ok = syncer();
    ok.owners.upsert(await c.rcs.get("default", "failing"));
    await ok.sync.sync("default/failing");
    assert.equal((await podsOwnedBy(c.pods, rc.metadata.uid)).length, 5);
    assert.equal((await c.rcs.get("default", "failing")).status?.conditions, undefined);
  });

  test("an owner gone from the cache forgets its expectations", async () => {
    const s = syncer();
    s.expectations.expectCreations("default/gone", 2);
    await s.sync.sync("default/gone");
    assert.equal(s.expectations.outstanding("default/gone"), undefined);
  });
});
