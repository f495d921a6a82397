import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Event, KubeObject } from "../api/types.js";
import type { TestApi } from "../apiserver/test-api.js";
import { startTestApi } from "../apiserver/test-api.js";
import { FakeClock } from "./clock.js";
import { EventRecorder } from "./event-recorder.js";
import { InProcessTransport } from "./in-process-transport.js";
import type { KubeClient } from "./rest-client.js";
import { coreClient, makePod, testTransport } from "./test-fixtures.js";

describe("EventRecorder against the in-process API", () => {
  let t: TestApi;
  let events: KubeClient<Event>;
  let seq = 0;
  before(async () => {
    t = await startTestApi();
    events = coreClient<Event>(testTransport(t), "events");
  });
  after(() => t.close());

  async function fixture(): Promise<{ pod: KubeObject; clock: FakeClock; rec: EventRecorder; list: () => Promise<Event[]> }> {
    const pod = await coreClient(testTransport(t), "pods").create(makePod("default", `ev${seq++}`));
    const clock = new FakeClock(Date.UTC(2026, 2, 1, 12, 0, 0));
    const rec = new EventRecorder(events, { component: "default-scheduler", clock, onError: (e) => assert.fail(String(e)) });
    const list = async (): Promise<Event[]> => (await events.list("default", { fieldSelector: `involvedObject.name=${pod.metadata.name}` })).items;
    return { pod, clock, rec, list };
  }

  const cases: { name: string; run: () => Promise<void> }[] = [
    {
      name: "the first event carries the involved object, source, timestamps and count 1, named <name>.<hex ns>",
      run: async () => {
        const { pod, rec, list } = await fixture();
        await rec.event(pod, "Normal", "Scheduled", `Successfully assigned default/${pod.metadata.name} to core-v2-01`);
        const [ev] = await list();
        assert.match(ev.metadata.name ?? "", new RegExp(`^${pod.metadata.name}\\.[0-9a-f]+$`));
        assert.equal(BigInt(`0x${(ev.metadata.name ?? "").split(".")[1]}`), BigInt(Date.UTC(2026, 2, 1, 12, 0, 0)) * 1_000_000n);
        assert.deepEqual(ev.involvedObject, {
          kind: "Pod",
          namespace: "default",
          name: pod.metadata.name,
          uid: pod.metadata.uid,
          apiVersion: "v1",
          resourceVersion: pod.metadata.resourceVersion,
        });
        assert.deepEqual(ev.source, { component: "default-scheduler" });
        assert.equal(ev.reportingComponent, "default-scheduler");
        assert.equal(ev.type, "Normal");
        assert.equal(ev.count, 1);
        assert.equal(ev.firstTimestamp, "2026-03-01T12:00:00Z");
        assert.equal(ev.lastTimestamp, "2026-03-01T12:00:00Z");
      },
    },
    {
      name: "a repeat within ten minutes bumps count and lastTimestamp of the same Event",
      run: async () => {
        const { pod, clock, rec, list } = await fixture();
        await rec.event(pod, "Warning", "FailedScheduling", "0/1 nodes are available");
        clock.advance(5 * 60_000);
        await rec.event(pod, "Warning", "FailedScheduling", "0/1 nodes are available");
        clock.advance(5 * 60_000);
        await rec.event(pod, "Warning", "FailedScheduling", "0/1 nodes are available");
        const evs = await list();
        assert.equal(evs.length, 1);
        assert.equal(evs[0].count, 3);
        assert.equal(evs[0].firstTimestamp, "2026-03-01T12:00:00Z");
        assert.equal(evs[0].lastTimestamp, "2026-03-01T12:10:00Z");
      },
    },
    {
      name: "after the window, or with another message, a new Event is made",
      run: async () => {
        const { pod, clock, rec, list } = await fixture();
        await rec.event(pod, "Normal", "Pulled", "a");
        await rec.event(pod, "Normal", "Pulled", "b");
        clock.advance(11 * 60_000);
        await rec.event(pod, "Normal", "Pulled", "a");
        const evs = await list();
        assert.deepEqual(evs.map((e) => `${e.message}:${e.count}`).sort(), ["a:1", "a:1", "b:1"]);
      },
    },
    {
      name: "if the Event was deleted meanwhile, the repeat creates a new one",
      run: async () => {
        const { pod, rec, list } = await fixture();
        await rec.event(pod, "Normal", "Started", "x");
        const [first] = await list();
        await events.delete("default", first.metadata.name ?? "");
        await rec.event(pod, "Normal", "Started", "x");
        const evs = await list();
        assert.equal(evs.length, 1);
        assert.notEqual(evs[0].metadata.name, first.metadata.name);
        assert.equal(evs[0].count, 1);
      },
    },
    {
      name: "events about cluster-scoped objects go to the default namespace",
      run: async () => {
        const node = await coreClient(testTransport(t), "nodes").get(undefined, "core-v2-01").catch(() => undefined);
        const obj: KubeObject = node ?? { apiVersion: "v1", kind: "Node", metadata: { name: "core-v2-01", uid: "u-node" } };
        const rec = new EventRecorder(events, { component: "node-controller", host: "core-v2-01", onError: (e) => assert.fail(String(e)) });
        await rec.event(obj, "Normal", "RegisteredNode", "Node core-v2-01 event: Registered Node core-v2-01 in Controller");
        const evs = (await events.list("default", { fieldSelector: "involvedObject.kind=Node" })).items;
        assert.equal(evs.length, 1);
        assert.equal(evs[0].involvedObject.namespace, undefined);
        assert.deepEqual(evs[0].source, { component: "node-controller", host: "core-v2-01" });
        assert.equal(evs[0].reportingInstance, "core-v2-01");
      },
    },
    {
      name: "a failed write is reported, never thrown",
      run: async () => {
        const errors: unknown[] = [];
        const bad = coreClient<Event>(new InProcessTransport(t.api, { token: "wrong" }), "events");
        const rec = new EventRecorder(bad, { component: "x", onError: (e) => errors.push(e) });
        await rec.event(makePod("default", "p"), "Normal", "R", "m");
        assert.equal(errors.length, 1);
      },
    },
  ];
  for (const c of cases) test(c.name, c.run);
});
