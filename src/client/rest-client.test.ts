import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, Status } from "../api/types.js";
import type { TestApi } from "../apiserver/test-api.js";
import { startTestApi } from "../apiserver/test-api.js";
import { ClientError, isAlreadyExists, isConflict, isExpired, isInvalid, isNotFound } from "./client-error.js";
import type { WatchEvent } from "./client-options.js";
import { InProcessTransport } from "./in-process-transport.js";
import type { KubeClient } from "./rest-client.js";
import { retryOnConflict } from "./retry.js";
import { coreClient, makePod, makeService, testTransport } from "./test-fixtures.js";

const spec = (o: KubeObject): Record<string, unknown> => (o.spec ??= {}) as Record<string, unknown>;

describe("KubeClient against the in-process API", () => {
  let t: TestApi;
  let svcs: KubeClient;
  let pods: KubeClient;
  let rcs: KubeClient;
  let nss: KubeClient;
  before(async () => {
    t = await startTestApi();
    const tr = testTransport(t);
    svcs = coreClient(tr, "services");
    pods = coreClient(tr, "pods");
    rcs = coreClient(tr, "replicationcontrollers");
    nss = coreClient(tr, "namespaces");
  });
  after(() => t.close());

  const cases: { name: string; run: () => Promise<void> }[] = [
    {
      name: "create then get returns the stored object, managed by the svcnet field manager",
      run: async () => {
        const created = await svcs.create(makeService("default", "c1"));
        assert.ok(created.metadata.uid);
        const got = await svcs.get("default", "c1");
        assert.equal(got.metadata.resourceVersion, created.metadata.resourceVersion);
        assert.equal(got.metadata.managedFields?.[0]?.manager, "svcnet");
      },
    },
    {
      name: "a missing object is a ClientError NotFound with the server's message",
      run: async () => {
        const err = await svcs.get("default", "nope").catch((e: unknown) => e);
        assert.ok(err instanceof ClientError);
        assert.ok(isNotFound(err));
        assert.equal(err.code, 404);
        assert.equal(err.message, 'services "nope" not found');
        assert.equal(err.details?.name, "nope");
      },
    },
    {
      name: "creating an existing name is AlreadyExists",
      run: async () => {
        await svcs.create(makeService("default", "dup"));
        assert.ok(isAlreadyExists(await svcs.create(makeService("default", "dup")).catch((e: unknown) => e)));
      },
    },
    {
      name: "an invalid object is Invalid with causes",
      run: async () => {
        const err = await svcs.create(makeService("default", "bad", (s) => (spec(s).ports = [{ port: 0 }]))).catch((e: unknown) => e);
        assert.ok(isInvalid(err));
        assert.ok(err instanceof ClientError && (err.details?.causes?.length ?? 0) > 0);
      },
    },
    {
      name: "update with a stale resourceVersion is a Conflict; retryOnConflict re-reads and succeeds",
      run: async () => {
        const a = await svcs.create(makeService("default", "u1"));
        await svcs.update({ ...a, metadata: { ...a.metadata, labels: { v: "1" } } });
        assert.ok(isConflict(await svcs.update({ ...a, metadata: { ...a.metadata, labels: { v: "2" } } }).catch((e: unknown) => e)));
        let attempts = 0;
        await retryOnConflict(async () => {
          attempts++;
          const live = attempts === 1 ? a : await svcs.get("default", "u1");
          return svcs.update({ ...live, metadata: { ...live.metadata, labels: { v: "3" } } });
        });
        assert.equal(attempts, 2);
        assert.deepEqual((await svcs.get("default", "u1")).metadata.labels, { v: "3" });
      },
    },
    {
      name: "updateStatus changes status only",
      run: async () => {
        const s = await svcs.create(
          makeService("default", "st1", (o) => {
            spec(o).type = "LoadBalancer";
            delete spec(o).clusterIP;
          }),
        );
        spec(s).type = "ClusterIP";
        s.status = { loadBalancer: { ingress: [{ ip: "192.168.9.9" }] } };
        const out = await svcs.updateStatus(s);
        assert.equal(spec(out).type, "LoadBalancer");
        assert.deepEqual(out.status, { loadBalancer: { ingress: [{ ip: "192.168.9.9" }] } });
      },
    },
    {
      name: "patch: merge, strategic, json and apply each reach the server with their media type",
      run: async () => {
        await svcs.create(makeService("default", "p1"));
        await svcs.patch("default", "p1", { type: "merge", body: { metadata: { labels: { m: "1" } } } });
        await svcs.patch("default", "p1", { type: "strategic", body: { metadata: { labels: { s: "1" } } } });
        await svcs.patch("default", "p1", { type: "json", body: [{ op: "add", path: "/metadata/annotations", value: { j: "1" } }] });
        const applied = await svcs.apply({ apiVersion: "v1", kind: "Service", metadata: { namespace: "default", name: "p1", labels: { a: "1" } } }, { fieldManager: "tester" });
        assert.deepEqual(applied.metadata.labels, { app: "p1", m: "1", s: "1", a: "1" });
        assert.deepEqual(applied.metadata.annotations, { j: "1" });
        assert.ok(applied.metadata.managedFields?.some((f) => f.manager === "tester" && f.operation === "Apply"));
      },
    },
    {
      name: "apply conflicts with another manager's field unless forced",
      run: async () => {
        await svcs.create(makeService("default", "p2", (s) => (s.metadata.labels = { owner: "svcnet" })));
        const body = { apiVersion: "v1", kind: "Service", metadata: { namespace: "default", name: "p2", labels: { owner: "other" } } };
        assert.ok(isConflict(await svcs.apply(body, { fieldManager: "other" }).catch((e: unknown) => e)));
        const forced = await svcs.apply(body, { fieldManager: "other", force: true });
        assert.equal(forced.metadata.labels?.owner, "other");
      },
    },
    {
      name: "dryRun create validates but stores nothing",
      run: async () => {
        await svcs.create(makeService("default", "dry"), { dryRun: true });
        assert.ok(isNotFound(await svcs.get("default", "dry").catch((e: unknown) => e)));
      },
    },
    {
      name: "list pages through everything with limit and keeps one resourceVersion",
      run: async () => {
        await nss.create({ metadata: { name: "paging" } });
        for (let i = 0; i < 7; i++) await svcs.create(makeService("paging", `s${i}`, (s) => (s.metadata.labels = { tier: i % 2 ? "odd" : "even" })));
        const all = await svcs.list("paging", { limit: 2 });
        assert.deepEqual(all.items.map((s) => s.metadata.name), ["s0", "s1", "s2", "s3", "s4", "s5", "s6"]);
        assert.ok(all.metadata.resourceVersion);
        assert.equal(all.metadata.continue, undefined);
        const page = await svcs.listPage("paging", { limit: 3 });
        assert.equal(page.items.length, 3);
        assert.ok(page.metadata.continue);
        const odd = await svcs.list("paging", { labelSelector: "tier=odd", limit: 1 });
        assert.deepEqual(odd.items.map((s) => s.metadata.name), ["s1", "s3", "s5"]);
        const one = await svcs.list("paging", { fieldSelector: "metadata.name=s4" });
        assert.deepEqual(one.items.map((s) => s.metadata.name), ["s4"]);
      },
    },
    {
      name: "list across all namespaces when the namespace is undefined",
      run: async () => {
        const all = await svcs.list(undefined);
        assert.ok(all.items.some((s) => s.metadata.namespace === "default" && s.metadata.name === "kubernetes"));
      },
    },
    {
      name: "delete honours preconditions and returns the object; deleteCollection by selector",
      run: async () => {
        const d = await svcs.create(makeService("default", "d1"));
        assert.ok(isConflict(await svcs.delete("default", "d1", { preconditions: { uid: "wrong" } }).catch((e: unknown) => e)));
        const gone = await svcs.delete("default", "d1", { preconditions: { uid: d.metadata.uid }, propagationPolicy: "Background" });
        assert.equal((gone as KubeObject).metadata.name, "d1");
        await nss.create({ metadata: { name: "dc" } });
        for (const n of ["x1", "x2", "y1"]) await svcs.create(makeService("dc", n, (s) => (s.metadata.labels = { g: n[0] })));
        const deleted = await svcs.deleteCollection("dc", { labelSelector: "g=x" });
        assert.deepEqual(deleted.items.map((s) => s.metadata.name).sort(), ["x1", "x2"]);
        assert.deepEqual((await svcs.list("dc")).items.map((s) => s.metadata.name), ["y1"]);
      },
    },
    {
      name: "bind assigns a pod once; a second bind is a Conflict",
      run: async () => {
        await pods.create(makePod("default", "b1"));
        const st: Status = await pods.bind("default", "b1", { node: "core-v2-01" });
        assert.equal(st.status, "Success");
        assert.equal(spec(await pods.get("default", "b1")).nodeName, "core-v2-01");
        assert.ok(isConflict(await pods.bind("default", "b1", { node: "core-v2-02" }).catch((e: unknown) => e)));
      },
    },
    {
      name: "scale reads and writes replicas of a replication controller",
      run: async () => {
        await rcs.create({
          metadata: { namespace: "default", name: "rc1" },
          spec: { replicas: 1, selector: { app: "rc1" }, template: { metadata: { labels: { app: "rc1" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
        });
        const sc = await pods.as().getScale("default", "b1").catch((e: unknown) => e);
        assert.ok(sc instanceof ClientError, "pods have no scale");
        const before = await rcs.getScale("default", "rc1");
        assert.equal(before.spec.replicas, 1);
        const out = await rcs.updateScale("default", "rc1", { replicas: 3, resourceVersion: before.metadata.resourceVersion });
        assert.equal(out.spec.replicas, 3);
        assert.ok(isConflict(await rcs.updateScale("default", "rc1", { replicas: 4, resourceVersion: before.metadata.resourceVersion }).catch((e: unknown) => e)));
      },
    },
    {
      name: "watch yields ADDED, MODIFIED and DELETED after a resourceVersion and ends on abort",
      run: async () => {
        await nss.create({ metadata: { name: "w1" } });
        const rv = (await svcs.list("w1")).metadata.resourceVersion;
        const stop = new AbortController();
        const seen: WatchEvent[] = [];
        const done = (async () => {
          for await (const ev of svcs.watch("w1", { resourceVersion: rv, signal: stop.signal })) {
            seen.push(ev);
            if (seen.length === 3) stop.abort();
          }
        })();
        const s = await svcs.create(makeService("w1", "a"));
        await svcs.patch("w1", "a", { type: "merge", body: { metadata: { labels: { x: "1" } } } });
        await svcs.delete("w1", s.metadata.name ?? "");
        await done;
        assert.deepEqual(seen.map((e) => `${e.type} ${e.object.metadata.name}`), ["ADDED a", "MODIFIED a", "DELETED a"]);
      },
    },
    {
      name: "a watch from a compacted resourceVersion throws ClientError Expired",
      run: async () => {
        const small = await startTestApi({ cacheCapacity: 5 });
        try {
          const c = coreClient(testTransport(small), "services");
          const rv = (await c.list("default")).metadata.resourceVersion;
          for (let i = 0; i < 8; i++) await c.create(makeService("default", `e${i}`));
          let err: unknown;
          try {
            for await (const ev of c.watch("default", { resourceVersion: rv })) assert.fail(`unexpected ${ev.type}`);
          } catch (e) {
            err = e;
          }
          assert.ok(isExpired(err), String(err));
          assert.equal((err as ClientError).code, 410);
        } finally {
          small.close();
        }
      },
    },
    {
      name: "a wrong token is Unauthorized",
      run: async () => {
        const c = coreClient(new InProcessTransport(t.api, { token: "wrong" }), "services");
        const err = await c.list("default").catch((e: unknown) => e);
        assert.ok(err instanceof ClientError);
        assert.equal(err.code, 401);
        assert.equal(err.reason, "Unauthorized");
      },
    },
    {
      name: "a namespaced get without a namespace is refused before any request",
      run: async () => {
        assert.throws(() => void svcs.get(undefined, "x"), TypeError);
      },
    },
  ];
  for (const c of cases) test(c.name, c.run);
});
