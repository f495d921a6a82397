import { test } from "node:test";
import assert from "node:assert/strict";
import type { ApiResponse, WatchHandle } from "./api-client.js";
import type { SenderWatcher } from "./workloads.js";
import { addedName, endpointsObject, evenShares, listResourceVersion, runCreates, runFanOut } from "./workloads.js";

/**
 * A fake API server for the workloads: answers a GET with an empty list, a POST with 201 (or
 * `failWith`), and delivers each created object as an ADDED event to every watch opened through
 * any server of the same `hub` — as servers sharing one store do. Answers come a turn later.
 */
class FakeServer implements SenderWatcher {
  readonly posted: string[] = [];
  watches = 0;
  constructor(
    readonly hub: Set<(line: string) => void>,
    readonly failWith?: number,
  ) {}

  async send(method: string, _path: string, body?: unknown): Promise<ApiResponse> {
    await new Promise((resolve) => setImmediate(resolve));
    if (method === "GET") return { status: 200, body: JSON.stringify({ metadata: { resourceVersion: "7" }, items: [] }), ms: 1 };
    if (this.failWith) return { status: this.failWith, body: "no", ms: 1 };
    const obj = body as { metadata: { name: string } };
    this.posted.push(obj.metadata.name);
    const line = JSON.stringify({ type: "ADDED", object: obj });
    setImmediate(() => {
      for (const w of this.hub) w(line);
    });
    return { status: 201, body: "{}", ms: 1 };
  }

  watch(_path: string, onLine: (line: string) => void): Promise<WatchHandle> {
    this.watches++;
    // Its own function per watch: runFanOut passes one callback to all of them.
    const deliver = (line: string): void => onLine(line);
    this.hub.add(deliver);
    return Promise.resolve({ close: () => void this.hub.delete(deliver), done: Promise.resolve() });
  }
}

function fakeServers(n: number): FakeServer[] {
  const hub = new Set<(line: string) => void>();
  return Array.from({ length: n }, () => new FakeServer(hub));
}

test("evenShares", async (t) => {
  const cases: { name: string; total: number; parts: number; want: number[] }[] = [
    { name: "one part", total: 300, parts: 1, want: [300] },
    { name: "even split", total: 300, parts: 2, want: [150, 150] },
    { name: "remainder goes to the first", total: 7, parts: 3, want: [3, 2, 2] },
    { name: "fewer than parts", total: 1, parts: 2, want: [1, 0] },
    { name: "nothing", total: 0, parts: 2, want: [0, 0] },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(evenShares(c.total, c.parts), c.want));
  await t.test("zero parts throws", () => assert.throws(() => evenShares(3, 0), /positive integer/));
});

test("runCreates spreads clients over servers, each client pinned to one", async (t) => {
  await t.test("four clients on two servers: half each, every name once", async () => {
    const [a, b] = fakeServers(2);
    const s = await runCreates([a, b], { namespace: "ns", count: 40, clients: 4, prefix: "x" });
    assert.equal(s.errors, 0);
    assert.equal(s.latencies.length, 40);
    assert.deepEqual([a.posted.length, b.posted.length], [20, 20]);
    assert.deepEqual(s.byServer.map((l) => l.length), [20, 20]);
    assert.equal(new Set([...a.posted, ...b.posted]).size, 40);
  });
  await t.test("one client stays on the first server", async () => {
    const [a, b] = fakeServers(2);
    await runCreates([a, b], { namespace: "ns", count: 5, clients: 1, prefix: "x" });
    assert.deepEqual([a.posted.length, b.posted.length], [5, 0]);
  });
  await t.test("failures are counted with the first one kept", async () => {
    const bad = new FakeServer(new Set(), 500);
    const s = await runCreates([bad], { namespace: "ns", count: 3, clients: 2, prefix: "x" });
    assert.equal(s.errors, 3);
    assert.equal(s.latencies.length, 0);
    assert.equal(s.firstError, "HTTP 500 no");
  });
  await t.test("no servers throws", async () => {
    await assert.rejects(runCreates([], { namespace: "ns", count: 1, clients: 1, prefix: "x" }), /no servers/);
  });
});

test("runFanOut spreads watchers and writes over servers round-robin and times every delivery", async () => {
  const [a, b] = fakeServers(2);
  const s = await runFanOut([a, b], { namespace: "ns", watchers: 5, writes: 4, gapMs: 1 });
  assert.deepEqual([a.watches, b.watches], [3, 2]);
  assert.deepEqual(a.posted, ["fan-warmup", "fan-0", "fan-2"]);
  assert.deepEqual(b.posted, ["fan-1", "fan-3"]);
  assert.equal(s.perWatcher.length, 4 * 5);
  assert.equal(s.slowest.length, 4);
  assert.equal(s.missed, 0);
  assert.equal(s.errors, 0);
  assert.equal(a.hub.size, 0, "every watch is closed at the end");
});

test("addedName", async (t) => {
  const cases: { name: string; line: string; want: string | undefined }[] = [
    { name: "ADDED event", line: JSON.stringify({ type: "ADDED", object: { metadata: { name: "fan-3" } } }), want: "fan-3" },
    { name: "MODIFIED is ignored", line: JSON.stringify({ type: "MODIFIED", object: { metadata: { name: "fan-3" } } }), want: undefined },
    { name: "BOOKMARK is ignored", line: JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: "9" } } }), want: undefined },
    { name: "ERROR is ignored", line: JSON.stringify({ type: "ERROR", object: { kind: "Status", code: 410 } }), want: undefined },
    { name: "not JSON", line: "{half", want: undefined },
    { name: "name not a string", line: JSON.stringify({ type: "ADDED", object: { metadata: { name: 3 } } }), want: undefined },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(addedName(c.line), c.want));
});

test("listResourceVersion", async (t) => {
  const cases: { name: string; body: string; want?: string; throws?: RegExp }[] = [
    { name: "list with rv", body: JSON.stringify({ kind: "EndpointsList", metadata: { resourceVersion: "42" }, items: [] }), want: "42" },
    { name: "no metadata", body: JSON.stringify({ items: [] }), throws: /no metadata.resourceVersion/ },
    { name: "empty rv", body: JSON.stringify({ metadata: { resourceVersion: "" } }), throws: /no metadata.resourceVersion/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      if (c.throws) assert.throws(() => listResourceVersion(c.body), c.throws);
      else assert.equal(listResourceVersion(c.body), c.want);
    });
  }
});

test("endpointsObject is a namespaced v1 Endpoints with one address and port", () => {
  assert.deepEqual(endpointsObject("ns", "ep-1"), {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "ep-1", namespace: "ns", labels: { app: "bench" } },
    subsets: [{ addresses: [{ ip: "10.1.2.3" }], ports: [{ name: "http", port: 80, protocol: "TCP" }] }],
  });
});
