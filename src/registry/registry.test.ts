import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { findResource, type ResourceInfo } from "../api/resources.js";
import { parseFieldSelector } from "../api/selectors/field-selector.js";
import type { KubeObject } from "../api/types.js";
import { MemoryStore } from "../storage/memory-store.js";
import { WatchCache } from "../storage/watch-cache.js";
import { buildRegistry } from "./build-registry.js";
import type { Registry } from "./registry.js";

function resource(name: string): ResourceInfo {
  const r = findResource("", "v1", name);
  if (!r) throw new Error(`no ${name}`);
  return r;
}

const pod = (ns: string, name: string, node?: string): KubeObject =>
  ({ metadata: { name, namespace: ns }, spec: { ...(node ? { nodeName: node } : {}), containers: [{ name: "c", image: "busybox" }] } }) as KubeObject;

const names = (items: readonly KubeObject[]): string[] => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

describe("Registry: pods selected by spec.nodeName (served from the watch cache's node index)", () => {
  const stop = new AbortController();
  let registry: Registry;
  const pods = resource("pods");
  before(async () => {
    const store = new MemoryStore();
    const cache = new WatchCache(store, { prefix: "/registry/" });
    void cache.start(stop.signal);
    await cache.ready;
    registry = buildRegistry({ store, cache, serviceCIDR: "10.0.0.0/24", nodePortRange: "30000-32767" }).registry;
    for (const ns of ["default", "other"]) {
      await registry.create(resource("namespaces"), undefined, { metadata: { name: ns } } as KubeObject);
      await registry.create(resource("serviceaccounts"), ns, { metadata: { name: "default" } } as KubeObject);
    }
    for (const [ns, name, node] of [
      ["default", "a", "n1"],
      ["default", "b", "n2"],
      ["other", "c", "n1"],
      ["default", "d", undefined],
      ["default", "gone", "n1"],
    ] as const) {
      await registry.create(pods, ns, pod(ns, name, node));
    }
    await registry.delete(pods, "default", "gone", { gracePeriodSeconds: 0 });
  });
  after(() => stop.abort());

  test("lists select exactly the pods of the node (and any other requirements)", async (t) => {
    const cases: { name: string; ns?: string; selector: string; want: string[] }[] = [
      { name: "one node, all namespaces", selector: "spec.nodeName=n1", want: ["default/a", "other/c"] },
      { name: "one node, one namespace", ns: "default", selector: "spec.nodeName=n1", want: ["default/a"] },
      { name: "unbound pods", selector: "spec.nodeName=", want: ["default/d"] },
      { name: "a node without pods", selector: "spec.nodeName=n9", want: [] },
      { name: "an index value plus another field", selector: "spec.nodeName=n1,metadata.namespace=other", want: ["other/c"] },
      { name: "not an index lookup: !=", selector: "spec.nodeName!=n1", want: ["default/b", "default/d"] },
    ];
    for (const c of cases) {
      await t.test(c.name, async () => {
        const list = await registry.list(pods, c.ns, { fieldSelector: parseFieldSelector(c.selector) });
        assert.deepEqual(names(list.items), c.want);
      });
    }
  });

  test("listed objects are private copies the caller may change", async () => {
    const first = await registry.list(pods, "default", { fieldSelector: parseFieldSelector("spec.nodeName=n1") });
    first.items[0].metadata.labels = { changed: "yes" };
    const second = await registry.list(pods, "default", { fieldSelector: parseFieldSelector("spec.nodeName=n1") });
    assert.equal(second.items[0].metadata.labels, undefined);
  });

  test("a watch from resourceVersion 0 starts with the node's pods only", async () => {
    const ctl = new AbortController();
    const seen: string[] = [];
    const watch = registry.watch(pods, undefined, { fieldSelector: parseFieldSelector("spec.nodeName=n1"), resourceVersion: "0" }, ctl.signal);
    for await (const ev of watch) {
      seen.push(`${ev.type} ${ev.object.metadata.namespace}/${ev.object.metadata.name}`);
      if (seen.length === 2) break;
    }
    ctl.abort();
    assert.deepEqual(seen, ["ADDED default/a", "ADDED other/c"]);
  });
});

describe("Registry.get with a resourceVersion (served from the watch cache)", () => {
  const stop = new AbortController();
  let registry: Registry;
  let store: MemoryStore;
  const configMaps = resource("configmaps");
  before(async () => {
    store = new MemoryStore();
    const cache = new WatchCache(store, { prefix: "/registry/" });
    void cache.start(stop.signal);
    await cache.ready;
    registry = buildRegistry({ store, cache, serviceCIDR: "10.0.0.0/24", nodePortRange: "30000-32767" }).registry;
    await registry.create(resource("namespaces"), undefined, { metadata: { name: "default" } } as KubeObject);
    await registry.create(configMaps, "default", { metadata: { name: "cm" }, data: { k: "v" } } as KubeObject);
  });
  after(() => stop.abort());

  test("each resourceVersion reads what Kubernetes says it reads", async () => {
    const current = String(await store.currentRevision());
    const cases: { name: string; rv?: string; want: string }[] = [
      { name: "absent: the store", want: "cm" },
      { name: "0: the cache, any age", rv: "0", want: "cm" },
      { name: "a revision the cache has seen", rv: current, want: "cm" },
      { name: "not a number", rv: "abc", want: "BadRequest" },
      { name: "negative", rv: "-1", want: "BadRequest" },
    ];
    for (const c of cases) {
      const got = await registry.get(configMaps, "default", "cm", { resourceVersion: c.rv }).then(
        (o) => o.metadata.name ?? "",
        (e: unknown) => (e as { reason?: string }).reason ?? String(e),
      );
      assert.equal(got, c.want, c.name);
    }
    const missing = await registry.get(configMaps, "default", "nope", { resourceVersion: "0" }).catch((e: unknown) => (e as { reason?: string }).reason);
    assert.equal(missing, "NotFound");
  });

  test("resourceVersion=0 does not touch the store", async () => {
    const original = store.get.bind(store);
    store.get = () => Promise.reject(new Error("store unavailable"));
    try {
      assert.equal((await registry.get(configMaps, "default", "cm", { resourceVersion: "0" })).metadata.name, "cm");
      await assert.rejects(registry.get(configMaps, "default", "cm"), /store unavailable/);
    } finally {
      store.get = original;
    }
  });
});
