import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { findResource } from "../api/resources.js";
import type { TestApi } from "./test-api.js";
import { startTestApi } from "./test-api.js";
import { watchResponse } from "./watch-stream.js";

describe("watch streams", () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(() => t.close());
  const services = findResource("", "v1", "services");
  assert.ok(services);

  test("bookmarks carry the last resourceVersion when the client allows them", async () => {
    const rv = String(await t.registry.currentRevision());
    const stop = new AbortController();
    const res = await watchResponse({
      registry: t.registry,
      resource: services,
      namespace: "default",
      options: { resourceVersion: rv },
      format: { kind: "json" },
      include: "Metadata",
      bookmarks: true,
      bookmarkIntervalMs: 30,
      signal: stop.signal,
      now: () => new Date(),
    });
    const it = res.stream?.[Symbol.asyncIterator]();
    const first = JSON.parse(String((await it?.next())?.value)) as { type: string; object: { kind: string; metadata: { resourceVersion: string } } };
    stop.abort();
    assert.equal(first.type, "BOOKMARK");
    assert.equal(first.object.kind, "Service");
    assert.equal(first.object.metadata.resourceVersion, rv);
  });

  test("a bookmark carries the watch's progress: past its last event when only other objects changed", async () => {
    const rv = String(await t.registry.currentRevision());
    const stop = new AbortController();
    const res = await watchResponse({
      registry: t.registry,
      resource: services,
      namespace: "default",
      options: { resourceVersion: rv },
      format: { kind: "json" },
      include: "Metadata",
      bookmarks: true,
      bookmarkIntervalMs: 250,
      signal: stop.signal,
      now: () => new Date(),
    });
    // Writes the watch does not select: a service in another namespace, a config map.
    await t.request("POST", "/api/v1/namespaces", { body: { metadata: { name: "elsewhere" } } });
    await t.request("POST", "/api/v1/namespaces/elsewhere/services", { body: { metadata: { name: "other" }, spec: { ports: [{ port: 80 }] } } });
    await t.request("POST", "/api/v1/namespaces/default/configmaps", { body: { metadata: { name: "cm" } } });
    const after = await t.registry.currentRevision();
    assert.ok(after > Number(rv));
    const it = res.stream?.[Symbol.asyncIterator]();
    const first = JSON.parse(String((await it?.next())?.value)) as { type: string; object: { metadata: { resourceVersion: string } } };
    stop.abort();
    assert.equal(first.type, "BOOKMARK");
    assert.equal(first.object.metadata.resourceVersion, String(after));
  });

  test("a watch that times out ends with a bookmark, so the client resumes from there", async () => {
    const res = await watchResponse({
      registry: t.registry,
      resource: services,
      namespace: "default",
      options: { resourceVersion: String(await t.registry.currentRevision()) },
      format: { kind: "json" },
      include: "Metadata",
      bookmarks: true,
      timeoutSeconds: 1,
      now: () => new Date(),
    });
    await t.request("POST", "/api/v1/namespaces/default/configmaps", { body: { metadata: { name: "cm-timeout" } } });
    const after = await t.registry.currentRevision();
    const chunks: string[] = [];
    for await (const c of res.stream ?? []) chunks.push(c);
    const last = JSON.parse(chunks.at(-1) ?? "{}") as { type?: string; object?: { metadata: { resourceVersion: string } } };
    assert.equal(last.type, "BOOKMARK");
    assert.equal(last.object?.metadata.resourceVersion, String(after));
  });

  test("timeoutSeconds ends the stream", async () => {
    const started = Date.now();
    const res = await watchResponse({
      registry: t.registry,
      resource: services,
      namespace: "default",
      options: { resourceVersion: String(await t.registry.currentRevision()) },
      format: { kind: "json" },
      include: "Metadata",
      bookmarks: false,
      timeoutSeconds: 1,
      now: () => new Date(),
    });
    const chunks: string[] = [];
    for await (const c of res.stream ?? []) chunks.push(c);
    assert.deepEqual(chunks, []);
    assert.ok(Date.now() - started >= 900 && Date.now() - started < 5000);
  });

  test("with a Table Accept, each event is a one-row Table with the same column definitions", async () => {
    const rv = String(await t.registry.currentRevision());
    const stop = new AbortController();
    const res = await t.request("GET", `/api/v1/namespaces/default/services?watch=true&resourceVersion=${rv}`, {
      accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
      signal: stop.signal,
    });
    const list = await t.request("GET", "/api/v1/namespaces/default/services", { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
    await t.request("POST", "/api/v1/namespaces/default/services", { body: { metadata: { name: "tabled" }, spec: { ports: [{ port: 80 }] } } });
    const it = res.stream?.[Symbol.asyncIterator]();
    const ev = JSON.parse(String((await it?.next())?.value)) as { type: string; object: { kind: string; columnDefinitions: unknown; rows: { cells: unknown[] }[] } };
    stop.abort();
    assert.equal(ev.type, "ADDED");
    assert.equal(ev.object.kind, "Table");
    assert.equal(ev.object.rows.length, 1);
    assert.equal(ev.object.rows[0].cells[0], "tabled");
    assert.equal(JSON.stringify(ev.object.columnDefinitions), JSON.stringify(t.json<{ columnDefinitions: unknown }>(list).columnDefinitions));
  });
});

describe("pod deletion", () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(() => t.close());
  const pods = "/api/v1/namespaces/default/pods";
  const pod = (name: string, nodeName?: string): Record<string, unknown> => ({
    metadata: { name },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: "c", image: "nginx" }] },
  });

  test("a pod on an existing node is deleted gracefully; grace 0 confirms", async () => {
    await t.request("POST", "/api/v1/nodes", { body: { metadata: { name: "core-v2-01" } } });
    await t.request("POST", pods, { body: pod("graceful", "core-v2-01") });
    const del = await t.request("DELETE", `${pods}/graceful`);
    assert.equal(del.status, 202);
    const marked = t.json<{ metadata: { deletionTimestamp?: string; deletionGracePeriodSeconds?: number } }>(await t.request("GET", `${pods}/graceful`));
    assert.ok(marked.metadata.deletionTimestamp);
    assert.equal(marked.metadata.deletionGracePeriodSeconds, 30);
    const confirm = await t.request("DELETE", `${pods}/graceful`, { body: { gracePeriodSeconds: 0 } });
    assert.equal(confirm.status, 200);
    assert.equal((await t.request("GET", `${pods}/graceful`)).status, 404);
  });

  test("an unscheduled pod, or one on a missing node, goes at once", async () => {
    await t.request("POST", pods, { body: pod("unscheduled") });
    assert.equal((await t.request("DELETE", `${pods}/unscheduled`)).status, 200);
    await t.request("POST", pods, { body: pod("orphaned", "no-such-node") });
    assert.equal((await t.request("DELETE", `${pods}/orphaned`)).status, 200);
  });

  test("binding sets the node once; a second binding is a 409", async () => {
    await t.request("POST", pods, { body: pod("to-bind") });
    const b = await t.request("POST", `${pods}/to-bind/binding`, { body: { apiVersion: "v1", kind: "Binding", metadata: { name: "to-bind" }, target: { kind: "Node", name: "core-v2-01" } } });
    assert.equal(b.status, 201, String(b.body));
    const again = await t.request("POST", `${pods}/to-bind/binding`, { body: { apiVersion: "v1", kind: "Binding", metadata: { name: "to-bind" }, target: { kind: "Node", name: "core-v2-02" } } });
    assert.equal(again.status, 409);
    assert.match(t.json<{ message: string }>(again).message, /pod to-bind is already assigned to node "core-v2-01"/);
  });
});
