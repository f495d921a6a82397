import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { TestApi } from "../apiserver/test-api.js";
import { startTestApi } from "../apiserver/test-api.js";
import { InterruptibleTransport } from "./interruptible-transport.js";
import { SharedInformerFactory } from "./shared-informer-factory.js";
import { coreResource, eventually, makeService, testTransport } from "./test-fixtures.js";

let t: TestApi;
before(async () => {
  t = await startTestApi();
});
after(() => t.close());

test("informerFor shares one informer per resource, namespace and selectors", () => {
  const f = new SharedInformerFactory(testTransport(t));
  const svc = coreResource("services");
  const nodes = coreResource("nodes");
  const cases: { name: string; a: () => unknown; b: () => unknown; same: boolean }[] = [
    { name: "same resource", a: () => f.informerFor(svc), b: () => f.informerFor(svc), same: true },
    { name: "same namespace", a: () => f.informerFor(svc, { namespace: "x" }), b: () => f.informerFor(svc, { namespace: "x" }), same: true },
    { name: "other namespace", a: () => f.informerFor(svc, { namespace: "x" }), b: () => f.informerFor(svc, { namespace: "y" }), same: false },
    { name: "other selector", a: () => f.informerFor(svc), b: () => f.informerFor(svc, { labelSelector: "a=b" }), same: false },
    { name: "namespace ignored for cluster-scoped", a: () => f.informerFor(nodes), b: () => f.informerFor(nodes, { namespace: "x" }), same: true },
  ];
  for (const c of cases) assert.equal(c.a() === c.b(), c.same, c.name);
});

test("two controllers on one factory cause one list and one watch, and both hear every change", async () => {
  const tr = new InterruptibleTransport(testTransport(t));
  const f = new SharedInformerFactory(tr, { defaults: { onError: () => undefined } });
  const svc = coreResource("services");
  const heard: string[][] = [[], []];
  for (const h of heard) f.informerFor(svc, { namespace: "default" }).addEventHandler({ onAdd: (o) => h.push(o.metadata.name ?? "") });
  const stop = new AbortController();
  f.start(stop.signal);
  assert.equal(await f.waitForCacheSync(stop.signal), true);
  const late = f.informerFor(coreResource("nodes"));
  assert.equal(await f.waitForCacheSync(stop.signal), true, "an informer requested after start starts by itself");
  assert.ok(late.hasSynced());
  await f.client(svc).create(makeService("default", "shared"));
  await eventually("both heard", () => heard.every((h) => h.includes("shared")));
  const path = "/api/v1/namespaces/default/services";
  assert.equal(tr.count({ method: "GET", path, watch: false }), 1);
  assert.equal(tr.count({ method: "GET", path, watch: true }), 1);
  stop.abort();
  await f.stopped();
});
