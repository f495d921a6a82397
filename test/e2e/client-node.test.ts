// @kubernetes/client-node 1.4 against a real `svcnet server` process: typed CRUD through
// CoreV1Api, and an informer that follows adds, updates and deletes, survives the server being
// killed and restarted on the same port and data dir, and relists after a 410 Expired.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { V1Service } from "@kubernetes/client-node";
import { ApiException, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { KubeHttp } from "./helpers/kube-http.js";
import type { RecordingInformer } from "./helpers/recording-informer.js";
import { startRecordingInformer } from "./helpers/recording-informer.js";
import type { ServerProcess } from "./helpers/server-process.js";
import { startServer } from "./helpers/server-process.js";
import { waitFor } from "./helpers/wait-for.js";

const servicesPath = "/api/v1/namespaces/default/services";

function makeService(name: string, edit: (s: V1Service) => void = () => {}): V1Service {
  const svc: V1Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, labels: { app: name } },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
  };
  edit(svc);
  return svc;
}

/** Calls `fn`, which must fail with an ApiException of `code`; returns the exception's body text. */
async function expectApiError(code: number, fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof ApiException, `expected an ApiException, got ${String(err)}`);
    assert.equal(err.code, code, String(err.body));
    return typeof err.body === "string" ? err.body : JSON.stringify(err.body);
  }
  assert.fail(`expected HTTP ${code}`);
}

