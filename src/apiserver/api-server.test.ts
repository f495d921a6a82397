import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { TestApi } from "./test-api.js";
import { startTestApi } from "./test-api.js";

const svcPath = "/api/v1/namespaces/default/services";

function service(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: "v1", kind: "Service", metadata: { name, labels: { app: "demo" } }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...extra } };
}

describe("API server pipeline (in-process)", () => {
  let t: TestApi;
  before(async () => {
    t = await startTestApi();
  });
  after(() => t.close());

  test("anonymous requests get 401 except health and version", async () => {
    const r = await t.request("GET", svcPath, { token: null });
    assert.equal(r.status, 401);
    assert.deepEqual(t.json(r), { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
    const bad = await t.request("GET", svcPath, { token: "wrong" });
    assert.equal(bad.status, 401);
    for (const p of ["/healthz", "/livez", "/readyz", "/version"]) assert.equal((await t.request("GET", p, { token: null })).status, 200, p);
  });

  test("version is a 1.32 server with integer major/minor", async () => {
    const v = t.json<{ major: string; minor: string }>(await t.request("GET", "/version"));
    assert.equal(v.major, "1");
    assert.equal(v.minor, "32");
  });

  test("discovery: legacy and aggregated", async () => {
    const legacy = t.json<{ resources: { name: string; shortNames?: string[] }[] }>(await t.request("GET", "/api/v1"));
    assert.ok(legacy.resources.some((r) => r.name === "services" && r.shortNames?.includes("svc")));
    assert.ok(legacy.resources.some((r) => r.name === "replicationcontrollers/scale"));
    const agg = await t.request("GET", "/apis", { accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json" });
    assert.equal(agg.headers["content-type"], "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    const body = t.json<{ items: { metadata: { name: string } }[] }>(agg);
    assert.deepEqual(body.items.map((i) => i.metadata.name).sort(), ["apps", "authentication.k8s.io", "authorization.k8s.io", "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "metallb.io", "rbac.authorization.k8s.io"]);
    const group = t.json<{ kind: string; name: string }>(await t.request("GET", "/apis/discovery.k8s.io"));
    assert.deepEqual([group.kind, group.name], ["APIGroup", "discovery.k8s.io"]);
  });

  test("bad requests get Kubernetes Status errors", async (tt) => {
    await t.request("POST", svcPath, { body: service("taken") });
    const cases: { name: string; method: string; path: string; body?: unknown; contentType?: string; code: number; reason: string; message: RegExp }[] = [
      { name: "malformed JSON", method: "POST", path: svcPath, body: "{not json", code: 400, reason: "BadRequest", message: /json/ },
      { name: "malformed YAML", method: "POST", path: svcPath, body: "a: [", contentType: "application/yaml", code: 400, reason: "BadRequest", message: /error converting YAML to JSON/ },
      { name: "unknown resource", method: "GET", path: "/api/v1/namespaces/default/widgets", code: 404, reason: "NotFound", message: /could not find the requested resource/ },
      { name: "missing object", method: "GET", path: `${svcPath}/nope`, code: 404, reason: "NotFound", message: /^services "nope" not found$/ },
      { name: "already exists", method: "POST", path: svcPath, body: service("taken"), code: 409, reason: "AlreadyExists", message: /^services "taken" already exists$/ },
      {
        name: "invalid port",
        method: "POST",
        path: svcPath,
        body: { ...service("bad"), spec: { ports: [{ port: 70000, targetPort: 80 }] } },
        code: 422,
        reason: "Invalid",
        message: /^Service "bad" is invalid: spec\.ports\[0\]\.port: Invalid value: 70000: must be between 1 and 65535, inclusive$/,
      },
      { name: "wrong kind", method: "POST", path: svcPath, body: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" } }, code: 400, reason: "BadRequest", message: /cannot be handled as a Service/ },
      { name: "namespace mismatch", method: "POST", path: svcPath, body: { ...service("x"), metadata: { name: "x", namespace: "other" } }, code: 400, reason: "BadRequest", message: /does not match the namespace/ },
      { name: "missing namespace", method: "POST", path: "/api/v1/namespaces/ghost/services", body: service("x"), code: 404, reason: "NotFound", message: /^namespaces "ghost" not found$/ },
      { name: "bad label selector", method: "GET", path: `${svcPath}?labelSelector=a%20b`, code: 400, reason: "BadRequest", message: /unable to parse requirement/ },
      { name: "unsupported field selector", method: "GET", path: `${svcPath}?fieldSelector=spec.bogus%3Dx`, code: 400, reason: "BadRequest", message: /^field label not supported: spec\.bogus$/ },
      { name: "unsupported patch type", method: "PATCH", path: `${svcPath}/taken`, body: "{}", contentType: "text/plain", code: 415, reason: "UnsupportedMediaType", message: /accepted media types include/ },
    ];
    for (const c of cases) {
      await tt.test(c.name, async () => {
        const r = await t.request(c.method, c.path, { body: c.body, contentType: c.contentType });
        assert.equal(r.status, c.code, String(r.body));
        const st = t.json<{ kind: string; reason: string; message: string; code: number }>(r);
        assert.equal(st.kind, "Status");
        assert.equal(st.reason, c.reason);
        assert.equal(st.code, c.code);
        assert.match(st.message, c.message);
      });
    }
  });

  test("strict field validation refuses unknown and duplicate fields; Warn warns and prunes", async () => {
    const strict = await t.request("POST", `${svcPath}?fieldValidation=Strict`, {
      body: '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s1"},"spec":{"bogus":1,"ports":[{"port":80}],"ports":[{"port":81}]}}',
    });
    assert.equal(strict.status, 400);
    assert.equal(t.json<{ message: string }>(strict).message, 'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.bogus", duplicate field "spec.ports"');
    const warn = await t.request("POST", `${svcPath}?fieldValidation=Warn`, { body: { ...service("s2"), spec: { bogus: 1, ports: [{ port: 80 }] } } });
    assert.equal(warn.status, 201);
    assert.equal(warn.headers.warning, '299 - "unknown field \\"spec.bogus\\""');
    assert.equal((t.json<{ spec: Record<string, unknown> }>(warn).spec).bogus, undefined);
  });

  test("update with a stale resourceVersion is a 409 Conflict", async () => {
    const created = t.json<{ metadata: { resourceVersion: string } }>(await t.request("POST", svcPath, { body: service("conflicted") }));
    const first = await t.request("PUT", `${svcPath}/conflicted`, {
      body: { ...service("conflicted"), metadata: { name: "conflicted", resourceVersion: created.metadata.resourceVersion, labels: { v: "1" } } },
    });
    assert.equal(first.status, 200, String(first.body));
    const stale = await t.request("PUT", `${svcPath}/conflicted`, {
      body: { ...service("conflicted"), metadata: { name: "conflicted", resourceVersion: created.metadata.resourceVersion, labels: { v: "2" } } },
    });
    assert.equal(stale.status, 409);
    assert.match(t.json<{ message: string }>(stale).message, /Operation cannot be fulfilled on services "conflicted": the object has been modified/);
  });

  test("generateName and dryRun", async () => {
    const gen = t.json<{ metadata: { name: string } }>(await t.request("POST", svcPath, { body: { ...service(""), metadata: { generateName: "gen-" } } }));
    assert.match(gen.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const dry = await t.request("POST", `${svcPath}?dryRun=All`, { body: service("dry") });
    assert.equal(dry.status, 201);
    assert.equal((await t.request("GET", `${svcPath}/dry`)).status, 404);
  });

  test("list with limit and continue pages through everything once", async () => {
    for (let i = 0; i < 7; i++) await t.request("POST", svcPath, { body: service(`page-${i}`) });
    const seen: string[] = [];
    let cont = "";
    for (let guard = 0; guard < 20; guard++) {
      const r = t.json<{ items: { metadata: { name: string } }[]; metadata: { continue?: string; remainingItemCount?: number } }>(
        await t.request("GET", `${svcPath}?labelSelector=app%3Ddemo&limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`),
      );
      seen.push(...r.items.map((i) => i.metadata.name));
      if (!r.metadata.continue) break;
      cont = r.metadata.continue;
    }
    const pages = seen.filter((n) => n.startsWith("page-"));
    assert.deepEqual(pages, [...new Set(pages)]);
    assert.equal(pages.length, 7);
  });

  test("watch from a list's resourceVersion sees later changes only; rv=0 replays", async () => {
    const list = t.json<{ metadata: { resourceVersion: string } }>(await t.request("GET", svcPath));
    const abort = new AbortController();
    const res = await t.request("GET", `${svcPath}?watch=true&resourceVersion=${list.metadata.resourceVersion}&labelSelector=w%3D1`, { signal: abort.signal });
    assert.equal(res.status, 200);
    const it = res.stream?.[Symbol.asyncIterator]();
    assert.ok(it);
    await t.request("POST", svcPath, { body: { ...service("watched"), metadata: { name: "watched", labels: { w: "1" } } } });
    await t.request("PATCH", `${svcPath}/watched`, { body: { metadata: { labels: { w: "2" } } }, contentType: "application/merge-patch+json" });
    const events: { type: string; object: { metadata: { name: string } } }[] = [];
    for (let i = 0; i < 2; i++) {
      const n = await it.next();
      events.push(JSON.parse(String(n.value)) as (typeof events)[number]);
    }
    abort.abort();
    assert.deepEqual(
      events.map((e) => [e.type, e.object.metadata.name]),
      [
        ["ADDED", "watched"],
        ["DELETED", "watched"],
      ],
      "leaving the label selector is a DELETED event",
    );
  });

  test("a node agent's pod watch (fieldSelector spec.nodeName, served from the cache's node index) sees its pods come and go", async () => {
    const podPath = "/api/v1/namespaces/default/pods";
    await t.request("POST", "/api/v1/nodes", { body: { metadata: { name: "idx-a" } } });
    const list = t.json<{ metadata: { resourceVersion: string } }>(await t.request("GET", podPath));
    const abort = new AbortController();
    const res = await t.request("GET", `${podPath}?watch=true&resourceVersion=${list.metadata.resourceVersion}&fieldSelector=spec.nodeName%3Didx-a`, { signal: abort.signal });
    assert.equal(res.status, 200);
    const it = res.stream?.[Symbol.asyncIterator]();
    assert.ok(it);
    const pod = (name: string, nodeName?: string): object => ({ metadata: { name }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: "c", image: "busybox" }] } });
    await t.request("POST", podPath, { body: pod("elsewhere", "idx-b") });
    await t.request("POST", podPath, { body: pod("unbound") });
    await t.request("POST", podPath, { body: pod("mine", "idx-a") });
    await t.request("PATCH", `${podPath}/mine`, { body: { metadata: { labels: { x: "1" } } }, contentType: "application/merge-patch+json" });
    await t.request("DELETE", `${podPath}/mine`, { body: { gracePeriodSeconds: 0 } });
    const events: { type: string; object: { metadata: { name: string } } }[] = [];
    for (let i = 0; i < 3; i++) {
      const n = await it.next();
      events.push(JSON.parse(String(n.value)) as (typeof events)[number]);
    }
    abort.abort();
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name]), [["ADDED", "mine"], ["MODIFIED", "mine"], ["DELETED", "mine"]]);
  });

  test("a watch from before the watch cache's window gets a 410 Expired ERROR event", async () => {
    const small = await startTestApi({ cacheCapacity: 5 });
    try {
      const rv = await small.store.currentRevision();
      for (let i = 0; i < 10; i++) await small.request("POST", svcPath, { body: service(`window-${i}`) });
      const res = await small.request("GET", `${svcPath}?watch=true&resourceVersion=${rv}`);
      assert.equal(res.status, 200);
      const it = res.stream?.[Symbol.asyncIterator]();
      const first = JSON.parse(String((await it?.next())?.value)) as { type: string; object: { code: number; reason: string; message: string } };
      assert.equal(first.type, "ERROR");
      assert.equal(first.object.code, 410);
      assert.equal(first.object.reason, "Expired");
      assert.match(first.object.message, /too old resource version/);
      assert.equal((await it?.next())?.done, true);
    } finally {
      small.close();
    }
  });

  test("Table responses have Kubernetes' service columns", async () => {
    const r = await t.request("GET", `${svcPath}/kubernetes`, { accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" });
    const table = t.json<{ kind: string; columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[]; object: { kind: string } }[] }>(r);
    assert.equal(table.kind, "Table");
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"],
    );
    assert.deepEqual(table.rows[0].cells.slice(0, 5), ["kubernetes", "ClusterIP", "10.0.0.1", "<none>", "443/TCP"]);
    assert.equal(table.rows[0].object.kind, "PartialObjectMetadata");
  });

  test("delete collection by label leaves the rest", async () => {
    for (const n of ["dc-1", "dc-2", "dc-3"]) await t.request("POST", svcPath, { body: { ...service(n), metadata: { name: n, labels: { dc: n === "dc-3" ? "keep" : "go" } } } });
    const r = await t.request("DELETE", `${svcPath}?labelSelector=dc%3Dgo`);
    assert.equal(r.status, 200);
    const left = t.json<{ items: { metadata: { name: string } }[] }>(await t.request("GET", `${svcPath}?labelSelector=dc`));
    assert.deepEqual(left.items.map((i) => i.metadata.name), ["dc-3"]);
  });

  test("a namespace being deleted is Terminating and takes no new content", async () => {
    await t.request("POST", "/api/v1/namespaces", { body: { metadata: { name: "going" } } });
    const del = await t.request("DELETE", "/api/v1/namespaces/going");
    assert.equal(del.status, 202, "it waits for the namespace controller to empty it");
    assert.equal(t.json<{ status: { phase: string } }>(await t.request("GET", "/api/v1/namespaces/going")).status.phase, "Terminating");
    const r = await t.request("POST", "/api/v1/namespaces/going/services", { body: service("late") });
    assert.equal(r.status, 403);
    assert.equal(t.json<{ message: string }>(r).message, 'services "late" is forbidden: unable to create new content in namespace going because it is being terminated');
  });

  test("finalizers hold an object until they are removed", async () => {
    await t.request("POST", svcPath, { body: { ...service("fin"), metadata: { name: "fin", finalizers: ["example.com/hold"] } } });
    const del = await t.request("DELETE", `${svcPath}/fin`);
    assert.equal(del.status, 202);
    const held = t.json<{ metadata: { deletionTimestamp?: string } }>(await t.request("GET", `${svcPath}/fin`));
    assert.ok(held.metadata.deletionTimestamp);
    const rm = await t.request("PATCH", `${svcPath}/fin`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
    assert.equal(rm.status, 200, String(rm.body));
    assert.equal((await t.request("GET", `${svcPath}/fin`)).status, 404);
  });
});