describe("@kubernetes/client-node against svcnet server", () => {
  let s: ServerProcess;
  let kc: KubeConfig;
  let api: CoreV1Api;
  let http: KubeHttp;
  const informers: RecordingInformer<V1Service>[] = [];

  const startServiceInformer = async (): Promise<RecordingInformer<V1Service>> => {
    const inf = await startRecordingInformer<V1Service>(kc, servicesPath, () => api.listNamespacedService({ namespace: "default" }));
    informers.push(inf);
    return inf;
  };
  const seen = (inf: RecordingInformer<V1Service>, type: string, name: string): boolean =>
    inf.events.some((e) => e.type === type && e.name === name);
  const waitSeen = (inf: RecordingInformer<V1Service>, type: "add" | "update" | "delete", name: string, timeoutMs = 15_000): Promise<void> =>
    waitFor(`the informer to report ${type} ${name}`, () => seen(inf, type, name), {
      timeoutMs,
      state: () => JSON.stringify({ events: inf.events.slice(-10), errors: inf.errors.slice(-5), lists: inf.lists() }),
    });

  before(async () => {
    s = await startServer();
    kc = new KubeConfig();
    kc.loadFromFile(s.kubeconfig);
    api = kc.makeApiClient(CoreV1Api);
    http = KubeHttp.fromKubeconfig(s.kubeconfig);
  });
  after(async () => {
    for (const inf of informers) await inf.stop();
    http?.close();
    await s?.stop();
  });

  test("typed CRUD: create, read, three kinds of patch, list endpoints, delete", async () => {
    const created = await api.createNamespacedService({ namespace: "default", body: makeService("crud") });
    assert.equal(created.metadata?.name, "crud");
    assert.match(created.spec?.clusterIP ?? "", /^10\.0\.0\.\d+$/);
    assert.equal(created.spec?.type, "ClusterIP");
    assert.ok(created.metadata?.creationTimestamp instanceof Date, "creationTimestamp deserialized as a Date");

    const read = await api.readNamespacedService({ name: "crud", namespace: "default" });
    assert.equal(read.metadata?.uid, created.metadata?.uid);
    assert.equal(read.spec?.clusterIP, created.spec?.clusterIP);

    const merged = await api.patchNamespacedService(
      { name: "crud", namespace: "default", body: { metadata: { labels: { tier: "web" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    assert.deepEqual(merged.metadata?.labels, { app: "crud", tier: "web" });

    const strategic = await api.patchNamespacedService(
      { name: "crud", namespace: "default", body: { spec: { ports: [{ port: 80, targetPort: 9090 }] } } },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    assert.equal(strategic.spec?.ports?.length, 1);
    assert.equal(strategic.spec?.ports?.[0].targetPort, 9090);

    // Without a header option client-node sends the first type it knows: a JSON patch.
    const jsonPatched = await api.patchNamespacedService({
      name: "crud",
      namespace: "default",
      body: [{ op: "replace", path: "/spec/sessionAffinity", value: "ClientIP" }],
    });
    assert.equal(jsonPatched.spec?.sessionAffinity, "ClientIP");
    assert.equal(jsonPatched.spec?.clusterIP, created.spec?.clusterIP, "the ClusterIP is kept across patches");

    const endpoints = await api.listNamespacedEndpoints({ namespace: "default" });
    const kubernetes = endpoints.items.find((e) => e.metadata?.name === "kubernetes");
    assert.ok(kubernetes, "the kubernetes endpoints are listed");
    assert.equal(kubernetes.subsets?.[0].ports?.[0].port, s.port);
    assert.match(endpoints.metadata?.resourceVersion ?? "", /^\d+$/);

    await api.deleteNamespacedService({ name: "crud", namespace: "default" });
    const notFound = await expectApiError(404, () => api.readNamespacedService({ name: "crud", namespace: "default" }));
    assert.match(notFound, /"reason":"NotFound"/);
    const recreated = await api.createNamespacedService({ namespace: "default", body: makeService("crud") });
    assert.notEqual(recreated.metadata?.uid, created.metadata?.uid, "a new object after the delete");
    const exists = await expectApiError(409, () => api.createNamespacedService({ namespace: "default", body: makeService("crud") }));
    assert.match(exists, /"reason":"AlreadyExists"/);
    await api.deleteNamespacedService({ name: "crud", namespace: "default" });
  });

  test("an informer sees add, update and delete", async () => {
    const inf = await startServiceInformer();
    assert.ok(inf.cachedNames().includes("kubernetes"), "the first list fills the cache");
    await api.createNamespacedService({ namespace: "default", body: makeService("watched") });
    await waitSeen(inf, "add", "watched");
    await api.patchNamespacedService(
      { name: "watched", namespace: "default", body: { metadata: { annotations: { step: "2" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    await waitSeen(inf, "update", "watched");
    await api.deleteNamespacedService({ name: "watched", namespace: "default" });
    await waitSeen(inf, "delete", "watched");
    assert.deepEqual(
      inf.events.filter((e) => e.name === "watched").map((e) => e.type),
      ["add", "update", "delete"],
    );
    assert.ok(!inf.cachedNames().includes("watched"));
    assert.deepEqual(inf.errors, []);
    await inf.stop();
  });

  test("an informer keeps working after the server is killed and restarted on the same port", async () => {
    const inf = await startServiceInformer();
    await api.createNamespacedService({ namespace: "default", body: makeService("before-kill") });
    await waitSeen(inf, "add", "before-kill");
    const listsBefore = inf.lists();
    const port = s.port;

    await s.kill("SIGKILL");
    // client-node reports the cut watch stream (and each refused re-connect) as an error and
    // stops; the recording informer starts it again after a pause, as client-node documents.
    await waitFor("the informer to report the server gone", () => inf.errors.length > 0, { timeoutMs: 10_000 });
    assert.match(inf.errors.join("\n"), /Premature close|ECONNREFUSED|ECONNRESET|socket hang up/);

    await s.restart();
    assert.equal(s.port, port);
    await api.createNamespacedService({ namespace: "default", body: makeService("after-restart") });
    await waitSeen(inf, "add", "after-restart");
    // It resumes from its resourceVersion, or — when the restarted server's controllers wrote
    // something before the informer reconnected, so its revision is older than the new watch
    // cache — relists once after a 410. Either way it never loses an event (below).
    assert.ok(inf.lists() - listsBefore <= 1, `relisted more than once: ${JSON.stringify(inf.errors)}`);
    assert.deepEqual(
      inf.events.filter((e) => e.name === "before-kill").map((e) => e.type),
      ["add"],
      "no duplicate or lost events for the object from before the kill",
    );
    assert.ok(inf.cachedNames().includes("before-kill") && inf.cachedNames().includes("after-restart"));
    await inf.stop();
  });

  test("after a restart, a watch from a revision older than the new watch cache gets 410 and the informer relists", async () => {
    const inf = await startServiceInformer();
    await api.createNamespacedService({ namespace: "default", body: makeService("old-rv") });
    await waitSeen(inf, "add", "old-rv");
    const informerRv = inf.events[inf.events.length - 1].resourceVersion;
    // A write the service informer does not see: the store moves past the informer's revision.
    await api.createNode({ body: { apiVersion: "v1", kind: "Node", metadata: { name: "node-410" } } });
    const listsBefore = inf.lists();

    await s.kill("SIGKILL");
    await waitFor("the informer to report the server gone", () => inf.errors.length > 0, { timeoutMs: 10_000 });
    await s.restart();

    // The restarted server's watch cache starts at the store's current revision, so the
    // informer's re-watch from its older revision is answered with an ERROR event, code 410.
    const raw = await http.request(`${servicesPath}?watch=true&resourceVersion=${informerRv}&timeoutSeconds=5`);
    assert.equal(raw.status, 200);
    const lines = raw.text.trim().split("\n");
    assert.equal(lines.length, 1, raw.text);
    const ev = JSON.parse(lines[0]) as { type: string; object: { kind: string; code: number; reason: string; message: string } };
    assert.equal(ev.type, "ERROR");
    assert.equal(ev.object.kind, "Status");
    assert.equal(ev.object.code, 410);
    assert.equal(ev.object.reason, "Expired");
    assert.match(ev.object.message, new RegExp(`too old resource version: ${informerRv}`));

    await waitFor("the informer to relist after the 410", () => inf.lists() > listsBefore, {
      state: () => JSON.stringify({ lists: inf.lists(), errors: inf.errors }),
    });
    await api.createNamespacedService({ namespace: "default", body: makeService("after-410") });
    await waitSeen(inf, "add", "after-410");
    // The relist found nothing new for the cache: no object was reported twice as added.
    assert.deepEqual(
      inf.events.filter((e) => e.name === "old-rv").map((e) => e.type),
      ["add"],
    );
    assert.ok(inf.cachedNames().includes("old-rv"));
    await inf.stop();
  });

  // Runs last: it stops the shared server. A watch that ended with a 410 must not keep the
  // process alive after SIGTERM (the previous test served one).
  test("SIGTERM stops the server promptly, also after it answered a watch with 410", async () => {
    const started = Date.now();
    await s.kill("SIGTERM");
    const took = Date.now() - started;
    assert.equal(s.child.exitCode, 0);
    assert.ok(took < 3000, `the server took ${took} ms to exit after SIGTERM`);
  });
});
